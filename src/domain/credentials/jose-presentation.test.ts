import { describe, expect, it } from 'vitest';
import { envelopedCredentialProblem, holderKidProblem, presentationFormatOf, presentationToken, readJosePresentation } from './jose-presentation.js';

const VCDM2 = 'https://www.w3.org/ns/credentials/v2';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const holder = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

describe('VC-JOSE-COSE presentations (pure parts)', () => {
  it('knows vp+jwt and vp+sd-jwt by typ or by the envelope, and nothing else', () => {
    expect(presentationFormatOf(`${b64({ alg: 'ES384', typ: 'vp+jwt' })}.e30.sig`)).toBe('vp+jwt');
    expect(presentationFormatOf(`${b64({ alg: 'EdDSA', typ: 'vp+sd-jwt' })}.e30.sig~`)).toBe('vp+sd-jwt');
    expect(presentationFormatOf(`${b64({ alg: 'EdDSA', typ: 'JWT' })}.e30.sig`)).toBeUndefined();
    expect(presentationFormatOf('not a jws')).toBeUndefined();
    const envelope = { '@context': [VCDM2], type: 'EnvelopedVerifiablePresentation', id: 'data:application/vp+sd-jwt,abc~' };
    expect(presentationFormatOf(envelope)).toBe('vp+sd-jwt');
    expect(presentationToken(envelope)).toBe('abc~');
    expect(presentationFormatOf({ ...envelope, id: 'data:application/vc+jwt,abc' })).toBeUndefined();
    expect(presentationFormatOf({ ...envelope, type: 'EnvelopedVerifiableCredential' })).toBeUndefined();
  });

  it('reads the VCDM 2.0 presentation from the payload, leaving the JWT claims out', () => {
    const read = readJosePresentation({ '@context': [VCDM2], type: ['VerifiablePresentation'], holder: { id: holder }, verifiableCredential: [{ a: 1 }], nonce: 'n', aud: 'a', iat: 1, iss: holder });
    expect(read).toEqual({ holder, credentials: [{ a: 1 }], presentation: { '@context': [VCDM2], type: ['VerifiablePresentation'], holder: { id: holder }, verifiableCredential: [{ a: 1 }] } });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a VCDM 1.1 context', { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], holder }, /@context/],
    ['no VerifiablePresentation type', { '@context': [VCDM2], type: ['VerifiableCredential'], holder }, /type must include/],
    ['no holder', { '@context': [VCDM2], type: 'VerifiablePresentation' }, /holder must be/],
    ['an iss that is not the holder', { '@context': [VCDM2], type: 'VerifiablePresentation', holder, iss: 'did:example:x' }, /is not the holder/],
    ['credentials that are not a list', { '@context': [VCDM2], type: 'VerifiablePresentation', holder, verifiableCredential: 'x' }, /list of enveloped/],
  ])('refuses %s', (_, payload, message) => {
    const read = readJosePresentation(payload);
    expect('problem' in read && read.problem).toMatch(message);
  });

  it('takes enveloped vc+jwt, vc+sd-jwt and dc+sd-jwt credentials only', () => {
    for (const format of ['vc+jwt', 'vc+sd-jwt', 'dc+sd-jwt']) expect(envelopedCredentialProblem({ type: 'EnvelopedVerifiableCredential', id: `data:application/${format},x` })).toBeUndefined();
    expect(envelopedCredentialProblem({ type: 'EnvelopedVerifiableCredential', id: 'data:application/jwt_vc_json,x' })).toMatch(/data: URL/);
    expect(envelopedCredentialProblem('eyJ...')).toMatch(/EnvelopedVerifiableCredential/);
  });

  it('needs kid to be a DID URL of the holder, or the holder to be a did:key / did:jwk', () => {
    expect(holderKidProblem(holder, `${holder}#z6Mk`)).toBeUndefined();
    expect(holderKidProblem(holder, undefined)).toBeUndefined();
    expect(holderKidProblem('did:jwk:eyJ', undefined)).toBeUndefined();
    expect(holderKidProblem('did:isthmus:abc', undefined)).toMatch(/kid must name/);
    expect(holderKidProblem('did:isthmus:abc', 'did:isthmus:abd#key-1')).toMatch(/not a DID URL of the holder/);
    expect(holderKidProblem('did:isthmus:abc', 'did:isthmus:abc')).toMatch(/not a DID URL/);
  });
});
