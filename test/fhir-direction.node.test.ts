import { describe, expect, it } from 'vitest';
import { hasDirectionControls } from '../src/fhir/direction.js';

describe('hasDirectionControls', () => {
  it('finds every embedding, override and isolate control, and nothing else', () => {
    const controls = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
    for (const c of controls) expect(hasDirectionControls(`a${String.fromCodePoint(c)}b`)).toBe(true);
    // Marks and neighbours that do not reorder: LRM, RLM, ALM, U+2065 (unassigned), U+202F (narrow no-break space).
    for (const c of [0x200e, 0x200f, 0x061c, 0x2065, 0x202f]) expect(hasDirectionControls(`a${String.fromCodePoint(c)}b`)).toBe(false);
    expect(hasDirectionControls('مرحبا Hello')).toBe(false);
    expect(hasDirectionControls(undefined)).toBe(false);
    expect(hasDirectionControls(42)).toBe(false);
  });
});
