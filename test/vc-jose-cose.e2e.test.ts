/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
/**
 * VC-JOSE-COSE presentations (vp+jwt, vp+sd-jwt) made by a holder wallet built from jose alone,
 * and ES384 (P-384) issuers, verified in the region other than the issuer's.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { compactVerify, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson as post } from './support/http.js';
import { logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { ADMIN_TOKEN } from './support/region.js';

const VCDM2 = 'https://www.w3.org/ns/credentials/v2';
let net: TwoRegions;
let apiKey: string;

beforeAll(async () => {
  net = await startTwoRegions();
  apiKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Jose University' }, ADMIN_TOKEN)).body.apiKey;
});
afterAll(async () => {
  await net?.close();
});

const synced = async () => {
  const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold eu log');
};
const createDid = async (options: Record<string, unknown> = {}) => {
  const res = await post(net.eu.url!, '/1.0/create?method=isthmus', { options }, apiKey);
  expect(res.status).toBe(201);
  return res.body.didState.did as string;
};
const issue = async (issuer: string, format: string, subject: Record<string, unknown>, options: Record<string, unknown> = {}) => {
  const res = await post(
    net.eu.url!,
    '/credentials/issue',
    { credential: { '@context': [VCDM2], type: ['VerifiableCredential', 'UniversityDegreeCredential'], issuer, credentialSubject: subject }, options: { format, ...options } },
    apiKey,
  );
  expect(res.status).toBe(201);
  return res.body.verifiableCredential as { id: string; type: string };
};
const verifyCredential = (vc: unknown) => post(net.ap.url!, '/credentials/verify', { verifiableCredential: vc });
const verifyPresentation = (vp: unknown, options?: Record<string, unknown>) => post(net.ap.url!, '/presentations/verify', { verifiablePresentation: vp, ...(options ? { options } : {}) });
const failed = (body: Record<string, any>) => (body.errors as { check: string }[]).map((e) => e.check);
const tokenOf = (vc: { id: string }) => vc.id.slice(vc.id.indexOf(',') + 1);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A holder wallet: a jose key pair and the did:jwk naming it. */
async function holderWallet(alg: 'ES384' | 'ES256' | 'EdDSA') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const did = `did:jwk:${b64(jwk)}`;
  return { alg, privateKey, jwk, did, kid: `${did}#0` };
}
type Wallet = Awaited<ReturnType<typeof holderWallet>>;

describe('ES384: a P-384 DID issues, and every region verifies', () => {
  let did: string;
  let p384Jwk: JWK;

  beforeAll(async () => {
    did = await createDid({ keyType: 'P-384' });
    const doc = JSON.parse(await (await fetch(`${net.eu.url}/1.0/identifiers/${did}`, { headers: { accept: 'application/did+json' } })).text());
    p384Jwk = doc.verificationMethod[0].publicKeyJwk;
    expect(p384Jwk).toMatchObject({ kty: 'EC', crv: 'P-384' });
  });

  it('vc+jwt with a status list: ES384 in the header, jose verifies it alone, and so does the other region (status list signed ES384 too)', async () => {
    const vc = await issue(did, 'vc+jwt', { id: 'did:example:alice', degree: 'MSc' }, { status: ['revocation'] });
    const token = tokenOf(vc);
    const { protectedHeader } = await compactVerify(token, await importJWK(p384Jwk, 'ES384'), { algorithms: ['ES384'] });
    expect(protectedHeader).toMatchObject({ alg: 'ES384', typ: 'vc+jwt', kid: `${did}#key-1` });
    await synced();
    const result = await verifyCredential(vc);
    expect(result.body.errors).toEqual([]);
    expect(result.status).toBe(200);
    expect(result.body.checks.find((c: any) => c.check === 'status:revocation')).toMatchObject({ result: 'passed' });
    const list = await (await fetch(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).credentialStatus[0].statusListCredential)).text();
    const listJwt = list.trim().startsWith('ey') ? list.trim() : tokenOf(JSON.parse(list));
    expect(JSON.parse(Buffer.from(listJwt.split('.')[0]!, 'base64url').toString()).alg).toBe('ES384');
    await compactVerify(listJwt, await importJWK(p384Jwk, 'ES384'), { algorithms: ['ES384'] });
  });

  it('dc+sd-jwt: jose verifies the issuer-signed part, the other region the whole', async () => {
    const vc = await issue(did, 'dc+sd-jwt', { id: 'did:example:alice', degree: 'MSc' }, { selectivelyDisclosable: ['/credentialSubject/degree'] });
    const issuerJwt = tokenOf(vc).split('~')[0]!;
    await compactVerify(issuerJwt, await importJWK(p384Jwk, 'ES384'), { algorithms: ['ES384'] });
    await synced();
    const result = await verifyCredential(vc);
    expect(result.body.errors).toEqual([]);
    expect(result.status).toBe(200);
  });

  it('alg/key confusion fails: an ES256 header over a P-384 key, an ES384 header over a P-256 key', async () => {
    for (const [curve, alg, hash] of [['P-384', 'ES256', 'sha256'], ['P-256', 'ES384', 'sha384']] as const) {
      const key = generateKeyPairSync('ec', { namedCurve: curve });
      const issuer = `did:jwk:${b64(key.publicKey.export({ format: 'jwk' }))}`;
      const input = `${b64({ alg, typ: 'vc+jwt', cty: 'vc', kid: `${issuer}#0` })}.${b64({ '@context': [VCDM2], type: ['VerifiableCredential'], issuer, credentialSubject: { id: 'did:example:alice' } })}`;
      const token = `${input}.${sign(hash, Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
      const result = await verifyCredential(token);
      expect(result.status).toBe(400);
      expect(failed(result.body)).toContain('signature');
      expect(result.body.errors.find((e: any) => e.check === 'signature').detail).toMatch(new RegExp(`alg ${alg} does not match the ${curve} key`));
    }
    // and our own ES384 credential relabelled ES256 fails
    const [h, p, s] = tokenOf(await issue(did, 'vc+jwt', { id: 'did:example:alice' })).split('.');
    const relabelled = `${b64({ ...JSON.parse(Buffer.from(h!, 'base64url').toString()), alg: 'ES256' })}.${p}.${s}`;
    await synced();
    expect(failed((await verifyCredential(relabelled)).body)).toContain('signature');
  });
});

describe('VC-JOSE-COSE presentations: vp+jwt and vp+sd-jwt', () => {
  let issuer: string;
  let holder: Wallet;
  let stranger: Wallet;
  let credentials: { id: string; type: string }[];
  const asked = { challenge: 'n-0S6_WzA2Mj', domain: 'https://rp.example' };

  beforeAll(async () => {
    issuer = await createDid();
    holder = await holderWallet('ES384');
    stranger = await holderWallet('EdDSA');
    credentials = [
      await issue(issuer, 'vc+jwt', { id: holder.did, degree: 'PhD' }),
      await issue(issuer, 'dc+sd-jwt', { id: holder.did, degree: 'PhD' }, { selectivelyDisclosable: ['/credentialSubject/degree'] }),
      await issue(issuer, 'vc+sd-jwt', { id: holder.did, degree: 'PhD' }),
    ];
    await synced();
  });

  const presentation = (by: Wallet, vcs: unknown[]) => ({ '@context': [VCDM2], type: ['VerifiablePresentation'], holder: by.did, verifiableCredential: vcs });
  /** A vp+jwt: the presentation is the payload; nonce, aud and iat are JWT claims. */
  const vpJwt = (by: Wallet, vcs: unknown[] = credentials, claims: Record<string, unknown> = { nonce: asked.challenge, aud: asked.domain }, header: Record<string, unknown> = {}) =>
    new SignJWT({ ...presentation(by, vcs), ...claims }).setProtectedHeader({ alg: by.alg, typ: 'vp+jwt', kid: by.kid, ...header }).setIssuedAt().sign(by.privateKey);
  const enveloped = (token: string, type = 'vp+jwt') => ({ '@context': [VCDM2], type: 'EnvelopedVerifiablePresentation', id: `data:application/${type},${token}` });

  it('a vp+jwt signed by the subject verifies in the other region, compact and enveloped, with every credential', async () => {
    const token = await vpJwt(holder);
    for (const vp of [token, enveloped(token)]) {
      const result = await verifyPresentation(vp, asked);
      expect(result.body.errors).toEqual([]);
      expect(result.status).toBe(200);
      expect(result.body.checks.find((c: any) => c.check === 'format').detail).toBe('vp+jwt');
      expect(result.body.credential.holder).toBe(holder.did);
      expect(result.body.credential.verifiableCredential).toHaveLength(3);
      expect(result.body.credential.nonce).toBeUndefined();
    }
  });

  it('a wrong nonce or audience fails holder binding; no challenge and domain fails freshness unless waived', async () => {
    expect(failed((await verifyPresentation(await vpJwt(holder, credentials, { nonce: 'other', aud: asked.domain }), asked)).body)).toEqual(['holder-binding']);
    expect(failed((await verifyPresentation(await vpJwt(holder, credentials, { nonce: asked.challenge, aud: 'https://evil.example' }), asked)).body)).toEqual(['holder-binding']);
    const token = await vpJwt(holder, credentials, {});
    expect(failed((await verifyPresentation(token)).body)).toEqual(['freshness']);
    const waived = await verifyPresentation(token, { allowReplay: true });
    expect(waived.status).toBe(200);
    expect((waived.body.warnings as { check: string }[]).map((w) => w.check)).toContain('freshness');
    // made ten minutes ago: stale
    const stale = await new SignJWT({ ...presentation(holder, credentials), nonce: asked.challenge, aud: asked.domain }).setProtectedHeader({ alg: 'ES384', typ: 'vp+jwt', kid: holder.kid }).setIssuedAt(Math.floor(Date.now() / 1000) - 600).sign(holder.privateKey);
    expect(failed((await verifyPresentation(stale, asked)).body)).toEqual(['freshness']);
  });

  it('someone who is not the subject presenting fails per credential; a kid or signature not the holder\'s fails holder binding', async () => {
    const result = await verifyPresentation(await vpJwt(stranger), asked);
    expect(result.status).toBe(400);
    expect(failed(result.body)).toEqual(['credential-0:presenter', 'credential-1:presenter', 'credential-2:presenter']);
    // claims to be the holder, signed by the stranger
    const forged = await new SignJWT({ ...presentation(holder, credentials), nonce: asked.challenge, aud: asked.domain }).setProtectedHeader({ alg: 'EdDSA', typ: 'vp+jwt', kid: holder.kid }).setIssuedAt().sign(stranger.privateKey);
    expect(failed((await verifyPresentation(forged, asked)).body)).toEqual(['holder-binding']);
    const otherKid = await vpJwt(holder, credentials, { nonce: asked.challenge, aud: asked.domain }, { kid: stranger.kid });
    expect(failed((await verifyPresentation(otherKid, asked)).body)).toEqual(['holder-binding']);
  });

  it('a tampered embedded credential fails as that credential; a non-enveloped entry and a VCDM 1.1 payload are refused', async () => {
    const [h, p, s] = tokenOf(credentials[0]!).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = { ...credentials[0]!, id: `data:application/vc+jwt,${h}.${b64({ ...claims, credentialSubject: { ...claims.credentialSubject, degree: 'MD' } })}.${s}` };
    const result = await verifyPresentation(await vpJwt(holder, [tampered, credentials[1]]), asked);
    expect(result.status).toBe(400);
    expect(failed(result.body)).toEqual(['credential-0:signature']);
    expect(failed((await verifyPresentation(await vpJwt(holder, [tokenOf(credentials[0]!)]), asked)).body)).toEqual(['credential-0:format']);
    const v1 = await new SignJWT({ ...presentation(holder, credentials), '@context': ['https://www.w3.org/2018/credentials/v1'], nonce: asked.challenge, aud: asked.domain }).setProtectedHeader({ alg: 'ES384', typ: 'vp+jwt', kid: holder.kid }).setIssuedAt().sign(holder.privateKey);
    expect(failed((await verifyPresentation(v1, asked)).body)).toEqual(['format']);
  });

  it('a vp+sd-jwt without cnf carries nonce and aud itself; with cnf it needs the key-binding JWT', async () => {
    const signed = await vpJwt(holder, credentials, { nonce: asked.challenge, aud: asked.domain, _sd_alg: 'sha-256' }, { typ: 'vp+sd-jwt' });
    const plain = await verifyPresentation(enveloped(`${signed}~`, 'vp+sd-jwt'), asked);
    expect(plain.body.errors).toEqual([]);
    expect(plain.status).toBe(200);
    expect(failed((await verifyPresentation(`${await vpJwt(holder, credentials, { nonce: 'other', aud: asked.domain, _sd_alg: 'sha-256' }, { typ: 'vp+sd-jwt' })}~`, asked)).body)).toEqual(['holder-binding']);
    // bound to a key (cnf) with no key-binding JWT: refused
    const bound = await vpJwt(holder, credentials, { cnf: { jwk: holder.jwk }, iat: Math.floor(Date.now() / 1000), _sd_alg: 'sha-256' }, { typ: 'vp+sd-jwt' });
    expect(failed((await verifyPresentation(`${bound}~`, asked)).body)).toContain('holder-binding');
    // with the key-binding JWT over this presentation, for this nonce and audience: verified
    const kb = (nonce: string) =>
      new SignJWT({ nonce, aud: asked.domain, sd_hash: createHash('sha256').update(`${bound}~`).digest('base64url') }).setProtectedHeader({ alg: 'ES384', typ: 'kb+jwt' }).setIssuedAt().sign(holder.privateKey);
    const keyBound = await verifyPresentation(`${bound}~${await kb(asked.challenge)}`, asked);
    expect(keyBound.body.errors).toEqual([]);
    expect(keyBound.status).toBe(200);
    expect(failed((await verifyPresentation(`${bound}~${await kb('other')}`, asked)).body)).toEqual(['holder-binding']);
  });
});
