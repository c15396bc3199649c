import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { canonicalJson } from './jcs.js';
import { canonicalEntry, entryLeafHash, parseLedgerEntry, plainLedgerEntry, zodLedgerEntry } from './entry.js';

describe('JCS (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and writes numbers the ECMAScript way (RFC 8785 3.2.2, 3.2.3)', () => {
    // The RFC's own example literal: its precision loss is the point of the test.
    // eslint-disable-next-line no-loss-of-precision
    expect(canonicalJson({ numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000001], string: '\u20ac$\u000f\u000aA\'\u0042\u0022\u005c\\"/', literals: [null, true, false] })).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,0.000001],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    expect(canonicalJson({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' })).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it.each([[{ a: undefined }], [{ a: NaN }], [{ a: Infinity }], [{ a: () => 1 }], [{ a: new Date(0) }], [{ a: 1n }]])('refuses %o', (value) => {
    expect(() => canonicalJson(value)).toThrow(InvalidInputError);
  });
});

describe('JCS: the one-pass serializer against the canonicalize package', () => {
  const reference = (value: unknown) => (canonicalize as unknown as (v: unknown) => string)(value);
  const outcome = (run: () => string) => {
    try {
      return { json: run() };
    } catch (error) {
      return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
    }
  };

  it('writes what canonicalize writes for any JSON value, lone surrogates and -0 included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        const expected = outcome(() => reference(value));
        const got = outcome(() => canonicalJson(value));
        if ('json' in expected) expect(got).toEqual(expected);
        else expect(got.error).toBe(`InvalidInputError: not canonicalizable: ${expected.error!.replace(/^Error: /, '')}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses anything else as the checked path does, with the same place in the message', () => {
    const odd = fc.oneof(fc.constant(undefined), fc.constant(NaN), fc.constant(-Infinity), fc.constant(() => 1), fc.constant(new Date(0)), fc.constant(1n), fc.constant(Object.create(null) as object));
    const tree = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), odd, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string({ unit: 'binary', maxLength: 3 }), tie('value'), { maxKeys: 3 })),
    })).value;
    fc.assert(
      fc.property(tree, (value) => {
        const got = outcome(() => canonicalJson(value));
        let json: string | undefined;
        try {
          json = JSON.stringify(value);
        } catch {
          json = undefined;
        }
        // Plain JSON (as JSON.stringify round-trips it) gives canonicalize's text; anything else a refusal.
        if (json !== undefined && JSON.stringify(JSON.parse(json)) === json && 'json' in got) expect(got.json).toBe(reference(JSON.parse(json)));
        if ('error' in got) expect(got.error).toMatch(/^InvalidInputError: /);
      }),
      { numRuns: 2000 },
    );
    expect(() => canonicalJson({ a: [1, { b: undefined }] })).toThrow('/a/1/b is not a JSON value (undefined)');
    expect(() => canonicalJson({ a: ['\ud800'] })).toThrow('not canonicalizable: Lone surrogate is not allowed');
    // A backslash before "ud" is not a surrogate: the checked path confirms the fast one's text.
    expect(canonicalJson({ a: '\\ud800' })).toBe('{"a":"\\\\ud800"}');
  });
});

describe('ledger entries', () => {
  const entry = { v: 1, log: 'eu', index: 0, time: '2026-11-23T12:00:00.000Z', kind: 'did-op', payload: { did: 'did:isthmus:x' } };

  it('parse strictly', () => {
    expect(parseLedgerEntry(entry)).toEqual(entry);
    expect(() => parseLedgerEntry({ ...entry, extra: 1 })).toThrow(InvalidInputError);
    expect(() => parseLedgerEntry({ ...entry, time: '2026-11-23 12:00' })).toThrow(/RFC 3339/);
    expect(() => parseLedgerEntry({ ...entry, kind: 'gossip' })).toThrow(InvalidInputError);
    expect(() => parseLedgerEntry({ ...entry, index: -1 })).toThrow(InvalidInputError);
  });

  it('hash the JCS bytes, whatever the key order', () => {
    const reordered = { payload: entry.payload, kind: entry.kind, time: entry.time, index: 0, log: 'eu', v: 1 };
    expect(entryLeafHash(parseLedgerEntry(reordered))).toEqual(entryLeafHash(parseLedgerEntry(entry)));
  });

  it('are read by hand as zod reads them, key order included, and leave the rest to zod', () => {
    const field = fc.constantFrom('v', 'log', 'index', 'time', 'kind', 'payload', 'extra', '__proto__');
    const value = fc.oneof(fc.constantFrom<unknown>(undefined, null, 1, 0, -1, -0, 1.5, 2 ** 53, 'eu', 'EU', 'did-op', 'gossip', '2026-11-23T12:00:00.000Z', '2026-02-30T12:00:00Z', '2026-11-23T12:00:00.0000000001Z', {}, [], Object.create(null), JSON.parse('{"__proto__":1}'), { a: undefined }), fc.jsonValue({ maxDepth: 1 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(field, value), { maxLength: 3 }), fc.boolean(), (changes, shuffle) => {
        const input: Record<string, unknown> = shuffle ? { payload: { ...entry.payload }, kind: entry.kind, time: entry.time, index: 0, log: 'eu', v: 1 } : structuredClone(entry);
        for (const [key, v] of changes) Object.defineProperty(input, key, { value: v, enumerable: true, writable: true, configurable: true });
        const fast = plainLedgerEntry(input);
        if (fast === undefined) return;
        expect(fast).toEqual(zodLedgerEntry(input));
        expect(JSON.stringify(fast)).toBe(JSON.stringify(zodLedgerEntry(input)));
      }),
      { numRuns: 3000 },
    );
    expect(plainLedgerEntry(entry)).toEqual(zodLedgerEntry(entry));
  });

  it('give their stored text and leaf hash from one canonicalization', () => {
    const parsed = parseLedgerEntry(entry);
    expect(canonicalEntry(parsed)).toEqual({ json: canonicalJson(parsed), leaf: entryLeafHash(parsed) });
  });
});
