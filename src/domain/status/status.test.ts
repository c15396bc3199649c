import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { StatusList as SdJwtStatusList } from '@sd-jwt/jwt-status-list';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.js';
import { bitstringEntries, decodeBitstring, encodeBitstring, MAX_STATUS_ENTRIES, MIN_BITSTRING_LENGTH } from './bitstring-status-list.js';
import { IndexPermutation } from './index-permutation.js';
import { bitTransition, tokenTransition, tokenStatusMeaning } from './status-change.js';
import { TokenStatusList, tokenStatusReference, type TokenBits } from './token-status-list.js';

// The IETF Token Status List draft's examples, as its reference tool generated them.
const VECTORS = new URL('../../../test/vectors/token-status-list/', import.meta.url);
/** The JSON of a vector file, its base64url lines joined. */
function vector(name: string): { bits: TokenBits; lst: string } {
  const text = readFileSync(new URL(name, VECTORS), 'utf8');
  const json = text.slice(text.indexOf('{')).replace(/"\s*\n\s*/g, '"').replace(/([A-Za-z0-9_-])\n\s*/g, '$1');
  return JSON.parse(json) as { bits: TokenBits; lst: string };
}

describe('IndexPermutation', () => {
  it('is a bijection on its domain, also when the domain is not a power of four', () => {
    for (const size of [2, 3, 100, 4096, 5000]) {
      const permutation = new IndexPermutation(Buffer.alloc(32, 7), size);
      const seen = new Set(Array.from({ length: size }, (_, i) => permutation.at(i)));
      expect(seen.size).toBe(size);
      expect(Math.max(...seen)).toBe(size - 1);
    }
  });

  it('does not hand out indexes in order, and different keys give different orders', () => {
    const a = new IndexPermutation(Buffer.alloc(32, 1), MIN_BITSTRING_LENGTH);
    const b = new IndexPermutation(Buffer.alloc(32, 2), MIN_BITSTRING_LENGTH);
    const first = Array.from({ length: 1000 }, (_, i) => a.at(i));
    expect(new Set(first).size).toBe(1000);
    const ascending = first.slice(1).filter((v, i) => v > first[i]!).length;
    expect(ascending).toBeGreaterThan(400);
    expect(ascending).toBeLessThan(600);
    expect(Array.from({ length: 20 }, (_, i) => b.at(i))).not.toEqual(first.slice(0, 20));
  });

  it('refuses counters outside the domain and short keys', () => {
    expect(() => new IndexPermutation(Buffer.alloc(32), 10).at(10)).toThrow(RangeError);
    expect(() => new IndexPermutation(Buffer.alloc(8), 10)).toThrow(RangeError);
  });
});

describe('Bitstring Status List encoding', () => {
  it('round-trips, index 0 being the leftmost bit, and decodes with Digital Bazaar’s library', async () => {
    const bits = new Uint8Array(MIN_BITSTRING_LENGTH / 8);
    bits[0] = 0b1000_0000; // index 0
    bits[12345 >> 3]! |= 0x80 >> (12345 & 7);
    const encoded = await encodeBitstring(bits);
    expect(encoded.startsWith('u')).toBe(true);
    expect(gunzipSync(Buffer.from(encoded.slice(1), 'base64url')).equals(Buffer.from(bits))).toBe(true);
    const ours = await decodeBitstring(encoded);
    const theirs = await decodeList({ encodedList: encoded });
    for (const index of [0, 1, 12344, 12345, 12346, MIN_BITSTRING_LENGTH - 1]) {
      expect(ours.get(index)).toBe(theirs.getStatus(index));
    }
    expect(ours.get(12345)).toBe(true);
    expect(ours.get(1)).toBe(false);
  });

  it('refuses lists without the multibase prefix, that do not inflate, or that are too short', async () => {
    await expect(decodeBitstring('H4sI')).rejects.toThrow(/start with "u"/);
    await expect(decodeBitstring('unot-gzip')).rejects.toThrow(/does not decode/);
    await expect(decodeBitstring(await encodeBitstring(new Uint8Array(16)))).rejects.toThrow(/at least 131072/);
  });

  it('reads well-formed entries and names what is wrong with the others', () => {
    const url = 'https://eu.example/status-lists/1';
    const { entries, problems, others } = bitstringEntries([
      { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '42', statusListCredential: url },
      { type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListIndex: '-1', statusListCredential: url },
      { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '7', statusListCredential: 'not a url' },
      { type: 'StatusList2021Entry' },
      'nonsense',
    ]);
    expect(entries).toEqual([{ purpose: 'revocation', index: 42, listUrl: url }]);
    expect(problems).toEqual([
      'credentialStatus[1].statusListIndex must be a non-negative integer as a string',
      'credentialStatus[2].statusListCredential must be a URL',
      'credentialStatus[4] is not an object',
    ]);
    expect(others).toHaveLength(1);
  });

  it('reads none of more than MAX_STATUS_ENTRIES entries: too many is itself the problem', () => {
    const entry = { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '1', statusListCredential: 'https://eu.example/status-lists/1' };
    expect(bitstringEntries(Array(MAX_STATUS_ENTRIES).fill(entry)).entries).toHaveLength(MAX_STATUS_ENTRIES);
    expect(bitstringEntries(Array(10_000).fill(entry))).toEqual({ entries: [], problems: [`credentialStatus has 10000 entries; at most ${MAX_STATUS_ENTRIES} are checked`], others: [] });
  });
});

describe('Token Status List encoding', () => {
  it('decodes the examples of the Token Status List draft', () => {
    const one = TokenStatusList.decode(vector('status_list_encoding_json.md'));
    // byte_array = [0xb9, 0xa3]: statuses 1 0 0 1 1 1 0 1 | 1 1 0 0 0 1 0 1
    expect(Array.from({ length: 16 }, (_, i) => one.get(i))).toEqual([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
    const two = TokenStatusList.decode(vector('status_list_encoding2_json.md'));
    // byte_array = [0xc9, 0x44, 0xf9]
    expect(Array.from({ length: 12 }, (_, i) => two.get(i))).toEqual([1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]);
  });

  it('decodes the long examples exactly as the reference library does', () => {
    for (const name of ['status_list_encoding1_long_json.md', 'status_list_encoding2_long_json.md', 'status_list_encoding4_json.md', 'status_list_encoding8_json.md']) {
      const encoded = vector(name);
      const ours = TokenStatusList.decode(encoded);
      const theirs = SdJwtStatusList.decompressStatusList(encoded.lst, encoded.bits);
      const set = Array.from({ length: ours.size }, (_, i) => i).filter((i) => ours.get(i) !== 0);
      expect(set.length).toBeGreaterThan(0);
      for (const i of [...set, 1, 2, ours.size - 1]) expect(ours.get(i)).toBe(theirs.getStatus(i));
    }
    // The draft's 1-bit example sets exactly these (section 4.1 of the examples).
    const long = TokenStatusList.decode(vector('status_list_encoding1_long_json.md'));
    expect(Array.from({ length: long.size }, (_, i) => i).filter((i) => long.get(i) === 1)).toEqual([0, 1993, 25460, 159495, 495669, 554353, 645645, 723232, 854545, 934534, 1000345]);
  });

  it('encodes what the reference library decodes, for each width', () => {
    for (const bits of [1, 2, 4, 8] as const) {
      const list = TokenStatusList.empty(1024, bits);
      list.set(3, 1);
      list.set(1000, (1 << bits) - 1);
      const theirs = SdJwtStatusList.decompressStatusList(list.encode().lst, bits);
      expect([theirs.getStatus(3), theirs.getStatus(1000), theirs.getStatus(4)]).toEqual([1, (1 << bits) - 1, 0]);
      expect(TokenStatusList.decode(list.encode()).get(1000)).toBe((1 << bits) - 1);
    }
  });

  it('refuses bad widths, bad base64url, data that does not inflate, and out-of-range indexes', () => {
    expect(() => TokenStatusList.decode({ bits: 3, lst: 'eNo' })).toThrow(/bits/);
    expect(() => TokenStatusList.decode({ bits: 1, lst: 'a+b' })).toThrow(/base64url/);
    expect(() => TokenStatusList.decode({ bits: 1, lst: 'AAAA' })).toThrow(/inflate/);
    expect(() => TokenStatusList.empty(8, 1).get(8)).toThrow(RangeError);
  });

  it('reads status references and names malformed ones', () => {
    expect(tokenStatusReference(undefined)).toBeUndefined();
    expect(tokenStatusReference({ status_list: { idx: 3, uri: 'https://x.example/l' } })).toEqual({ idx: 3, uri: 'https://x.example/l' });
    expect(tokenStatusReference({ status_list: { idx: '3', uri: 'https://x.example/l' } })).toEqual({ problem: expect.stringMatching(/idx/) });
    expect(tokenStatusReference({})).toEqual({ problem: expect.stringMatching(/status_list/) });
  });
});

describe('status transitions', () => {
  it('makes revocation final and lets suspension go both ways', () => {
    expect(bitTransition('revoked', false)(0)).toBe(1);
    expect(bitTransition('suspended', false)(0)).toBe(1);
    expect(bitTransition('active', false)(1)).toBe(0);
    expect(() => bitTransition('active', true)).toThrow(ConflictError);
    expect(tokenTransition('suspended')(0)).toBe(2);
    expect(tokenTransition('active')(2)).toBe(0);
    expect(tokenTransition('revoked')(2)).toBe(1);
    expect(() => tokenTransition('active')(1)).toThrow(/final/);
    expect(() => tokenTransition('suspended')(1)).toThrow(ConflictError);
    expect(tokenStatusMeaning(2)).toEqual({ purpose: 'suspension', status: 'suspended' });
    expect(tokenStatusMeaning(3)).toBe('unknown');
  });
});
