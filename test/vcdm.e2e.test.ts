import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519DidKey } from './support/independent.js';
import { startTwoRegions, type TwoRegions } from './support/network.js';
import { postJson } from './support/http.js';
import { ADMIN_TOKEN } from './support/region.js';

// The VCDM 2.0 data-model rules (docs/credentials.md, src/domain/credentials/vcdm-rules.ts), over
// real HTTP: the issuer in eu refuses a credential that breaks one, naming the JSON pointer; a
// relying party in ap fails the data-model check of a token someone else signed with it.

let net: TwoRegions;
let apiKey: string;
let did: string;

const SRI = 'sha384-S57yQDg1MTzF56Oi9DbSQ14u7jBy0RDdx0YbeV7shwhCS88G8SCXeFq82PafhCrW';
const credential = (issuer: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'UniversityDegreeCredential'],
  issuer,
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'MSc' },
  ...extra,
});
const issue = (body: unknown) => postJson(net.eu.url!, '/credentials/issue', body, apiKey);
const verifyIn = (region: 'eu' | 'ap', vc: unknown) => postJson(net[region].url!, '/credentials/verify', { verifiableCredential: vc });

/** Each input that was signed and answered 201 before the rules, with the pointer the refusal names. */
const BROKEN: [string, Record<string, unknown>, string][] = [
  ['an @context entry that is not a URL', { '@context': ['https://www.w3.org/ns/credentials/v2', 'https ://not-a-url/context'] }, '/credential/@context/1'],
  ['an empty credentialSubject', { credentialSubject: {} }, '/credential/credentialSubject'],
  ['a subject id that is not a URL', { credentialSubject: { id: 'alice', degree: 'MSc' } }, '/credential/credentialSubject/id'],
  ['termsOfUse without type', { termsOfUse: { id: 'https://example.com/tou/1' } }, '/credential/termsOfUse/type'],
  ['evidence without type', { evidence: [{ id: 'https://example.com/evidence/1' }] }, '/credential/evidence/0/type'],
  ['refreshService without type', { refreshService: { url: 'https://example.com/refresh' } }, '/credential/refreshService/type'],
  ['credentialSchema without type', { credentialSchema: { id: 'https://example.com/schema.json' } }, '/credential/credentialSchema/type'],
  ['credentialSchema without id', { credentialSchema: { type: 'JsonSchema' } }, '/credential/credentialSchema/id'],
  ['credentialStatus without type', { credentialStatus: { id: 'https://example.com/status/1#7' } }, '/credential/credentialStatus/type'],
  ['a name language object with another key', { name: { '@value': 'Degree', '@language': 'en', '@id': 'x' } }, '/credential/name/@id'],
  ['a description language object with another key', { description: [{ '@value': 'A degree', lang: 'en' }] }, '/credential/description/0/lang'],
  ['an issuer name language object with another key', { issuer: { id: '<did>', name: { '@value': 'Leiden', '@type': 'x' } } }, '/credential/issuer/name/@type'],
  ['an issuer description language object with another key', { issuer: { id: '<did>', description: { '@value': 'A university', extra: true } } }, '/credential/issuer/description/extra'],
  ['a relatedResource without id', { relatedResource: [{ digestSRI: SRI }] }, '/credential/relatedResource/0/id'],
  ['relatedResources with the same id', { relatedResource: [{ id: 'https://example.com/a', digestSRI: SRI }, { id: 'https://example.com/a', digestSRI: SRI }] }, '/credential/relatedResource/1/id'],
  ['a relatedResource without a digest', { relatedResource: [{ id: 'https://example.com/a' }] }, '/credential/relatedResource/0'],
];
const withIssuer = (change: Record<string, unknown>): Record<string, unknown> =>
  JSON.parse(JSON.stringify(change).replaceAll('"<did>"', JSON.stringify(did))) as Record<string, unknown>;

/** A vc+jwt that a did:key issuer the test controls signed over `payload`, as any outside issuer could. */
function signVcJwt(didKey: string, key: KeyObject, payload: Record<string, unknown>, typ = 'vc+jwt'): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', typ, ...(typ === 'vc+jwt' ? { cty: 'vc' } : {}), kid: `${didKey}#${didKey.slice(8)}` })
    .sign(key);
}

beforeAll(async () => {
  net = await startTwoRegions();
  apiKey = (await postJson(net.eu.url!, '/admin/issuers', { name: 'Leiden' }, ADMIN_TOKEN)).body.apiKey;
  did = (await postJson(net.eu.url!, '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
});
afterAll(async () => {
  await net?.close();
});

describe('issuance refuses a credential that breaks VCDM 2.0, naming the JSON pointer', () => {
  it.each(BROKEN)('%s: 400', async (_why, change, pointer) => {
    const res = await issue({ credential: credential(did, withIssuer(change)), options: { format: 'vc+jwt' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, type: expect.any(String), title: expect.any(String) });
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([pointer]);
  });

  it('refuses a typed but malformed BitstringStatusListEntry, naming the entry', async () => {
    const res = await issue({ credential: credential(did, { credentialStatus: { type: 'BitstringStatusListEntry' } }) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: '/credential/credentialStatus', detail: 'statusPurpose must be a string' }]);
  });

  it('issues the same properties when they conform: 201, in vc+jwt and jwt_vc_json', async () => {
    const conforming = credential(did, {
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2'],
      name: [{ '@value': 'Diploma', '@language': 'en' }, { '@value': 'Diploma', '@language': 'nl', '@direction': 'ltr' }],
      description: 'A degree',
      issuer: { id: did, name: { '@value': 'Universiteit Leiden', '@language': 'nl' }, description: 'A university' },
      termsOfUse: { type: 'TrustFrameworkPolicy', id: 'https://example.com/tou/1' },
      evidence: [{ type: ['Evidence'], id: 'https://example.com/evidence/1' }],
      refreshService: { type: 'VerifiableCredentialRefreshService2021', id: 'https://example.com/refresh' },
      relatedResource: [{ id: 'https://example.com/a', digestSRI: SRI, mediaType: 'image/png' }, { id: 'https://example.com/b', digestMultibase: 'uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA' }],
    });
    for (const format of ['vc+jwt', 'jwt_vc_json'] as const) {
      const res = await issue({ credential: conforming, options: { format } });
      expect(res.status).toBe(201);
      const verified = await verifyIn('eu', res.body.verifiableCredential);
      expect(verified.body.errors).toEqual([]);
      expect(verified.body.checks).toContainEqual({ check: 'data-model', result: 'passed', detail: format === 'vc+jwt' ? 'VCDM 2.0' : 'VCDM 1.1' });
    }
  });
});

describe('verification fails the data-model check of a token signed over such a credential', () => {
  let didKey: string;
  let key: KeyObject;
  beforeAll(() => {
    const pair = generateKeyPairSync('ed25519');
    key = pair.privateKey;
    didKey = ed25519DidKey(Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  });

  it.each(BROKEN)('vc+jwt with %s: data-model failed, naming the pointer', async (_why, change, pointer) => {
    const payload = credential(didKey, JSON.parse(JSON.stringify(change).replaceAll('"<did>"', JSON.stringify(didKey))) as Record<string, unknown>);
    const result = await verifyIn('ap', await signVcJwt(didKey, key, payload));
    expect(result.status).toBe(400);
    expect(result.body.verified).toBe(false);
    // (a credentialSchema the region cannot read also fails the schema check)
    expect(result.body.errors.filter((e: { check: string }) => e.check === 'data-model')).toEqual([{ check: 'data-model', result: 'failed', detail: expect.stringContaining(pointer.replace('/credential', '')) }]);
  });

  it('the conforming vc+jwt verifies: the signature was never the problem', async () => {
    const result = await verifyIn('ap', await signVcJwt(didKey, key, credential(didKey)));
    expect(result.body.errors).toEqual([]);
    expect(result.status).toBe(200);
  });

  it('a VCDM 1.1 JWT keeps the 1.1 rules: no issuance date (nbf) fails, with it it verifies', async () => {
    const vc = { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], credentialSubject: { degree: 'BSc' } };
    const claims = { vc, iss: didKey, sub: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', iat: Math.floor(Date.now() / 1000) };
    const without = await verifyIn('ap', await signVcJwt(didKey, key, claims, 'JWT'));
    expect(without.body.errors).toEqual([{ check: 'data-model', result: 'failed', detail: '/issuanceDate is required' }]);
    const withNbf = await verifyIn('ap', await signVcJwt(didKey, key, { ...claims, nbf: 1767225600 }, 'JWT'));
    expect(withNbf.body.errors).toEqual([]);
    expect(withNbf.body.checks).toContainEqual({ check: 'data-model', result: 'passed', detail: 'VCDM 1.1' });
  });
});
