import { describe, expect, it } from 'vitest';
import { estimateStrength, generatePassword } from '../../src/renderer/wizard/password.ts';

describe('generatePassword', () => {
  it('makes six groups of four unambiguous characters, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const password = generatePassword();
      expect(password).toMatch(/^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){5}$/);
      expect(password).not.toMatch(/[01ilo]/);
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });

  it('uses every character of the alphabet about equally (rejection sampling, no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      for (const c of generatePassword().replace(/-/g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(31);
    const expected = (2000 * 24) / 31;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.15);
  });

  it('skips random bytes that would bias the result', () => {
    // 248..255 must be rejected (248 = 8 × 31); byte 0 → 'a', byte 31 → 'a' again.
    let call = 0;
    const fill = (bytes: Uint8Array<ArrayBuffer>) => {
      bytes.fill(call++ === 0 ? 250 : 31);
      return bytes;
    };
    expect(generatePassword(fill)).toBe('aaaa-aaaa-aaaa-aaaa-aaaa-aaaa');
    expect(call).toBe(2);
  });

  it('is rated strong by its own meter', () => {
    expect(estimateStrength(generatePassword()).level).toBe('strong');
  });
});

describe('estimateStrength', () => {
  it.each([
    ['', 'tooWeak', false],
    ['password', 'tooWeak', false],
    ['Password123', 'tooWeak', false],
    ['aaaaaaaaaaaaaaaa', 'tooWeak', false],
    ['abcdefghijklmnop', 'tooWeak', false],
    ['qwerty2024!', 'weak', false],
    ['Tr0ub4dor&3', 'good', true],
    ['my shop sells blue bicycles', 'strong', true],
    ['мой магазин продаёт синие велосипеды', 'strong', true],
  ] as const)('%s → %s', (password, level, acceptable) => {
    const strength = estimateStrength(password);
    expect(strength.level).toBe(level);
    expect(strength.acceptable).toBe(acceptable);
    expect(strength.percent).toBeGreaterThanOrEqual(0);
    expect(strength.percent).toBeLessThanOrEqual(100);
  });

  it('grows with length and variety', () => {
    expect(estimateStrength('horse staple').bits).toBeLessThan(estimateStrength('horse staple battery').bits);
    expect(estimateStrength('horsestaple').bits).toBeLessThan(estimateStrength('Horse-Staple7').bits);
  });
});
