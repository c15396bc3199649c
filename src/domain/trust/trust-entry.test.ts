import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, InvalidSignatureError } from '../errors.js';
import { activeAt, checkTrustEntry, foldTrustList, parseTrustEntry, signTrustEntry, verifyTrustEntry, type Accreditation, type Withdrawal } from './trust-entry.js';

const governance = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const accredit = (id: string, extra: Partial<Accreditation> = {}): Accreditation =>
  signTrustEntry<Accreditation>(
    { type: 'accredit', id, region: 'eu', issuer: 'did:isthmus:abcdefghijklmnopqrstuvwx', credentialTypes: ['UniversityDegreeCredential'], jurisdiction: 'EU', validFrom: '2026-01-01T00:00:00Z', issued: '2026-01-01T00:00:00Z', ...extra },
    governance.privateKey,
  );
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const W = '00000000-0000-4000-8000-0000000000ff';

describe('trust entries', () => {
  it('sign and verify with the governance key, and parse back', () => {
    const entry = accredit(A);
    expect(parseTrustEntry(JSON.parse(JSON.stringify(entry)))).toEqual(entry);
    expect(() => verifyTrustEntry(entry, governance.publicKey)).not.toThrow();
  });

  it('refuse another key, and any change to a signed field', () => {
    const entry = accredit(A);
    expect(() => verifyTrustEntry(entry, other.publicKey)).toThrow(InvalidSignatureError);
    expect(() => verifyTrustEntry({ ...entry, credentialTypes: ['BankAccountCredential'] }, governance.publicKey)).toThrow(InvalidSignatureError);
    expect(() => verifyTrustEntry({ ...entry, issuer: 'did:isthmus:zzzzzzzzzzzzzzzzzzzzzzzz' }, governance.publicKey)).toThrow(InvalidSignatureError);
  });

  it('refuse a tampered signature, and a signature moved to another entry', () => {
    const entry = accredit(A);
    const bytes = Buffer.from(entry.sig, 'base64url');
    bytes[10]! ^= 0x01;
    expect(() => verifyTrustEntry({ ...entry, sig: bytes.toString('base64url') }, governance.publicKey)).toThrow(/not signed by the governance key of region eu/);
    expect(() => verifyTrustEntry({ ...accredit(B), sig: entry.sig }, governance.publicKey)).toThrow(InvalidSignatureError);
  });

  it('are accepted for a log only from its own region, with its governance key', () => {
    const entry = accredit(A);
    expect(checkTrustEntry(JSON.parse(JSON.stringify(entry)), 'eu', governance.publicKey)).toEqual(entry);
    expect(() => checkTrustEntry(entry, 'ap', governance.publicKey)).toThrow(/speaks for region eu/);
    expect(() => checkTrustEntry(entry, 'eu', undefined)).toThrow(/no governance key/);
    expect(() => checkTrustEntry(entry, 'eu', other.publicKey)).toThrow(InvalidSignatureError);
  });

  it('name what is malformed', () => {
    expect(() => parseTrustEntry({ ...accredit(A), issuer: 'not a did' })).toThrow(/\/issuer must be a DID/);
    expect(() => parseTrustEntry({ ...accredit(A), credentialTypes: [] })).toThrow(InvalidInputError);
    expect(() => parseTrustEntry({ ...accredit(A), validUntil: '2025-01-01T00:00:00Z' })).toThrow(/validUntil must be after validFrom/);
    expect(() => parseTrustEntry({ ...accredit(A), extra: 1 })).toThrow(InvalidInputError);
    expect(() => parseTrustEntry({ type: 'endorse' })).toThrow(InvalidInputError);
  });
});

describe('foldTrustList', () => {
  it('keeps accreditations until their own region withdraws them', () => {
    const withdraw = signTrustEntry<Withdrawal>({ type: 'withdraw', id: W, region: 'eu', withdraws: A, issued: '2026-02-01T00:00:00Z' }, governance.privateKey);
    const apSameId = { ...accredit(A), region: 'ap' };
    const list = foldTrustList([
      { entry: accredit(A), log: 'eu', index: 0 },
      { entry: accredit(B), log: 'eu', index: 1 },
      { entry: apSameId, log: 'ap', index: 0 },
      { entry: withdraw, log: 'eu', index: 2 },
    ]);
    expect(list.map((i) => `${i.accreditation.region}/${i.accreditation.id}`)).toEqual([`eu/${B}`, `ap/${A}`]);
    // Withdrawing an id no one accredited changes nothing.
    expect(foldTrustList([{ entry: accredit(B), log: 'eu', index: 0 }, { entry: withdraw, log: 'eu', index: 1 }])).toHaveLength(1);
  });

  it('applies validity periods when asked', () => {
    const entry = accredit(A, { validFrom: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' });
    expect(activeAt(entry, new Date('2025-12-31T23:59:59Z'))).toBe(false);
    expect(activeAt(entry, new Date('2026-06-01T00:00:00Z'))).toBe(true);
    expect(activeAt(entry, new Date('2027-01-01T00:00:00Z'))).toBe(false);
  });
});
