import { describe, expect, it } from 'vitest';
import type { Patient } from 'fhir/r4';
import {
  ageAt,
  calendarDateOf,
  daysInMonth,
  fhirDateRange,
  fhirDateSortKey,
  formatFhirDate,
  parseFhirDate,
  shortMonthNames,
  usesCuiDates,
} from '../src/fhir/index.js';
import { HOSTILE_STRINGS, fixture } from './fhir-fixtures.js';

describe('parseFhirDate', () => {
  it('keeps year precision', () => {
    expect(parseFhirDate('2004')).toEqual({ original: '2004', precision: 'year', year: 2004 });
  });
  it('keeps month precision without inventing a day', () => {
    const p = parseFhirDate('1970-05');
    expect(p).toEqual({ original: '1970-05', precision: 'month', year: 1970, month: 5 });
    expect(p).not.toHaveProperty('day');
  });
  it('parses a date', () => {
    expect(parseFhirDate('2018-05-22')).toMatchObject({ precision: 'day', year: 2018, month: 5, day: 22 });
  });
  it('parses a dateTime with offset and keeps the wall-clock fields as written', () => {
    expect(parseFhirDate('2015-02-14T13:42:00+10:00')).toMatchObject({
      precision: 'time',
      year: 2015,
      month: 2,
      day: 14,
      hour: 13,
      minute: 42,
      second: 0,
      offsetMinutes: 600,
    });
  });
  it('parses an instant with fractional seconds and negative offset', () => {
    expect(parseFhirDate('1972-01-13T18:33:18.715-05:00')).toMatchObject({ fraction: '715', offsetMinutes: -300 });
    expect(parseFhirDate('2021-11-10T16:48:57.246958-08:00')).toMatchObject({ fraction: '246958', offsetMinutes: -480 });
  });
  it('parses Z as UTC', () => {
    expect(parseFhirDate('2021-02-21T19:27:45Z')?.offsetMinutes).toBe(0);
  });
  it('tolerates a time without seconds and without offset', () => {
    const p = parseFhirDate('2020-01-01T10:30');
    expect(p).toMatchObject({ precision: 'time', hour: 10, minute: 30 });
    expect(p).not.toHaveProperty('second');
    expect(p).not.toHaveProperty('offsetMinutes');
  });
  it.each(['2019-02-29', '2019-13', '2019-00', '2019-04-31', '0000', '2019-1-1', '19', '2019-05-22T25:00:00Z', '2019-05-22T10:61:00Z', '2019-05-22T10:00:00+15:00', '2019-05-22 10:00', 'May 2019'])(
    'rejects %s',
    (s) => expect(parseFhirDate(s)).toBeNull(),
  );
  it('accepts 29 February in a leap year', () => {
    expect(parseFhirDate('2020-02-29')).not.toBeNull();
  });
  it('returns null for non-strings and hostile strings without throwing', () => {
    for (const v of [undefined, null, 42, {}, [], true]) expect(parseFhirDate(v)).toBeNull();
    for (const s of HOSTILE_STRINGS) expect(parseFhirDate(s)).toBeNull();
  });
  it('trims surrounding whitespace', () => {
    expect(parseFhirDate(' 2018-05-22 ')?.day).toBe(22);
  });
});

describe('daysInMonth', () => {
  it('knows leap years', () => {
    expect(daysInMonth(2020, 2)).toBe(29);
    expect(daysInMonth(2019, 2)).toBe(28);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2021, 12)).toBe(31);
  });
});

describe('formatFhirDate', () => {
  it('formats a day NHS CUI style', () => {
    expect(formatFhirDate('2018-05-22')).toBe('22-May-2018');
    expect(formatFhirDate('2018-09-01')).toBe('01-Sep-2018');
  });
  it('uses three-letter English months, never "Sept"', () => {
    expect(shortMonthNames('en-GB')).toEqual(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);
    expect(formatFhirDate('2018-09-30', 'en-US')).toBe('30-Sep-2018');
  });
  it('never pads a month-precision date into a day', () => {
    expect(formatFhirDate('1970-05')).toBe('May 1970');
  });
  it('shows a year-only date as the year', () => {
    expect(formatFhirDate('2004')).toBe('2004');
  });
  it('shows the recorded wall-clock time without depending on the host time zone', () => {
    expect(formatFhirDate('2015-02-14T13:42:00+10:00')).toBe('14-Feb-2015 13:42');
    expect(formatFhirDate('2021-02-21T19:27:45+00:00')).toBe('21-Feb-2021 19:27');
  });
  it('can show only the recorded day of a dateTime', () => {
    expect(formatFhirDate('2015-02-14T01:00:00+10:00', 'en-GB', { time: false })).toBe('14-Feb-2015');
  });
  it('converts to a requested time zone when asked', () => {
    // 01:00 at +10:00 is 15:00 the previous day in UTC and 10:00 the previous day in New York.
    expect(formatFhirDate('2015-02-14T01:00:00+10:00', 'en-GB', { timeZone: 'UTC' })).toBe('13-Feb-2015 15:00');
    expect(formatFhirDate('2015-02-14T01:00:00+10:00', 'en-GB', { timeZone: 'America/New_York' })).toBe('13-Feb-2015 10:00');
    expect(formatFhirDate('2015-02-14T01:00:00+10:00', 'en-GB', { timeZone: 'Pacific/Kiritimati' })).toBe('14-Feb-2015 05:00');
  });
  it('does not convert a time written without an offset', () => {
    expect(formatFhirDate('2020-01-01T10:30', 'en-GB', { timeZone: 'Asia/Tokyo' })).toBe('01-Jan-2020 10:30');
  });
  it('never converts a date without a time, whatever time zone is requested', () => {
    for (const tz of ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Los_Angeles', 'Asia/Kolkata']) {
      expect(formatFhirDate('2018-05-22', 'en-GB', { timeZone: tz })).toBe('22-May-2018');
      expect(formatFhirDate('1970-05', 'en-GB', { timeZone: tz })).toBe('May 1970');
    }
  });
  it('uses the locale\'s own numeric date for other languages, never the English DD-Mmm-YYYY shape', () => {
    expect(formatFhirDate('1952-07-31', 'de')).toBe('31.07.1952');
    expect(formatFhirDate('2021-02-21', 'de-DE')).toBe('21.02.2021');
    expect(formatFhirDate('2020-08-23', 'de-AT')).toBe('23.08.2020');
    expect(formatFhirDate('2018-07-14', 'fr-FR')).toBe('14/07/2018');
    expect(formatFhirDate('2018-07-14', 'ja')).toBe('2018/07/14');
  });
  it('keeps partial dates partial in other languages', () => {
    expect(formatFhirDate('1952-07', 'de')).toBe('07.1952');
    expect(formatFhirDate('1952', 'de')).toBe('1952');
    expect(formatFhirDate('1970-05', 'fr-FR')).toBe('05/1970');
    expect(formatFhirDate('1970-05', 'ja')).toBe('1970/05');
    for (const l of ['de', 'fr-FR', 'es', 'nl', 'ja', 'pl']) {
      expect(formatFhirDate('1970-05', l)).not.toMatch(/01/);
      expect(formatFhirDate('1970', l)).toBe('1970');
    }
  });
  it('shows German date-times as recorded, converting only when asked', () => {
    expect(formatFhirDate('2026-11-22T00:51:00+01:00', 'de')).toBe('22.11.2026, 00:51');
    expect(formatFhirDate('2026-11-22T00:51:00+01:00', 'de', { time: false })).toBe('22.11.2026');
    expect(formatFhirDate('2015-02-14T01:00:00+10:00', 'de', { timeZone: 'UTC' })).toBe('13.02.2015, 15:00');
    expect(formatFhirDate('2020-01-01T10:30', 'de', { timeZone: 'Asia/Tokyo' })).toBe('01.01.2020, 10:30');
  });
  it('never moves a German calendar date with the time zone', () => {
    for (const tz of ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Los_Angeles']) {
      expect(formatFhirDate('1952-07-31', 'de', { timeZone: tz })).toBe('31.07.1952');
      expect(formatFhirDate('1952-07', 'de', { timeZone: tz })).toBe('07.1952');
    }
  });
  it('uses the CUI form only for English (and unreadable locales)', () => {
    expect(usesCuiDates('en-GB')).toBe(true);
    expect(usesCuiDates('en-US')).toBe(true);
    expect(usesCuiDates('not a locale!!')).toBe(true);
    expect(usesCuiDates('de-DE')).toBe(false);
    expect(usesCuiDates('fr')).toBe(false);
  });
  it('falls back to English for an invalid locale instead of throwing', () => {
    expect(formatFhirDate('2018-05-22', 'not a locale!!')).toBe('22-May-2018');
  });
  it('returns null for missing or invalid values', () => {
    expect(formatFhirDate(undefined)).toBeNull();
    expect(formatFhirDate('2019-02-30')).toBeNull();
    for (const s of HOSTILE_STRINGS) expect(formatFhirDate(s)).toBeNull();
  });
  it('formats the birth date of a fixture patient', () => {
    const p = fixture<Patient>('Patient-example.json');
    expect(formatFhirDate(p.birthDate)).toBe('25-Dec-1974');
  });
});

describe('fhirDateRange / fhirDateSortKey', () => {
  it('covers the whole recorded interval', () => {
    expect(fhirDateRange('2002')).toEqual({ start: Date.UTC(2002, 0, 1), end: Date.UTC(2003, 0, 1) });
    expect(fhirDateRange('2002-02')).toEqual({ start: Date.UTC(2002, 1, 1), end: Date.UTC(2002, 2, 1) });
  });
  it('applies the offset of a dateTime', () => {
    expect(fhirDateRange('2015-02-14T13:42:00+10:00')!.start).toBe(Date.UTC(2015, 1, 14, 3, 42));
  });
  it('sorts mixed precisions and returns null for garbage', () => {
    const values = ['2019', '2018-05-22', '2018-05-22T10:00:00Z', '2018-06'];
    const sorted = [...values].sort((a, b) => fhirDateSortKey(a)! - fhirDateSortKey(b)!);
    expect(sorted).toEqual(['2018-05-22', '2018-05-22T10:00:00Z', '2018-06', '2019']);
    expect(fhirDateSortKey('garbage')).toBeNull();
    expect(fhirDateSortKey(undefined)).toBeNull();
  });
});

describe('calendarDateOf', () => {
  it('gives the calendar day in the requested zone', () => {
    const instant = new Date(Date.UTC(2020, 0, 1, 2, 0)); // 02:00 UTC on 1 Jan
    expect(calendarDateOf(instant, 'UTC')).toEqual({ year: 2020, month: 1, day: 1 });
    expect(calendarDateOf(instant, 'America/Los_Angeles')).toEqual({ year: 2019, month: 12, day: 31 });
    expect(calendarDateOf(instant, 'Asia/Tokyo')).toEqual({ year: 2020, month: 1, day: 1 });
  });
});

describe('ageAt', () => {
  it('shows days under one week', () => {
    expect(ageAt('2020-01-01', '2020-01-01')).toMatchObject({ totalDays: 0, display: '0d', unit: 'days' });
    expect(ageAt('2020-01-01', '2020-01-06')).toMatchObject({ days: 5, display: '5d' });
  });
  it('shows weeks and days under one month', () => {
    expect(ageAt('2020-01-01', '2020-01-18')).toMatchObject({ weeks: 2, display: '2w 3d', unit: 'weeks-days' });
    expect(ageAt('2020-01-01', '2020-01-15')).toMatchObject({ display: '2w' });
  });
  it('shows months and days under one year', () => {
    expect(ageAt('2020-01-10', '2020-04-22')).toMatchObject({ years: 0, months: 3, days: 12, display: '3m 12d', unit: 'months-days' });
    expect(ageAt('2020-01-10', '2020-04-10')).toMatchObject({ display: '3m' });
  });
  it('shows years and months under two years', () => {
    expect(ageAt('2018-05-22', '2019-08-30')).toMatchObject({ years: 1, months: 3, display: '1y 3m', unit: 'years-months' });
    expect(ageAt('2018-05-22', '2019-05-22')).toMatchObject({ display: '1y' });
  });
  it('shows years only from two years', () => {
    expect(ageAt('2018-05-22', '2020-05-22')).toMatchObject({ years: 2, display: '2y', unit: 'years' });
    expect(ageAt('1974-12-25', '2028-12-24')).toMatchObject({ years: 53, display: '53y' });
    expect(ageAt('1974-12-25', '2028-12-25')).toMatchObject({ years: 54, display: '54y' });
  });
  it('counts a 29 February birthday as reached on 1 March in other years', () => {
    expect(ageAt('2020-02-29', '2021-02-28')).toMatchObject({ years: 0, months: 11, days: 30 });
    expect(ageAt('2020-02-29', '2021-03-01')).toMatchObject({ years: 1, months: 0, days: 0, display: '1y' });
    expect(ageAt('2020-02-29', '2024-02-29')).toMatchObject({ years: 4, months: 0, days: 0 });
  });
  it('handles month ends (born 31 Jan)', () => {
    expect(ageAt('2021-01-31', '2021-02-28')).toMatchObject({ months: 0, days: 28 });
    expect(ageAt('2021-01-31', '2021-03-01')).toMatchObject({ months: 1, days: 0, display: '1m' });
    expect(ageAt('2021-01-31', '2021-03-31')).toMatchObject({ months: 2, days: 0 });
  });
  it('uses the recorded calendar day of a dateTime (age at death)', () => {
    const p = fixture<Patient>('Patient-pat3.json');
    // died 14 Feb 2015 at 13:42 +10:00 (03:42 UTC the same day)
    expect(ageAt(p.birthDate, p.deceasedDateTime)).toMatchObject({ years: 33, display: '33y' });
    // 00:30 local on the birthday must not become the day before in UTC
    expect(ageAt('1982-01-23', '2015-01-23T00:30:00+10:00')).toMatchObject({ years: 33 });
  });
  it('is independent of the host time zone for a Date, given a zone', () => {
    const instant = new Date(Date.UTC(2020, 4, 22, 3, 0)); // 03:00 UTC on 22 May 2020
    expect(ageAt('2018-05-22', instant, { timeZone: 'UTC' })).toMatchObject({ years: 2, display: '2y' });
    // still 21 May in Los Angeles: the second birthday has not come yet
    expect(ageAt('2018-05-22', instant, { timeZone: 'America/Los_Angeles' })).toMatchObject({ years: 1, months: 11 });
  });
  it('defaults to today', () => {
    const a = ageAt('2000-01-01');
    expect(a?.years).toBeGreaterThanOrEqual(25);
    expect(a?.unit).toBe('years');
  });
  it('accepts a CalendarDate', () => {
    expect(ageAt('2018-05-22', { year: 2018, month: 6, day: 1 })).toMatchObject({ display: '1w 3d' });
  });
  it('marks partial birth dates approximate and never claims finer precision', () => {
    const a = ageAt('1970', '2020-06-15');
    expect(a).toMatchObject({ approximate: true, unit: 'years-range', display: '49–50y' });
    expect(ageAt('1970-05', '2020-06-15')).toMatchObject({ approximate: true, display: '50y', unit: 'years' });
    expect(ageAt('1970-05', '2020-05-15')).toMatchObject({ approximate: true, display: '49–50y' });
  });
  it('handles a partial date of comparison', () => {
    expect(ageAt('1952-07-31', '2021')).toMatchObject({ approximate: true, display: '68–69y' });
  });
  it('returns null for unknown or invalid birth dates and for dates before birth', () => {
    expect(ageAt(undefined, '2020-01-01')).toBeNull();
    expect(ageAt(null, '2020-01-01')).toBeNull();
    expect(ageAt('not a date', '2020-01-01')).toBeNull();
    expect(ageAt('2020-01-02', '2020-01-01')).toBeNull();
    expect(ageAt('2020-01-01', 'garbage')).toBeNull();
    expect(ageAt('2020-01-01', new Date(Number.NaN))).toBeNull();
    for (const s of HOSTILE_STRINGS) expect(ageAt(s, '2020-01-01')).toBeNull();
  });
  it('computes the toddler fixture age', () => {
    const versie = fixture<{ patient: Patient }>('synthea-versie-botsford.json').patient;
    expect(ageAt(versie.birthDate, '2019-10-25T00:46:35+00:00')).toMatchObject({ years: 1, months: 5, display: '1y 5m' });
  });
});
