import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { disclosureDigest, disclosureFrame, unreferencedDisclosure } from './sd-jwt.js';

const credential = { issuer: 'did:x', credentialSubject: { name: 'A', address: { street: 'S', city: 'C' }, nicknames: ['a', 'b'] } };
const enc = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('disclosureFrame', () => {
  it('turns pointers into a frame, nested and in arrays', () => {
    expect(disclosureFrame(credential, ['/credentialSubject/name', '/credentialSubject/address/street', '/credentialSubject/nicknames/1'])).toEqual({
      credentialSubject: { _sd: ['name'], address: { _sd: ['street'] }, nicknames: { _sd: [1] } },
    });
  });

  it('rebases pointers (dc+sd-jwt lifts the subject)', () => {
    expect(disclosureFrame(credential.credentialSubject, ['/credentialSubject/name'], (s) => s.slice(1))).toEqual({ _sd: ['name'] });
  });

  it.each([['/issuer'], ['/credentialSubject/age'], ['credentialSubject/name'], ['/'], ['/credentialSubject/nicknames/x']])('refuses %s', (pointer) => {
    expect(() => disclosureFrame(credential, [pointer])).toThrow(InvalidInputError);
  });
});

describe('unreferencedDisclosure', () => {
  const d1 = enc(['salt1', 'name', 'A']);
  const d2 = enc(['salt2', 'city', 'C']);
  const payload = { _sd: [disclosureDigest(d1)], address: { _sd: [disclosureDigest(d2)] } };

  it('accepts disclosures the payload references', () => {
    expect(unreferencedDisclosure(payload, [d1, d2])).toBeUndefined();
    expect(unreferencedDisclosure(payload, [])).toBeUndefined();
  });

  it('accepts a nested disclosure referenced from another disclosure, and array elements', () => {
    const inner = enc(['salt3', 'street', 'S']);
    const outer = enc(['salt4', 'address', { _sd: [disclosureDigest(inner)] }]);
    const element = enc(['salt5', 'b']);
    const p = { _sd: [disclosureDigest(outer)], nicknames: ['a', { '...': disclosureDigest(element) }] };
    expect(unreferencedDisclosure(p, [outer, inner, element])).toBeUndefined();
  });

  it('refuses an altered, a foreign, a repeated or a malformed disclosure', () => {
    expect(unreferencedDisclosure(payload, [enc(['salt1', 'name', 'B'])])).toMatch(/not referenced/);
    expect(unreferencedDisclosure(payload, [d1, enc(['other', 'x', 1])])).toMatch(/not referenced/);
    expect(unreferencedDisclosure(payload, [d1, d1])).toMatch(/twice/);
    expect(unreferencedDisclosure(payload, ['!!'])).toMatch(/not (base64url JSON|\[salt)/);
  });
});
