/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import { createHash, randomBytes } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Oid4vciService } from '../src/modules/oid4vci/oid4vci.service.js';
import { logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { postJson } from './support/http.js';
import { receiveCredentials, signJwt, walletKey, type WalletKey } from '../src/cli/oid4vci-wallet.js';
import { ADMIN_TOKEN } from './support/region.js';

// OpenID4VCI 1.0 issuance (docs/wallets.md) against two live regions, the wallet being the
// openid4vc library's own client: pre-authorized code, tx_code, DPoP, nonce, key proofs, batch.
let net: TwoRegions;
let apiKey: string;
let did: string;
let tenantId: string;
/** A value that must stay in eu: it is in every offered credential and must never reach ap's database. */
const SECRET_CLAIM = `Zyxwvut-${randomBytes(6).toString('hex')}`;

const credential = () => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'PersonIdentificationData'],
  issuer: did,
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { givenName: SECRET_CLAIM, birthDate: '1990-04-01' },
});

async function createOffer(options: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const created = await postJson(net.eu.url!, '/oid4vci/offers', { credential: credential(), options: { format: 'dc+sd-jwt', ...options } }, apiKey);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

const eu = (): DataSource => net.eu.app.get<DataSource>(getDataSourceToken());
const offerRows = async (id: string): Promise<number> => (await eu().query(`SELECT id FROM oid4vci_offer WHERE id = ${eu().options.type === 'postgres' ? '$1' : '?'}`, [id])).length;
const payloadOf = (jwt: string): Record<string, any> => JSON.parse(Buffer.from(jwt.split('~')[0]!.split('.')[1]!, 'base64url').toString());

/** The whole flow with the library's wallet: offer URI → metadata → token (DPoP) → nonce → proofs → credentials. */
async function receive(offerUri: string, options: { txCode?: string; keys?: number } = {}) {
  const proofKeys = Array.from({ length: options.keys ?? 1 }, () => walletKey());
  const received = await receiveCredentials(offerUri, { proofKeys, ...(options.txCode ? { txCode: options.txCode } : {}) });
  return { ...received, proofKeys };
}

// ---- the wallet's requests by hand, for the refusals ------------------------------------------

const issuerUrl = () => `${net.url('eu')}/oid4vci/issuers/${tenantId}`;

async function dpopProof(key: WalletKey, url: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  return signJwt({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk, ...header }, { htm: 'POST', htu: url, iat: Math.floor(Date.now() / 1000), jti: randomBytes(16).toString('base64url'), ...claims }, key.privateKey);
}

async function send(url: string, init: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: Record<string, any>; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': init.form ? 'application/x-www-form-urlencoded' : 'application/json', ...init.headers },
    body: init.form ? new URLSearchParams(init.form).toString() : JSON.stringify(init.json ?? {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers };
}

/** A DPoP nonce of the token endpoint: the first proof without one is refused with use_dpop_nonce and a nonce to use. */
async function dpopNonce(key: WalletKey): Promise<string> {
  const refused = await send(`${issuerUrl()}/token`, { form: { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': 'x' }, headers: { dpop: await dpopProof(key, `${issuerUrl()}/token`) } });
  expect(refused.body.error).toBe('use_dpop_nonce');
  return refused.headers.get('dpop-nonce')!;
}

async function codeOf(offer: Record<string, any>): Promise<string> {
  const object = (await (await fetch(offer.credentialOfferUri)).json()) as Record<string, any>;
  return object.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'];
}

/** Token request by hand: the code (and tx_code) with a DPoP proof of `key` carrying a valid nonce. */
async function tokenRequest(code: string, key: WalletKey, extra: Record<string, string> = {}) {
  const nonce = await dpopNonce(key);
  return send(`${issuerUrl()}/token`, { form: { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': code, ...extra }, headers: { dpop: await dpopProof(key, `${issuerUrl()}/token`, { nonce }) } });
}

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');

async function cNonce(): Promise<string> {
  return (await send(`${issuerUrl()}/nonce`, {})).body.c_nonce;
}

async function keyProof(key: WalletKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}, signWith = key): Promise<string> {
  return signJwt({ typ: 'openid4vci-proof+jwt', alg: 'ES256', jwk: key.publicJwk, ...header }, { aud: issuerUrl(), iat: Math.floor(Date.now() / 1000), ...claims }, signWith.privateKey);
}

/** An access token for a fresh offer (by hand), with the DPoP key and nonce to use it. */
async function accessToken(): Promise<{ token: string; key: WalletKey; nonce: string; offer: Record<string, any> }> {
  const offer = await createOffer();
  const key = walletKey();
  const answer = await tokenRequest(await codeOf(offer), key);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return { token: answer.body.access_token, key, nonce: answer.headers.get('dpop-nonce')!, offer };
}

async function credentialRequest(access: { token: string; key: WalletKey; nonce: string }, body: unknown, dpopKey = access.key) {
  const url = `${issuerUrl()}/credential`;
  return send(url, { json: body, headers: { authorization: `DPoP ${access.token}`, dpop: await dpopProof(dpopKey, url, { nonce: access.nonce, ath: ath(access.token) }) } });
}

function expectOAuthError(answer: { status: number; body: Record<string, any> }, status: number, error: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toEqual({ error, error_description: expect.any(String) });
}

beforeAll(async () => {
  net = await startTwoRegions();
  const tenant = await postJson(net.eu.url!, '/admin/issuers', { name: 'Registry of Persons' }, ADMIN_TOKEN);
  apiKey = tenant.body.apiKey;
  tenantId = tenant.body.id;
  did = (await postJson(net.eu.url!, '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
}, 60_000);
afterAll(async () => {
  await net?.close();
});

describe('offers', () => {
  it('are created with the issuance API key and served as an openid-credential-offer URI, its offer object and QR codes', async () => {
    const offer = await createOffer({ txCode: '493817' });
    expect(offer).toMatchObject({ id: expect.any(String), credentialOfferUri: `${net.url('eu')}/oid4vci/offers/${offer.id}`, qrCode: { png: `${offer.credentialOfferUri}/qr.png`, svg: `${offer.credentialOfferUri}/qr.svg` } });
    expect(offer.credentialOffer).toBe(`openid-credential-offer://?credential_offer_uri=${encodeURIComponent(offer.credentialOfferUri)}`);
    const object = (await (await fetch(offer.credentialOfferUri)).json()) as Record<string, any>;
    expect(object).toMatchObject({ credential_issuer: issuerUrl(), credential_configuration_ids: ['dc+sd-jwt'], grants: { 'urn:ietf:params:oauth:grant-type:pre-authorized_code': { 'pre-authorized_code': expect.any(String), tx_code: { input_mode: 'numeric', length: 6 } } } });
    const png = await fetch(offer.qrCode.png);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const svg = await fetch(offer.qrCode.svg);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await svg.text()).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(await offerRows(offer.id)).toBe(1);
  });

  it('are refused without the API key (problem+json) and with a holder (the wallet proves its key)', async () => {
    const anonymous = await postJson(net.eu.url!, '/oid4vci/offers', { credential: credential() });
    expect(anonymous.status).toBe(401);
    const res = await fetch(`${net.eu.url}/oid4vci/offers`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ credential: credential(), options: { holder: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' } }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('metadata', () => {
  it('serves credential issuer and authorization server metadata at the well-known locations of the tenant’s issuer URL', async () => {
    const issuer = (await (await fetch(`${net.url('eu')}/.well-known/openid-credential-issuer/oid4vci/issuers/${tenantId}`)).json()) as Record<string, any>;
    expect(issuer).toMatchObject({ credential_issuer: issuerUrl(), credential_endpoint: `${issuerUrl()}/credential`, nonce_endpoint: `${issuerUrl()}/nonce`, batch_credential_issuance: { batch_size: expect.any(Number) } });
    expect(Object.keys(issuer.credential_configurations_supported).sort()).toEqual(['dc+sd-jwt', 'jwt_vc_json', 'vc+jwt', 'vc+sd-jwt']);
    const as = (await (await fetch(`${net.url('eu')}/.well-known/oauth-authorization-server/oid4vci/issuers/${tenantId}`)).json()) as Record<string, any>;
    expect(as).toMatchObject({ issuer: issuerUrl(), token_endpoint: `${issuerUrl()}/token`, dpop_signing_alg_values_supported: ['ES256'] });
  });
});

describe('issuance with the library wallet', () => {
  it('receives a dc+sd-jwt with DPoP and a tx_code, bound to the wallet key; the offer row is gone after', async () => {
    const offer = await createOffer({ txCode: '493817', selectivelyDisclosable: ['/credentialSubject/birthDate'], status: ['revocation'] });
    const { credentials, proofKeys, tokenType } = await receive(offer.credentialOffer, { txCode: '493817' });
    expect(tokenType).toBe('DPoP');
    expect(credentials).toHaveLength(1);
    const payload = payloadOf(credentials[0]!);
    expect(payload).toMatchObject({ iss: did, givenName: SECRET_CLAIM, cnf: { jwk: { kty: 'EC', crv: 'P-256', x: proofKeys[0]!.publicJwk.x, y: proofKeys[0]!.publicJwk.y } }, status: { status_list: expect.any(Object) } });
    expect(payload).not.toHaveProperty('birthDate');
    expect(await offerRows(offer.id)).toBe(0);
    expect((await fetch(offer.credentialOfferUri)).status).toBe(404);
  });

  it.each(['dc+sd-jwt', 'vc+sd-jwt', 'jwt_vc_json', 'vc+jwt'])('receives a %s bound to the wallet key', async (format) => {
    const offer = await createOffer({ format });
    const { credentials, proofKeys } = await receive(offer.credentialOffer);
    const payload = payloadOf(credentials[0]!);
    expect(payload.cnf).toEqual({ jwk: proofKeys[0]!.publicJwk });
    const verified = await postJson(net.eu.url!, '/credentials/verify', { verifiableCredential: credentials[0] });
    expect(verified.body.errors, JSON.stringify(verified.body)).toEqual([]);
    expect(verified.status).toBe(200);
  });

  it('issues a batch: two proofs, two credentials, each bound to its own key', async () => {
    const offer = await createOffer();
    const { credentials, proofKeys } = await receive(offer.credentialOffer, { keys: 2 });
    expect(credentials).toHaveLength(2);
    expect(credentials.map((c) => payloadOf(c).cnf.jwk.x)).toEqual(proofKeys.map((k) => k.publicJwk.x));
    expect(new Set(credentials.map((c) => payloadOf(c).jti)).size).toBe(2);
  });
});

describe('refusals (OAuth / OpenID4VCI error answers)', () => {
  it('an offer redeemed twice: invalid_grant', async () => {
    const offer = await createOffer();
    const code = await codeOf(offer);
    await receive(offer.credentialOffer);
    expectOAuthError(await tokenRequest(code, walletKey()), 400, 'invalid_grant');
  });

  it('a pre-authorized code exchanged twice before the credential: invalid_grant', async () => {
    const offer = await createOffer();
    const code = await codeOf(offer);
    expect((await tokenRequest(code, walletKey())).status).toBe(200);
    expectOAuthError(await tokenRequest(code, walletKey()), 400, 'invalid_grant');
  });

  it('an expired offer: invalid_grant, and the sweep deletes it', async () => {
    const offer = await createOffer({ offerTtlSeconds: 1 });
    const code = await codeOf(offer);
    await waitFor(async () => (await fetch(offer.credentialOfferUri)).status === 404, 'the offer to expire');
    expectOAuthError(await tokenRequest(code, walletKey()), 400, 'invalid_grant');
    const other = await createOffer({ offerTtlSeconds: 1 });
    await waitFor(async () => (await fetch(other.credentialOfferUri)).status === 404, 'the offer to expire');
    expect(await offerRows(other.id)).toBe(1);
    await net.eu.app.get(Oid4vciService).sweep();
    expect(await offerRows(other.id)).toBe(0);
  });

  it('a wrong tx_code: invalid_grant (the right one still works)', async () => {
    const offer = await createOffer({ txCode: '493817' });
    const code = await codeOf(offer);
    expectOAuthError(await tokenRequest(code, walletKey(), { tx_code: '000000' }), 400, 'invalid_grant');
    expect((await tokenRequest(code, walletKey(), { tx_code: '493817' })).status).toBe(200);
  });

  it('no tx_code where the offer asks for one: invalid_request', async () => {
    const offer = await createOffer({ txCode: '493817' });
    expectOAuthError(await tokenRequest(await codeOf(offer), walletKey()), 400, 'invalid_request');
  });

  it('five wrong tx_codes withdraw the offer', async () => {
    const offer = await createOffer({ txCode: '493817' });
    const code = await codeOf(offer);
    for (let i = 0; i < 5; i++) expectOAuthError(await tokenRequest(code, walletKey(), { tx_code: `00000${i}` }), 400, 'invalid_grant');
    expect(await offerRows(offer.id)).toBe(0);
    expectOAuthError(await tokenRequest(code, walletKey(), { tx_code: '493817' }), 400, 'invalid_grant');
  });

  it('a reused c_nonce: invalid_nonce', async () => {
    const first = await accessToken();
    const nonce = await cNonce();
    const key = walletKey();
    expect((await credentialRequest(first, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [await keyProof(key, { nonce })] } })).status).toBe(200);
    const second = await accessToken();
    expectOAuthError(await credentialRequest(second, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [await keyProof(key, { nonce })] } }), 400, 'invalid_nonce');
  });

  it('a c_nonce the issuer never gave, or none: invalid_nonce', async () => {
    const access = await accessToken();
    const key = walletKey();
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [await keyProof(key, { nonce: 'made-up' })] } }), 400, 'invalid_nonce');
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [await keyProof(key, {})] } }), 400, 'invalid_nonce');
  });

  it('a proof signed by another key than its jwk: invalid_proof', async () => {
    const access = await accessToken();
    const proof = await keyProof(walletKey(), { nonce: await cNonce() }, {}, walletKey());
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [proof] } }), 400, 'invalid_proof');
  });

  it('a proof for another audience: invalid_proof', async () => {
    const access = await accessToken();
    const proof = await keyProof(walletKey(), { nonce: await cNonce(), aud: `${net.url('ap')}/oid4vci/issuers/${tenantId}` });
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [proof] } }), 400, 'invalid_proof');
  });

  it('no proof: invalid_proof', async () => {
    const access = await accessToken();
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt' }), 400, 'invalid_proof');
  });

  it('a proof of the wrong type: invalid_proof', async () => {
    const access = await accessToken();
    const typ = await keyProof(walletKey(), { nonce: await cNonce() }, { typ: 'JWT' });
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [typ] } }), 400, 'invalid_proof');
  });

  it('a proof naming its key by kid instead of jwk: invalid_proof', async () => {
    const access = await accessToken();
    const key = walletKey();
    const proof = await signJwt({ typ: 'openid4vci-proof+jwt', alg: 'ES256', kid: 'did:example:123#key-1' }, { aud: issuerUrl(), iat: Math.floor(Date.now() / 1000), nonce: await cNonce() }, key.privateKey);
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [proof] } }), 400, 'invalid_proof');
  });

  it('two proofs of one key: invalid_proof', async () => {
    const access = await accessToken();
    const key = walletKey();
    const nonce = await cNonce();
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [await keyProof(key, { nonce }), await keyProof(key, { nonce })] } }), 400, 'invalid_proof');
  });

  it('an offer for another tenant’s DID is refused (problem+json 403)', async () => {
    const other = await postJson(net.eu.url!, '/admin/issuers', { name: 'Someone Else' }, ADMIN_TOKEN);
    const refused = await postJson(net.eu.url!, '/oid4vci/offers', { credential: credential(), options: { format: 'dc+sd-jwt' } }, other.body.apiKey);
    expect(refused.status).toBe(403);
  });

  it('another credential configuration than offered: unknown_credential_configuration', async () => {
    const access = await accessToken();
    const proof = await keyProof(walletKey(), { nonce: await cNonce() });
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'vc+jwt', proofs: { jwt: [proof] } }), 400, 'unknown_credential_configuration');
  });

  it('a token request without DPoP: invalid_dpop_proof', async () => {
    const offer = await createOffer();
    expectOAuthError(await send(`${issuerUrl()}/token`, { form: { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': await codeOf(offer) } }), 400, 'invalid_dpop_proof');
  });

  it('a DPoP proof for another URL: invalid_dpop_proof', async () => {
    const offer = await createOffer();
    const key = walletKey();
    const nonce = await dpopNonce(key);
    const form = { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': await codeOf(offer) };
    expectOAuthError(await send(`${issuerUrl()}/token`, { form, headers: { dpop: await dpopProof(key, `${issuerUrl()}/credential`, { nonce }) } }), 400, 'invalid_dpop_proof');
  });

  it('a DPoP proof with a bad signature: invalid_dpop_proof', async () => {
    const offer = await createOffer();
    const key = walletKey();
    const nonce = await dpopNonce(key);
    const form = { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': await codeOf(offer) };
    const forged = (await dpopProof(key, `${issuerUrl()}/token`, { nonce })).replace(/\.[^.]+$/, `.${randomBytes(64).toString('base64url')}`);
    expectOAuthError(await send(`${issuerUrl()}/token`, { form, headers: { dpop: forged } }), 400, 'invalid_dpop_proof');
  });

  it('a DPoP proof without the server nonce: use_dpop_nonce with a DPoP-Nonce header', async () => {
    const offer = await createOffer();
    const answer = await send(`${issuerUrl()}/token`, { form: { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': await codeOf(offer) }, headers: { dpop: await dpopProof(walletKey(), `${issuerUrl()}/token`) } });
    expectOAuthError(answer, 400, 'use_dpop_nonce');
    expect(answer.headers.get('dpop-nonce')).toEqual(expect.any(String));
  });

  it('a DPoP proof used twice (same jti): invalid_dpop_proof', async () => {
    const [first, second] = [await createOffer(), await createOffer()];
    const key = walletKey();
    const nonce = await dpopNonce(key);
    const proof = await dpopProof(key, `${issuerUrl()}/token`, { nonce });
    const form = { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': await codeOf(first) };
    expect((await send(`${issuerUrl()}/token`, { form, headers: { dpop: proof } })).status).toBe(200);
    expectOAuthError(await send(`${issuerUrl()}/token`, { form: { ...form, 'pre-authorized_code': await codeOf(second) }, headers: { dpop: proof } }), 400, 'invalid_dpop_proof');
  });

  it('what anyone may ask for is never stored: c_nonces, DPoP nonces and proofs with no code of ours write no row', async () => {
    const rows = async (): Promise<number> => Number((await eu().query('SELECT COUNT(*) AS n FROM oid4vci_nonce'))[0].n);
    const before = await rows();
    const key = walletKey();
    const nonce = await dpopNonce(key);
    for (let i = 0; i < 20; i++) {
      expect(await cNonce()).toMatch(/^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{22}$/);
      await dpopNonce(walletKey());
      const form = { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': randomBytes(32).toString('base64url') };
      expectOAuthError(await send(`${issuerUrl()}/token`, { form, headers: { dpop: await dpopProof(key, `${issuerUrl()}/token`, { nonce }) } }), 400, 'invalid_grant');
    }
    expect(await rows()).toBe(before);
  });

  it('a c_nonce is no DPoP nonce: use_dpop_nonce', async () => {
    const offer = await createOffer();
    const answer = await send(`${issuerUrl()}/token`, { form: { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': await codeOf(offer) }, headers: { dpop: await dpopProof(walletKey(), `${issuerUrl()}/token`, { nonce: await cNonce() }) } });
    expectOAuthError(answer, 400, 'use_dpop_nonce');
  });

  it('a credential request without a DPoP proof: invalid_dpop_proof (401)', async () => {
    const access = await accessToken();
    const answer = await send(`${issuerUrl()}/credential`, { json: { credential_configuration_id: 'dc+sd-jwt' }, headers: { authorization: `DPoP ${access.token}` } });
    expectOAuthError(answer, 401, 'invalid_dpop_proof');
    expect(answer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
  });

  it('the access token replayed with another DPoP key: invalid_dpop_proof (401)', async () => {
    const access = await accessToken();
    const proof = await keyProof(walletKey(), { nonce: await cNonce() });
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [proof] } }, walletKey()), 401, 'invalid_dpop_proof');
  });

  it('an unknown access token: invalid_token (401)', async () => {
    const access = await accessToken();
    expectOAuthError(await credentialRequest({ ...access, token: 'not-a-token' }, { credential_configuration_id: 'dc+sd-jwt' }), 401, 'invalid_token');
  });

  it('a used access token: invalid_token (401)', async () => {
    const access = await accessToken();
    const key = walletKey();
    expect((await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [await keyProof(key, { nonce: await cNonce() })] } })).status).toBe(200);
    expectOAuthError(await credentialRequest(access, { credential_configuration_id: 'dc+sd-jwt', proofs: { jwt: [await keyProof(key, { nonce: await cNonce() })] } }), 401, 'invalid_token');
  });

  it('an offer id or pre-authorized code with a NUL byte: 404 and invalid_grant, never a 500 (PostgreSQL refuses NUL in text)', async () => {
    expect((await fetch(`${net.eu.url}/oid4vci/offers/%00/qr.png`)).status).toBe(404);
    expectOAuthError(await tokenRequest('\u0000'.repeat(43), walletKey()), 400, 'invalid_grant');
  });

  it('a malformed token request: invalid_request or unsupported_grant_type, never a 500', async () => {
    expectOAuthError(await send(`${issuerUrl()}/token`, { form: { grant_type: 'authorization_code', code: 'x' } }), 400, 'unsupported_grant_type');
    expectOAuthError(await send(`${issuerUrl()}/token`, { form: { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code' } }), 400, 'invalid_request');
  });
});

describe('in ap, with eu stopped', () => {
  it('the received credential verifies, its cnf is the wallet key, and no claim value of an offer is in ap’s database', async () => {
    const offer = await createOffer({ status: ['revocation'] });
    const { credentials, proofKeys } = await receive(offer.credentialOffer);
    const pending = await createOffer(); // never redeemed: its claims stay in eu's table
    expect(await offerRows(pending.id)).toBe(1);
    const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
    await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold eu log');
    await net.stop('eu');
    const verified = await postJson(net.ap.url!, '/credentials/verify', { verifiableCredential: credentials[0] });
    expect(verified.body.errors, JSON.stringify(verified.body)).toEqual([]);
    expect(verified.status).toBe(200);
    expect(payloadOf(credentials[0]!).cnf.jwk).toEqual(proofKeys[0]!.publicJwk);
    const ap = net.ap.app.get<DataSource>(getDataSourceToken());
    for (const table of ap.entityMetadatas.map((m) => m.tableName)) {
      const rows = await ap.query(`SELECT * FROM ${table}`);
      expect(JSON.stringify(rows), `ap's ${table}`).not.toContain(SECRET_CLAIM);
    }
    expect(await ap.query('SELECT * FROM oid4vci_offer')).toEqual([]);
  });
});
