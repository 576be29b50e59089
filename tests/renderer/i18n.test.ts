import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/shared/errors.ts';
import { en, ru } from '../../src/renderer/i18n/resources.ts';
import { createFormatter } from '../../src/renderer/i18n/format.ts';
import { guessLanguage } from '../../src/renderer/i18n/index.ts';

type Tree = { [key: string]: string | Tree };
const languages: Record<string, Tree> = { en, ru };

/** `a.b.c` → value, for every leaf; objects and strings must line up across languages. */
function flatten(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of flatten(value, path)) out.set(k, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

const flat = Object.fromEntries(Object.entries(languages).map(([lang, tree]) => [lang, flatten(tree)]));

describe('translations', () => {
  for (const [lang, keys] of Object.entries(flat)) {
    for (const [other, otherKeys] of Object.entries(flat)) {
      if (other === lang) continue;
      it(`every key in ${lang} is present and non-empty in ${other}`, () => {
        const missing = [...keys.keys()].filter((key) => {
          const value = otherKeys.get(key);
          return typeof value !== 'string' || value.trim() === '';
        });
        expect(missing).toEqual([]);
      });
    }
  }

  it('has no empty strings anywhere', () => {
    for (const [lang, keys] of Object.entries(flat)) {
      const empty = [...keys].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
      expect(empty, lang).toEqual([]);
    }
  });

  it('uses the same {{placeholders}} in every language', () => {
    const placeholders = (s: unknown) =>
      [...String(s).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
    for (const [key, value] of flat.en!) {
      expect(placeholders(flat.ru!.get(key)), key).toEqual(placeholders(value));
    }
  });

  it('translates every error code, message and hint, in every language', () => {
    for (const [lang, keys] of Object.entries(flat)) {
      const missing = errorCodes.flatMap((code) =>
        [`errors.${code}`, `errorHints.${code}`].filter((key) => !String(keys.get(key) ?? '').trim()),
      );
      expect(missing, lang).toEqual([]);
    }
  });

  it('has no error translations for codes that no longer exist', () => {
    const codes = new Set<string>(errorCodes);
    expect(Object.keys(en.errors).filter((c) => !codes.has(c))).toEqual([]);
    expect(Object.keys(en.errorHints).filter((c) => !codes.has(c))).toEqual([]);
  });

  it('Russian text is actually Russian, not a copied English string', () => {
    // Brand names and symbols may be identical; whole sentences must not be.
    const same = [...flat.en!]
      .filter(([k, v]) => flat.ru!.get(k) === v && String(v).includes(' '))
      .map(([k]) => k);
    expect(same).toEqual([]);
  });
});

describe('guessLanguage', () => {
  it('picks the first supported language the browser prefers', () => {
    expect(guessLanguage(['ru-RU', 'en-US'])).toBe('ru');
    expect(guessLanguage(['de-DE', 'en-GB', 'ru'])).toBe('en');
    expect(guessLanguage(['uk-UA'])).toBe('en');
    expect(guessLanguage([])).toBe('en');
  });
});

describe('createFormatter', () => {
  it('formats numbers, sizes and dates by locale', () => {
    const enFormat = createFormatter('en');
    const ruFormat = createFormatter('ru');
    expect(enFormat.number(1234567.5)).toBe('1,234,567.5');
    expect(ruFormat.number(1234567.5).replace(/\s/g, ' ')).toBe('1 234 567,5');
    expect(enFormat.bytes(12)).toBe('12 bytes');
    expect(ruFormat.bytes(5)).toBe('5 байт');
    expect(enFormat.bytes(1536 * 1024)).toBe('1.5 MB');
    expect(ruFormat.bytes(1536 * 1024).replace(/\s/g, ' ')).toBe('1,5 МБ');
    expect(enFormat.bytes(250 * 1024 ** 3)).toBe('250 GB');
    expect(ruFormat.date('2025-03-04T10:05:00Z')).toMatch(/мар/);
    expect(enFormat.date('2025-03-04T10:05:00Z')).toMatch(/Mar/);
  });
});
