import { describe, expect, it } from 'vitest';
import { encodeBitstring, MIN_BITSTRING_LENGTH } from '../status/bitstring-status-list.js';
import { TokenStatusList } from '../status/token-status-list.js';
import { countSetBits, summarizeStatusList } from './status-summary.js';

const jws = (payload: unknown) => `eyJhbGciOiJFZERTQSJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;
const entry = { id: '8a1b2c3d-0000-4000-8000-00000000abcd', issuer: 'did:isthmus:xmf7szzuhcqfxaxcogwwplgl', version: 3 };

describe('summarizeStatusList', () => {
  it('counts the set bits of a Bitstring Status List', async () => {
    const bits = new Uint8Array(MIN_BITSTRING_LENGTH / 8);
    bits[0] = 0b1000_0001;
    bits[9000] = 0b0001_0000;
    const token = jws({ validUntil: '2027-01-01T00:00:00Z', credentialSubject: { statusPurpose: 'revocation', encodedList: await encodeBitstring(bits) } });
    expect(await summarizeStatusList({ ...entry, format: 'vc+jwt', token })).toEqual({ ...entry, format: 'vc+jwt', purpose: 'revocation', size: MIN_BITSTRING_LENGTH, set: 3, validUntil: '2027-01-01T00:00:00Z' });
  });

  it('counts the revoked and suspended statuses of a Token Status List', async () => {
    const list = TokenStatusList.empty(1024, 2);
    list.set(5, 1);
    list.set(6, 2);
    list.set(700, 1);
    const token = jws({ exp: 1_800_000_000, status_list: list.encode() });
    expect(await summarizeStatusList({ ...entry, format: 'statuslist+jwt', token })).toMatchObject({ size: 1024, set: 3, revoked: 2, suspended: 1, purpose: 'revocation+suspension', validUntil: new Date(1_800_000_000_000).toISOString() });
  });

  it('refuses a list that does not decode', async () => {
    await expect(summarizeStatusList({ ...entry, format: 'vc+jwt', token: jws({ credentialSubject: { encodedList: 'xnope' } }) })).rejects.toThrow(/multibase/);
  });

  it('countSetBits counts bits', () => {
    expect(countSetBits(new Uint8Array([0, 1, 255, 0b1010]))).toBe(11);
  });
});
