/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwoRegions, type TwoRegions } from './support/network.js';
import { postJson as post } from './support/http.js';
import { ADMIN_TOKEN } from './support/region.js';

// SD-JWT issuance packs its own disclosures (src/domain/credentials/sd-jwt-issue.ts): what a
// holder's wallet (the reference library, not our code) and a verifier see of them.
let net: TwoRegions;
let apiKey: string;
let did: string;
const subject = {
  id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  givenName: 'Qwertz',
  toString: 'a claim named like a JavaScript method',
  constructor: 'another one',
  address: { street: 'Kerkstraat 1', city: 'Utrecht' },
  nicknames: ['Q', 'Qw'],
};
const credential = () => ({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'PersonIdentificationData'], issuer: did, credentialSubject: subject });
const pointers = ['/credentialSubject/toString', '/credentialSubject/address/street', '/credentialSubject/address', '/credentialSubject/nicknames/1'];
const tokenOf = (vc: { id: string }) => vc.id.slice(vc.id.indexOf(',') + 1);
const wallet = new SDJwtVcInstance({ hasher: digest });
const issue = (options: Record<string, unknown>) => post(net.eu.url!, '/credentials/issue', { credential: credential(), options }, apiKey);

beforeAll(async () => {
  net = await startTwoRegions();
  apiKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Registry of Persons' }, ADMIN_TOKEN)).body.apiKey;
  did = (await post(net.eu.url!, '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
});
afterAll(async () => {
  await net?.close();
});

describe('SD-JWT issuance', () => {
  it.each(['vc+sd-jwt', 'dc+sd-jwt'])('%s: the wallet library reads every claim back, nested, array and recursive disclosures included', async (format) => {
    const issued = await issue({ format, selectivelyDisclosable: pointers });
    expect(issued.status).toBe(201);
    const token = tokenOf(issued.body.verifiableCredential);
    const disclosures = token.split('~').slice(1, -1);
    expect(disclosures).toHaveLength(4);
    // 128-bit salts (16 bytes, base64url).
    for (const d of disclosures) expect(Buffer.from(JSON.parse(Buffer.from(d, 'base64url').toString())[0], 'base64url')).toHaveLength(16);
    const claims = (await wallet.decode(token)).jwt!.payload as Record<string, any>;
    const subjectClaims = format === 'vc+sd-jwt' ? claims.credentialSubject : claims;
    expect(Object.keys(subjectClaims)).not.toContain('toString');
    expect(subjectClaims.constructor).toBe('another one');
    const all = (await wallet.getClaims(token)) as Record<string, any>;
    const { id, ...rest } = subject;
    expect(format === 'vc+sd-jwt' ? all.credentialSubject : all).toMatchObject({ ...rest, ...(format === 'dc+sd-jwt' ? { sub: id } : { id }) });
    const verified = await post(net.eu.url!, '/credentials/verify', { verifiableCredential: token });
    expect(verified.body.errors).toEqual([]);
    expect(format === 'vc+sd-jwt' ? verified.body.credential.credentialSubject : verified.body.credential).toMatchObject(rest);
  });

  it('dc+sd-jwt: the claims in the order verifiers have always seen them, dates, holder key and status after the subject', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const x = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x;
    const issued = await post(
      net.eu.url!,
      '/credentials/issue',
      { credential: { ...credential(), validFrom: '2026-01-01T00:00:00Z', validUntil: '2036-01-01T00:00:00Z' }, options: { format: 'dc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/toString'], holder: { kty: 'OKP', crv: 'Ed25519', x }, status: ['revocation'] } },
      apiKey,
    );
    expect(issued.status).toBe(201);
    const payload = JSON.parse(Buffer.from(tokenOf(issued.body.verifiableCredential).split('.')[1]!, 'base64url').toString());
    expect(Object.keys(payload)).toEqual(['givenName', 'constructor', 'address', 'nicknames', 'iss', 'vct', 'jti', 'iat', 'sub', 'nbf', 'exp', 'cnf', 'status', '_sd', '_sd_alg']);
    expect(payload).toMatchObject({ iss: did, sub: subject.id, nbf: 1767225600, exp: 2082758400, cnf: { jwk: { x } }, status: { status_list: { idx: expect.any(Number), uri: expect.any(String) } } });
  });

  it.each([['/credentialSubject/_sd'], ['/credentialSubject/address/...']])('refuses %s (SD-JWT reserves the name) as a problem naming the pointer', async (pointer) => {
    const refused = await post(
      net.eu.url!,
      '/credentials/issue',
      { credential: { ...credential(), credentialSubject: { ...subject, _sd: 'x', address: { ...subject.address, '...': 'y' } } }, options: { format: 'vc+sd-jwt', selectivelyDisclosable: [pointer] } },
      apiKey,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ pointer: '/options/selectivelyDisclosable/0', detail: expect.stringMatching(/reserves/) }]);
  });
});
