import { describe, expect, it } from 'vitest';
import { safeStyleTokens, styleTokens, validColor, validFontList, validLength } from '../src/fhir/smart-style.js';

describe('smart_style_url mapping', () => {
  it('maps every SMART style field onto its --ehr-* token', () => {
    const { tokens, rejected } = styleTokens({
      color_background: '#edeae3',
      color_error: '#9e2d2d',
      color_highlight: '#69b5ce',
      color_modal_backdrop: 'rgba(0, 0, 0, 0.5)',
      color_success: '#498e49',
      color_text: '#303030',
      dim_border_radius: '6px',
      dim_font_size: '13px',
      dim_spacing_size: '20px',
      font_family_body: "Georgia, Times, 'Times New Roman', serif",
      font_family_heading: '"Helvetica Neue", Helvetica, Arial, sans-serif',
      unknown_field: 'ignored',
    });
    expect(rejected).toEqual([]);
    expect(tokens).toEqual({
      '--ehr-color-surface': '#edeae3',
      '--ehr-color-danger': '#9e2d2d',
      '--ehr-color-accent': '#69b5ce',
      '--ehr-color-focus': '#69b5ce',
      '--ehr-color-backdrop': 'rgba(0, 0, 0, 0.5)',
      '--ehr-color-success': '#498e49',
      '--ehr-color-text': '#303030',
      '--ehr-radius-m': '6px',
      '--ehr-font-size-m': '13px',
      '--ehr-space-m': '20px',
      '--ehr-font-family': "Georgia, Times, 'Times New Roman', serif",
      '--ehr-font-family-heading': '"Helvetica Neue", Helvetica, Arial, sans-serif',
    });
  });

  it('drops hostile or malformed values and names the fields it dropped', () => {
    const { tokens, rejected } = styleTokens({
      color_background: 'red; background-image: url(https://evil.example/x)',
      color_text: 'var(--secret)',
      color_error: 'expression(alert(1))',
      dim_font_size: '1000px',
      dim_spacing_size: 'calc(100vh)',
      font_family_body: 'Arial; } body { display:none',
      font_family_heading: 'url(x), serif',
      color_success: '#12345',
      dim_border_radius: '4px',
    });
    expect(Object.keys(tokens)).toEqual(['--ehr-radius-m']);
    expect(rejected.sort()).toEqual(['color_background', 'color_error', 'color_success', 'color_text', 'dim_font_size', 'dim_spacing_size', 'font_family_body', 'font_family_heading']);
  });

  it('asks the browser about colour keywords when it can', () => {
    const supports = (_p: string, v: string) => ['rebeccapurple', 'red'].includes(v);
    expect(validColor('RebeccaPurple', supports)).toBe('rebeccapurple');
    expect(validColor('notacolour', supports)).toBeUndefined();
    expect(validColor('hsl(120 50% 40% / 0.5)')).toBe('hsl(120 50% 40% / 0.5)');
    expect(validColor(42)).toBeUndefined();
  });

  it('takes a bare number as pixels and bounds every unit', () => {
    expect(validLength('6')).toBe('6px');
    expect(validLength(8)).toBe('8px');
    expect(validLength('0')).toBe('0px');
    expect(validLength('1.2rem')).toBe('1.2rem');
    expect(validLength('7rem')).toBeUndefined();
    expect(validLength('-4px')).toBeUndefined();
    expect(validFontList('a,b,c,d,e,f,g,h,i')).toBeUndefined();
    expect(validFontList('"Open Sans", sans-serif')).toBe('"Open Sans", sans-serif');
  });

  it('re-checks a token map from elsewhere: unknown tokens and bad values are dropped', () => {
    expect(safeStyleTokens({ '--ehr-color-text': '#111', '--ehr-color-surface': 'url(x)', '--other': '#fff', '--ehr-space-m': '1rem' })).toEqual({
      '--ehr-color-text': '#111',
      '--ehr-space-m': '1rem',
    });
    expect(safeStyleTokens(undefined)).toEqual({});
    expect(styleTokens(['not', 'an', 'object']).tokens).toEqual({});
  });
});
