import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { canonicalJson } from './jcs.js';
import { entryLeafHash, parseLedgerEntry } from './entry.js';

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
});
