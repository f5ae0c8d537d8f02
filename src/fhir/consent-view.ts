/**
 * R4 Consent resources read for display and decisions: status and whether the consent is in
 * force now, scope, category, period, policy, and the provision tree (permit/deny, actors,
 * actions, purposes, data classes and codes, security labels, data periods, nested exceptions).
 *
 * Reading rules (stated to the user by the consent dialog):
 * - A root provision without `type` takes it from `policyRule`: OPTIN permits, OPTOUT denies;
 *   any other policy leaves it "not stated".
 * - A nested provision is an exception to its parent; without `type` it is read as the opposite
 *   of its parent's.
 * - An outer deny with nested permits reads as opt-in ("nothing is shared except …"), an outer
 *   permit with nested denies as opt-out ("shared except …").
 * - Only `active` consents whose period (if any) covers now are in force. `entered-in-error`
 *   is never in force and never shown as if it had been.
 */
import type { CodeableConcept, Coding, Consent, ConsentProvision, Period, Reference } from 'fhir/r4';
import { conceptText } from './codings.js';
import { fhirDateRange } from './dates.js';

/** Why a consent is (not) in force now. */
export type ConsentForce = 'in-force' | 'not-active' | 'entered-in-error' | 'ended' | 'not-started';

/** An actor of a provision. */
export interface ProvisionActor {
  /** The role code as recorded (`PRCP`, `CST` …), `''` when none. */
  role: string;
  /** The role's words when recorded. */
  roleText?: string;
  /** The reference as recorded (`Organization/f001`). */
  reference: string;
  display?: string;
}

/** One provision, read. */
export interface ProvisionView {
  /** Position in the tree: `1` for the root, `1.2` for its second exception. */
  path: string;
  type: 'permit' | 'deny' | 'unstated';
  /** `type` was not recorded and was read from the policy or the parent. */
  typeInferred: boolean;
  /** When this rule applies (provision.period). */
  period?: Period;
  actors: ProvisionActor[];
  /** Action codes (`access`, `correct` …). */
  actions: string[];
  /** Purpose-of-use codes (`TREAT`, `HRESCH` …) with their display when recorded. */
  purposes: { code: string; display?: string }[];
  /** Resource types (`MedicationRequest`) the rule covers. */
  classes: string[];
  /** Other data codes the rule covers (`system|code` words). */
  codes: string[];
  /** Security label codes (`PSY`, `N` …). */
  securityLabels: string[];
  /** The data covered is limited to what was recorded in this period. */
  dataPeriod?: Period;
  /** Specific resources the rule is about. */
  data: { meaning: string; reference: string }[];
  children: ProvisionView[];
}

/** How the whole consent reads. */
export type ConsentReading = 'opt-in' | 'opt-out' | 'permit' | 'deny' | 'unstated';

/** A Consent, read. */
export interface ConsentView {
  /** `source/Consent/id`. */
  key: string;
  source: string;
  id: string;
  resource: Consent;
  /** As recorded; `unknown` when missing. */
  status: string;
  force: ConsentForce;
  /** The scope code (`patient-privacy`, `research` …), `''` when none. */
  scope: string;
  categories: string[];
  dateTime?: string;
  /** The root provision's period: when the consent applies. */
  period?: Period;
  /** `policyRule` code (`OPTIN`), or the policy URIs. */
  policyRule?: string;
  policies: string[];
  organizations: string[];
  performers: string[];
  root?: ProvisionView;
  reading: ConsentReading;
}

const codes = (list: Coding[] | undefined): string[] => (Array.isArray(list) ? list.map((c) => c?.code).filter((c): c is string => typeof c === 'string' && c.trim() !== '') : []);
const conceptCodes = (list: CodeableConcept[] | undefined): string[] => (Array.isArray(list) ? list.flatMap((c) => codes(c?.coding)) : []);
const ref = (r: Reference | undefined): string => (typeof r?.reference === 'string' ? r.reference.trim() : typeof r?.display === 'string' ? r.display : '');

function readProvision(p: ConsentProvision, path: string, parentType: ProvisionView['type'] | undefined, rootType: ProvisionView['type']): ProvisionView {
  const recorded = p.type === 'permit' || p.type === 'deny' ? p.type : undefined;
  const inferred: ProvisionView['type'] =
    parentType === undefined ? rootType : parentType === 'permit' ? 'deny' : parentType === 'deny' ? 'permit' : 'unstated';
  const type = recorded ?? inferred;
  const view: ProvisionView = {
    path,
    type,
    typeInferred: !recorded,
    ...(p.period ? { period: p.period } : {}),
    actors: (Array.isArray(p.actor) ? p.actor : []).map((a) => ({
      role: codes(a?.role?.coding)[0] ?? '',
      ...(conceptText(a?.role) ? { roleText: conceptText(a?.role)! } : {}),
      reference: ref(a?.reference),
      ...(typeof a?.reference?.display === 'string' ? { display: a.reference.display } : {}),
    })),
    actions: conceptCodes(p.action),
    purposes: (Array.isArray(p.purpose) ? p.purpose : []).filter((c) => typeof c?.code === 'string').map((c) => ({ code: c.code!, ...(c.display ? { display: c.display } : {}) })),
    classes: codes(p.class),
    codes: (Array.isArray(p.code) ? p.code : []).map((c) => conceptText(c) ?? '').filter(Boolean),
    securityLabels: codes(p.securityLabel),
    ...(p.dataPeriod ? { dataPeriod: p.dataPeriod } : {}),
    data: (Array.isArray(p.data) ? p.data : []).map((d) => ({ meaning: String(d?.meaning ?? ''), reference: ref(d?.reference) })),
    children: [],
  };
  const kids = Array.isArray(p.provision) ? p.provision.filter((x) => x && typeof x === 'object') : [];
  // A hostile tree cannot run away: 8 levels and 200 exceptions per level are read, the rest are not.
  if (path.split('.').length < 8) view.children = kids.slice(0, 200).map((k, i) => readProvision(k, `${path}.${i + 1}`, type, rootType));
  return view;
}

/** Whether `at` (ms) is inside `period` (open ends allowed); a period that cannot be read does not restrict. */
export function inPeriod(period: Period | undefined, at: number): 'inside' | 'before' | 'after' {
  const start = period?.start ? fhirDateRange(period.start)?.start : undefined;
  const end = period?.end ? fhirDateRange(period.end)?.end : undefined;
  if (start !== undefined && at < start) return 'before';
  if (end !== undefined && at >= end) return 'after';
  return 'inside';
}

/** Reads a Consent from `source`; `now` (ms) decides whether it is in force. */
export function consentView(c: Consent, source: string, now: number): ConsentView {
  const status = typeof c.status === 'string' ? c.status : 'unknown';
  const policyRule = codes(c.policyRule?.coding)[0];
  const rootType: ProvisionView['type'] = c.provision?.type === 'permit' || c.provision?.type === 'deny' ? c.provision.type : policyRule === 'OPTIN' ? 'permit' : policyRule === 'OPTOUT' ? 'deny' : 'unstated';
  const root = c.provision && typeof c.provision === 'object' ? readProvision(c.provision, '1', undefined, rootType) : undefined;
  const period = c.provision?.period;
  const when = inPeriod(period, now);
  const force: ConsentForce =
    status === 'entered-in-error' ? 'entered-in-error' : status !== 'active' ? 'not-active' : when === 'after' ? 'ended' : when === 'before' ? 'not-started' : 'in-force';
  let reading: ConsentReading = root?.type ?? 'unstated';
  if (root && root.children.length) {
    if (root.type === 'deny' && root.children.some((k) => k.type === 'permit')) reading = 'opt-in';
    else if (root.type === 'permit' && root.children.some((k) => k.type === 'deny')) reading = 'opt-out';
  }
  return {
    key: `${source}/Consent/${c.id ?? ''}`,
    source,
    id: c.id ?? '',
    resource: c,
    status,
    force,
    scope: codes(c.scope?.coding)[0] ?? '',
    categories: (Array.isArray(c.category) ? c.category : []).map((x) => conceptText(x) ?? codes(x?.coding)[0] ?? '').filter(Boolean),
    ...(typeof c.dateTime === 'string' ? { dateTime: c.dateTime } : {}),
    ...(period ? { period } : {}),
    ...(policyRule ? { policyRule } : {}),
    policies: (Array.isArray(c.policy) ? c.policy : []).map((p) => p?.uri ?? p?.authority ?? '').filter((s): s is string => Boolean(s)),
    organizations: (Array.isArray(c.organization) ? c.organization : []).map(ref).filter(Boolean),
    performers: (Array.isArray(c.performer) ? c.performer : []).map(ref).filter(Boolean),
    ...(root ? { root } : {}),
    reading,
  };
}
