/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import { generateKeyPairSync, sign } from 'node:crypto';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { postJson } from './support/http.js';
import { ADMIN_TOKEN } from './support/region.js';

let net: TwoRegions;
let apiKey: string;
let did: string;
const holder = generateKeyPairSync('ed25519');
const holderJwk = holder.publicKey.export({ format: 'jwk' });

const post = postJson;
const credential = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'PersonIdentificationData'],
  issuer: '',
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', givenName: 'Qwertz', birthDate: '1990-04-01', nationality: 'NL' },
};
const tokenOf = (vc: { id: string }) => vc.id.slice(vc.id.indexOf(',') + 1);
const failed = (result: Record<string, any>) => (result.errors as { check: string }[]).map((e) => e.check);
// The holder's wallet: the reference SD-JWT library, not our code.
const wallet = new SDJwtVcInstance({
  hasher: digest,
  kbSignAlg: 'EdDSA',
  kbSigner: (data: string) => sign(null, Buffer.from(data), holder.privateKey).toString('base64url'),
});
const present = (token: string, frame: Record<string, boolean>, kb?: { nonce: string; aud: string }) =>
  wallet.present(token, frame as never, kb ? { kb: { payload: { ...kb, iat: Math.floor(Date.now() / 1000) } } } : undefined);
const verifyPresentation = (presentation: string, options: Record<string, string>) => post(net.ap.url!, '/presentations/verify', { verifiablePresentation: presentation, options });

let sdJwtVc: string;
let vcSdJwt: string;
let refusals: number[];
let refusalPointers: string[];

beforeAll(async () => {
  net = await startTwoRegions();
  apiKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Registry of Persons' }, ADMIN_TOKEN)).body.apiKey;
  did = (await post(net.eu.url!, '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
  credential.issuer = did;
  const issued = await post(
    net.eu.url!,
    '/credentials/issue',
    { credential, options: { format: 'dc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/birthDate', '/credentialSubject/nationality'], holder: { kty: 'OKP', crv: 'Ed25519', x: holderJwk.x } } },
    apiKey,
  );
  expect(issued.status).toBe(201);
  sdJwtVc = tokenOf(issued.body.verifiableCredential);
  const w3c = await post(net.eu.url!, '/credentials/issue', { credential, options: { format: 'vc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/birthDate'], holder: { kty: 'OKP', crv: 'Ed25519', x: holderJwk.x } } }, apiKey);
  expect(w3c.status).toBe(201);
  vcSdJwt = tokenOf(w3c.body.verifiableCredential);
  const refused = await Promise.all(
    [['/issuer'], ['/credentialSubject/shoeSize'], ['credentialSubject'], ['/validFrom']].map((pointers) =>
      post(net.eu.url!, '/credentials/issue', { credential, options: { format: 'vc+sd-jwt', selectivelyDisclosable: pointers } }, apiKey),
    ),
  );
  refusals = refused.map((r) => r.status);
  refusalPointers = refused.map((r) => r.body.errors?.[0]?.pointer);
  const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold eu log');
  await net.stop('eu'); // everything below happens in ap alone
});
afterAll(async () => {
  await net?.close();
});

describe('dc+sd-jwt (IETF SD-JWT VC)', () => {
  it('is issued with vct, iss, cnf and the asked claims as disclosures', async () => {
    const [jwt, ...disclosures] = sdJwtVc.split('~');
    const header = JSON.parse(Buffer.from(jwt!.split('.')[0]!, 'base64url').toString());
    const payload = JSON.parse(Buffer.from(jwt!.split('.')[1]!, 'base64url').toString());
    expect(header).toMatchObject({ typ: 'dc+sd-jwt', alg: 'EdDSA', kid: `${did}#key-1` });
    expect(payload).toMatchObject({ iss: did, vct: expect.stringMatching(/\/vct\/PersonIdentificationData$/), givenName: 'Qwertz', cnf: { jwk: { x: holderJwk.x } } });
    expect(payload).not.toHaveProperty('birthDate');
    expect(payload._sd).toHaveLength(2);
    expect(disclosures.filter((d) => d !== '')).toHaveLength(2);
  });

  it('verifies as a credential in ap with eu down, all claims disclosed', async () => {
    const result = await post(net.ap.url!, '/credentials/verify', { verifiableCredential: sdJwtVc });
    expect(result.body.errors).toEqual([]);
    expect(result.body.credential).toMatchObject({ birthDate: '1990-04-01', nationality: 'NL', givenName: 'Qwertz' });
  });

  it('a presentation disclosing a subset, bound to the holder key, verifies and shows only that subset', async () => {
    const presentation = await present(sdJwtVc, { birthDate: true }, { nonce: 'n-123', aud: 'https://rp.example' });
    const result = await verifyPresentation(presentation, { challenge: 'n-123', domain: 'https://rp.example' });
    expect(result.status).toBe(200);
    expect(result.body.checks.find((c: { check: string }) => c.check === 'holder-binding').result).toBe('passed');
    expect(result.body.checks.find((c: { check: string }) => c.check === 'freshness').result).toBe('passed');
    expect(result.body.warnings).toEqual([]);
    expect(result.body.credential.birthDate).toBe('1990-04-01');
    expect(result.body.credential).not.toHaveProperty('nationality');
  });

  it('fails with a wrong nonce, a wrong audience, or no key binding', async () => {
    const presentation = await present(sdJwtVc, { birthDate: true }, { nonce: 'n-123', aud: 'https://rp.example' });
    expect(failed((await verifyPresentation(presentation, { challenge: 'n-999', domain: 'https://rp.example' })).body)).toEqual(['holder-binding']);
    expect(failed((await verifyPresentation(presentation, { challenge: 'n-123', domain: 'https://evil.example' })).body)).toEqual(['holder-binding']);
    const unbound = await present(sdJwtVc, { birthDate: true });
    expect(failed((await verifyPresentation(unbound, { challenge: 'n-123', domain: 'https://rp.example' })).body)).toEqual(['holder-binding']);
  });

  it('fails with a tampered or a foreign disclosure', async () => {
    const parts = (await present(sdJwtVc, { birthDate: true, nationality: true })).split('~');
    const disclosure = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString());
    disclosure[2] = disclosure[1] === 'birthDate' ? '1970-01-01' : 'XX';
    const tampered = [parts[0], Buffer.from(JSON.stringify(disclosure)).toString('base64url'), ...parts.slice(2)].join('~');
    expect(failed((await post(net.ap.url!, '/credentials/verify', { verifiableCredential: tampered })).body)).toEqual(['disclosures']);
    const foreign = Buffer.from(JSON.stringify(['c2FsdHNhbHRzYWx0', 'birthDate', '1970-01-01'])).toString('base64url');
    const withForeign = [parts[0], foreign, ...parts.slice(1)].join('~');
    expect(failed((await post(net.ap.url!, '/credentials/verify', { verifiableCredential: withForeign })).body)).toEqual(['disclosures']);
  });
});

describe('vc+sd-jwt (W3C VC-JOSE-COSE with SD-JWT)', () => {
  it('refuses disclosures of claims verifiers always need, of absent claims, and non-pointers, naming them', () => {
    expect(refusals).toEqual([400, 400, 400, 400]);
    expect(refusalPointers).toEqual(['/options/selectivelyDisclosable/0', '/options/selectivelyDisclosable/0', '/options/selectivelyDisclosable/0', '/options/selectivelyDisclosable/0']);
  });

  it('keeps the VCDM 2.0 credential as payload with the pointed claim as a disclosure', () => {
    const [jwt] = vcSdJwt.split('~');
    const header = JSON.parse(Buffer.from(jwt!.split('.')[0]!, 'base64url').toString());
    const payload = JSON.parse(Buffer.from(jwt!.split('.')[1]!, 'base64url').toString());
    expect(header).toMatchObject({ typ: 'vc+sd-jwt', cty: 'vc', kid: `${did}#key-1` });
    expect(payload).toMatchObject({ '@context': ['https://www.w3.org/ns/credentials/v2'], issuer: did, credentialSubject: { givenName: 'Qwertz' } });
    expect(payload.credentialSubject).not.toHaveProperty('birthDate');
  });

  it('a bound presentation hiding the disclosable claim verifies in ap without it', async () => {
    const presentation = await present(vcSdJwt, {}, { nonce: 'n-7', aud: 'https://rp.example' });
    const result = await verifyPresentation(presentation, { challenge: 'n-7', domain: 'https://rp.example' });
    expect(result.body.errors).toEqual([]);
    expect(result.body.credential.credentialSubject).toEqual({ id: credential.credentialSubject.id, givenName: 'Qwertz', nationality: 'NL' });
  });
});
