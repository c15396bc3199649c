import { describe, expect, it } from 'vitest';
import { alwaysVisibleProtectedClaims, applyForeignDisclosure, EMPTY_POLICY, parsePolicy, recognizes } from './policy.js';

const policy = parsePolicy({
  v: 1,
  protectedClaims: { PersonIdentityCredential: ['birthDate', 'nationality'], '*': ['taxId'] },
  foreignDisclosure: { PersonIdentityCredential: { 'age-verification': ['ageOver18'], '*': [] } },
  recognize: { ap: ['UniversityDegreeCredential'], us: '*' },
  retention: { issuanceRecordDays: 30 },
});

describe('parsePolicy', () => {
  it('fills defaults and names the first problem by pointer', () => {
    expect(parsePolicy({ v: 1 })).toEqual(EMPTY_POLICY);
    expect(policy.retention).toEqual({ issuanceRecordDays: 30, keep: 'full' });
    expect(() => parsePolicy({ v: 2 })).toThrow(/^\/v /);
    expect(() => parsePolicy({ v: 1, protectedClaims: { X: ['a/b'] } })).toThrow(/^\/protectedClaims\/X\/0 must be a top-level claim name/);
    expect(() => parsePolicy({ v: 1, recognize: { AP: '*' } })).toThrow(/recognize\/AP/);
    expect(() => parsePolicy({ v: 1, retention: { keep: 'nothing' } })).toThrow(/retention\/keep/);
    expect(() => parsePolicy({ v: 1, extra: true })).toThrow(/extra|Unrecognized/);
  });

  it('refuses to recognize a region the network does not have', () => {
    expect(parsePolicy({ v: 1, recognize: { ap: '*', eu: '*' } }, ['eu', 'ap']).recognize).toEqual({ ap: '*', eu: '*' });
    expect(() => parsePolicy({ v: 1, recognize: { ap: '*', asia: ['X'] } }, ['eu', 'ap'])).toThrow(/^\/recognize\/asia is not a region of the network \(eu, ap\)$/);
  });
});

describe('protected claims at issuance', () => {
  const subject = { id: 'did:key:z6Mk', birthDate: '1990-01-01', nationality: 'NL', degree: 'MSc' };
  it('names protected claims not made selectively disclosable', () => {
    const types = ['VerifiableCredential', 'PersonIdentityCredential'];
    expect(alwaysVisibleProtectedClaims(policy, types, subject, ['/credentialSubject/birthDate'], true)).toEqual(['/credentialSubject/nationality']);
    expect(alwaysVisibleProtectedClaims(policy, types, subject, ['/credentialSubject/birthDate', '/credentialSubject/nationality'], true)).toEqual([]);
    // A format without selective disclosure shows every present protected claim.
    expect(alwaysVisibleProtectedClaims(policy, types, subject, [], false)).toEqual(['/credentialSubject/birthDate', '/credentialSubject/nationality']);
    // Absent claims and other types are fine; `*` applies to every type.
    expect(alwaysVisibleProtectedClaims(policy, ['VerifiableCredential', 'UniversityDegreeCredential'], subject, [], false)).toEqual([]);
    expect(alwaysVisibleProtectedClaims(policy, ['VerifiableCredential'], [{ taxId: '1' }, { taxId: '2' }], ['/credentialSubject/1/taxId'], true)).toEqual(['/credentialSubject/0/taxId']);
  });
});

describe('foreign disclosure', () => {
  const types = ['VerifiableCredential', 'PersonIdentityCredential'];
  it('withholds what the purpose does not allow, in the W3C and the SD-JWT VC shapes', () => {
    const w3c = { '@context': ['x'], type: types, issuer: 'did:x', credentialSubject: { id: 'did:key:z', ageOver18: true, birthDate: '1990-01-01' } };
    expect(applyForeignDisclosure(policy, types, 'age-verification', w3c, false)).toEqual({
      credential: { ...w3c, credentialSubject: { id: 'did:key:z', ageOver18: true } },
      withheld: ['credentialSubject.birthDate'],
      appliedPurpose: 'age-verification',
    });
    const vc = { iss: 'did:x', vct: 'v', sub: 'did:key:z', cnf: {}, ageOver18: true, birthDate: '1990-01-01', nationality: 'NL' };
    const verdict = applyForeignDisclosure(policy, types, 'marketing', vc, true)!;
    expect(verdict.appliedPurpose).toBe('*');
    expect(verdict.withheld).toEqual(['ageOver18', 'birthDate', 'nationality']);
    expect(verdict.credential).toEqual({ iss: 'did:x', vct: 'v', sub: 'did:key:z', cnf: {} });
  });

  it('leaves credentials of unlisted types alone', () => {
    expect(applyForeignDisclosure(policy, ['VerifiableCredential'], undefined, { credentialSubject: { a: 1 } }, false)).toBeUndefined();
  });
});

describe('recognition', () => {
  it('recognizes its own accreditations, and others’ per type as declared', () => {
    expect(recognizes(policy, 'eu', 'eu', 'BankAccountCredential')).toBe(true);
    expect(recognizes(policy, 'eu', 'ap', 'UniversityDegreeCredential')).toBe(true);
    expect(recognizes(policy, 'eu', 'ap', 'BankAccountCredential')).toBe(false);
    expect(recognizes(policy, 'eu', 'us', 'Anything')).toBe(true);
    expect(recognizes(policy, 'eu', 'mars', 'Anything')).toBe(false);
  });
});
