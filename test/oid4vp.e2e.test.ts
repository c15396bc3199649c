/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { CompactEncrypt, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Oid4vpService } from '../src/modules/oid4vp/oid4vp.service.js';
import { postJson as post } from './support/http.js';
import { logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { openid4vpWallet } from './support/oid4vp-wallet.js';
import { ADMIN_TOKEN, startRegion } from './support/region.js';

// A relying party in ap asks, through OpenID4VP 1.0, for an eu credential held in a wallet; the
// wallet side is the @openid4vc/openid4vp library's Openid4vpClient, the presentation the SD-JWT
// reference library's. Everything happens in ap while eu is stopped (but the revocation, which
// eu must sign).
const AP_POLICY = {
  v: 1,
  foreignDisclosure: { PersonIdentityCredential: { identification: ['givenName', 'birthDate', 'nationality', 'ageOver18'], 'age-verification': ['ageOver18'], '*': [] } },
};

const holder = generateKeyPairSync('ed25519');
const holderJwk = holder.publicKey.export({ format: 'jwk' });
const sdJwt = new SDJwtVcInstance({ hasher: digest, kbSignAlg: 'EdDSA', kbSigner: (data: string) => sign(null, Buffer.from(data), holder.privateKey).toString('base64url') });

let net: TwoRegions;
let ap: string;
let rpKey: string;
let rpDid: string;
let otherKey: string;
let token: string;
let credentialId: string;
let issuerKey: string;

/** The wallet: the library client, resolving the verifier's DID in ap, encrypting with jose. */
const wallet = openid4vpWallet(() => ap);

const JARM = { authorization_signing_alg_values_supported: ['ES256'], authorization_encryption_alg_values_supported: ['ECDH-ES'], authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'] };
const vct = () => JSON.parse(Buffer.from(token.split('~')[0]!.split('.')[1]!, 'base64url').toString()).vct as string;
const pidQuery = (claims: string[][] = [['birthDate']]) => ({ credentials: [{ id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: [vct()] }, claims: claims.map((path) => ({ path })) }] });

const createRequest = (body: Record<string, unknown> = {}, key = rpKey) => post(ap, '/oid4vp/requests', { clientDid: rpDid, dcql: pidQuery(), purpose: 'identification', ...body }, key);
const readRequest = async (id: string, key = rpKey) => {
  const res = await fetch(`${ap}/oid4vp/requests/${id}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

interface Presenting {
  disclose?: Record<string, boolean>;
  nonce?: string;
  aud?: string;
  vpToken?: (presentation: string) => Record<string, unknown>;
}

/** The wallet's whole round: parse the URI, fetch and verify the request object, present, submit. */
async function presentThrough(authorizationRequest: string, options: Presenting = {}) {
  const parsed = wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest });
  const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
  const request = resolved.authorizationRequestPayload as any;
  const presentation = await sdJwt.present(token, (options.disclose ?? { birthDate: true }) as never, {
    kb: { payload: { nonce: options.nonce ?? request.nonce, aud: options.aud ?? resolved.client.effective, iat: Math.floor(Date.now() / 1000) } },
  });
  const response = await wallet.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: { vp_token: options.vpToken ? (options.vpToken(presentation) as never) : { pid: [presentation] } },
    ...(request.response_mode === 'direct_post.jwt' ? { jarm: { encryption: { nonce: randomBytes(16).toString('base64url') }, serverMetadata: JARM } } : {}),
  });
  const submitted = await wallet.submitOpenid4vpAuthorizationResponse({ authorizationRequestPayload: request, authorizationResponsePayload: response.authorizationResponsePayload, ...(response.jarm ? { jarm: response.jarm } : {}) });
  const answer = submitted.response;
  return { resolved, request, presentation, response, status: answer.status, contentType: answer.headers.get('content-type'), body: (await answer.json()) as Record<string, any> };
}

/** A fresh request, answered by the wallet; the relying party's view of it after. */
async function round(create: Record<string, unknown> = {}, presenting: Presenting = {}) {
  const created = await createRequest(create);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const wallet = await presentThrough(created.body.authorizationRequest, presenting);
  return { created: created.body, wallet, read: await readRequest(created.body.id) };
}

beforeAll(async () => {
  // The webhook tests below call servers on loopback: allowed here, refused by default (last describe).
  net = await startTwoRegions({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, undefined, { ap: { 'policy.json': JSON.stringify(AP_POLICY) } });
  ap = net.ap.url!;
  issuerKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Registry of Persons' }, ADMIN_TOKEN)).body.apiKey;
  const issuerDid = (await post(net.eu.url!, '/1.0/create?method=isthmus', {}, issuerKey)).body.didState.did;
  const issued = await post(
    net.eu.url!,
    '/credentials/issue',
    {
      credential: {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential', 'PersonIdentityCredential'],
        issuer: issuerDid,
        credentialSubject: { givenName: 'Ada', birthDate: '1990-04-01', nationality: 'NL', ageOver18: true },
      },
      options: { format: 'dc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/birthDate', '/credentialSubject/nationality', '/credentialSubject/ageOver18'], holder: { kty: 'OKP', crv: 'Ed25519', x: holderJwk.x }, status: ['revocation'] },
    },
    issuerKey,
  );
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  const vc = issued.body.verifiableCredential as { id: string };
  token = vc.id.slice(vc.id.indexOf(',') + 1);
  credentialId = issued.body.credentialId;
  rpKey = (await post(ap, '/admin/issuers', { name: 'Airline of Asia' }, ADMIN_TOKEN)).body.apiKey;
  otherKey = (await post(ap, '/admin/issuers', { name: 'Another Shop' }, ADMIN_TOKEN)).body.apiKey;
  rpDid = (await post(ap, '/1.0/create?method=isthmus', {}, rpKey)).body.didState.did;
  const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold eu log');
  await net.stop('eu');
}, 120_000);
afterAll(async () => {
  await net?.close();
});

describe('OpenID4VP: a relying party in ap, a credential from eu (eu stopped)', { timeout: 60_000 }, () => {
  it('creates a request by reference: openid4vp:// URI with client_id and request_uri, QR codes in PNG and SVG', async () => {
    const created = await createRequest();
    expect(created.status).toBe(201);
    const uri = new URL(created.body.authorizationRequest);
    expect(uri.protocol).toBe('openid4vp:');
    expect(uri.searchParams.get('client_id')).toBe(`decentralized_identifier:${rpDid}`);
    expect(uri.searchParams.get('request_uri')).toBe(`${net.url('ap')}/oid4vp/requests/${created.body.id}/request`);
    const png = await fetch(created.body.qrCode.png);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    const svg = await fetch(created.body.qrCode.svg);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await svg.text()).toMatch(/^<svg/);
    expect((await readRequest(created.body.id)).body).toMatchObject({ id: created.body.id, state: 'pending', result: null });
  });

  it('presents a subset of claims with key binding: completed with the disclosed claims', async () => {
    const { wallet: w, read } = await round();
    expect(w.resolved.client).toMatchObject({ prefix: 'decentralized_identifier', identifier: rpDid });
    expect(w.request).toMatchObject({ response_mode: 'direct_post', dcql_query: pidQuery() });
    expect([w.status, w.body]).toEqual([200, {}]);
    expect(read.status).toBe(200);
    expect(read.body.state).toBe('completed');
    const [credential] = read.body.result.credentials.pid;
    expect(credential).toMatchObject({ format: 'dc+sd-jwt', vct: vct(), claims: { givenName: 'Ada', birthDate: '1990-04-01' } });
    expect(credential.claims).not.toHaveProperty('nationality');
    expect(credential.claims).not.toHaveProperty('ageOver18');
  });

  it('direct_post.jwt: the response is encrypted to the request’s ephemeral key, and completes', async () => {
    const { wallet: w, read } = await round({ responseMode: 'direct_post.jwt' });
    expect(w.request.client_metadata.jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'enc' });
    expect(w.request.client_metadata.jwks.keys[0]).not.toHaveProperty('d');
    expect(w.response.jarm!.responseJwt.split('.')).toHaveLength(5);
    expect([w.status, w.body]).toEqual([200, {}]);
    expect(read.body).toMatchObject({ state: 'completed', result: { credentials: { pid: [{ claims: { birthDate: '1990-04-01' } }] } } });
  });

  it('the jurisdiction’s policy withholds what the purpose does not allow', async () => {
    const { wallet: w, read } = await round({ purpose: 'age-verification', dcql: pidQuery([['ageOver18'], ['birthDate']]) }, { disclose: { ageOver18: true, birthDate: true } });
    expect(w.status).toBe(200);
    expect(read.body.state).toBe('completed');
    const [credential] = read.body.result.credentials.pid;
    expect(credential.claims).toMatchObject({ ageOver18: true });
    expect(credential.claims).not.toHaveProperty('birthDate');
    expect(credential.claims).not.toHaveProperty('givenName');
    expect(read.body.result.warnings).toEqual([expect.objectContaining({ credentialQuery: 'pid', check: 'disclosure-policy', detail: expect.stringMatching(/withheld .*birthDate/) })]);
  });

  it('a presentation that does not satisfy the DCQL query fails', async () => {
    const { wallet: w, read } = await round({ dcql: pidQuery([['nationality']]) }, { disclose: { birthDate: true } });
    expect(w.status).toBe(400);
    expect(w.contentType).toMatch(/^application\/json/);
    expect(w.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/does not satisfy the DCQL query.*pid/) });
    expect(read.body).toMatchObject({ state: 'failed', result: { verified: false, error: 'invalid_request' } });
  });

  it('a key-binding JWT over another nonce fails', async () => {
    const { wallet: w, read } = await round({}, { nonce: 'not-the-request-nonce' });
    expect(w.status).toBe(400);
    expect(w.body.error).toBe('invalid_request');
    expect(read.body.state).toBe('failed');
    expect(read.body.result.checks.map((c: any) => c.check)).toContain('holder-binding');
  });

  it('a key-binding JWT for another audience fails', async () => {
    const { wallet: w, read } = await round({}, { aud: `decentralized_identifier:${rpDid}x` });
    expect(w.status).toBe(400);
    expect(read.body.state).toBe('failed');
    expect(read.body.result.checks.map((c: any) => c.check)).toContain('holder-binding');
  });

  it('a replayed response is refused, and the first result stands', async () => {
    const { created, wallet: w } = await round();
    expect(w.status).toBe(200);
    const replay = await wallet.submitOpenid4vpAuthorizationResponse({ authorizationRequestPayload: w.request, authorizationResponsePayload: w.response.authorizationResponsePayload });
    expect(replay.response.status).toBe(400);
    expect(await replay.response.json()).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/accepted once/) });
    expect((await readRequest(created.id)).body.state).toBe('completed');
  });

  it('the request object is single use', async () => {
    const created = await createRequest();
    const first = await fetch(`${ap}/oid4vp/requests/${created.body.id}/request`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/oauth-authz-req+jwt');
    const [header, payload] = (await first.text()).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ typ: 'oauth-authz-req+jwt', kid: expect.stringMatching(new RegExp(`^${rpDid}#`)) });
    expect(payload).toMatchObject({ aud: 'https://self-issued.me/v2', exp: expect.any(Number), response_type: 'vp_token', client_id: `decentralized_identifier:${rpDid}`, response_mode: 'direct_post', response_uri: `${net.url('ap')}/oid4vp/requests/${created.body.id}/response`, nonce: expect.any(String), state: expect.any(String), dcql_query: pidQuery() });
    const second = await fetch(`${ap}/oid4vp/requests/${created.body.id}/request`);
    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({ error: 'invalid_request_uri', error_description: expect.stringMatching(/single use/) });
  });

  it('an expired request cannot be fetched and reads as failed', async () => {
    const created = await createRequest({ expiresInSeconds: 1 });
    await waitFor(async () => (await readRequest(created.body.id)).body.state === 'failed', 'the request to expire');
    const fetched = await fetch(`${ap}/oid4vp/requests/${created.body.id}/request`);
    expect(fetched.status).toBe(400);
    expect(await fetched.json()).toEqual({ error: 'invalid_request_uri', error_description: 'the request has expired' });
    expect((await readRequest(created.body.id)).body.result).toMatchObject({ error: 'expired' });
  });

  it('an expired request refuses a response', async () => {
    const created = await createRequest({ expiresInSeconds: 2 });
    const parsed = wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: created.body.authorizationRequest });
    const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
    await waitFor(async () => (await readRequest(created.body.id)).body.state === 'failed', 'the request to expire');
    const request = resolved.authorizationRequestPayload as any;
    const presentation = await sdJwt.present(token, { birthDate: true } as never, { kb: { payload: { nonce: request.nonce, aud: resolved.client.effective, iat: Math.floor(Date.now() / 1000) } } });
    const response = await wallet.createOpenid4vpAuthorizationResponse({ authorizationRequestPayload: request, authorizationResponsePayload: { vp_token: { pid: [presentation] } } });
    const submitted = await wallet.submitOpenid4vpAuthorizationResponse({ authorizationRequestPayload: request, authorizationResponsePayload: response.authorizationResponsePayload });
    expect(submitted.response.status).toBe(400);
    expect(await submitted.response.json()).toEqual({ error: 'invalid_request', error_description: 'the request has expired' });
  });

  it('another tenant cannot read the result (404, as for an unknown id)', async () => {
    const { created } = await round();
    const foreign = await readRequest(created.id, otherKey);
    const unknown = await readRequest('00000000-0000-4000-8000-000000000000', otherKey);
    expect([foreign.status, unknown.status]).toEqual([404, 404]);
    expect(foreign.body.title).toBe(unknown.body.title);
    expect(foreign.body).not.toHaveProperty('result');
  });

  it('a request and its result are deleted a day after it expired', async () => {
    const { created } = await round();
    const service = net.ap.app.get(Oid4vpService);
    expect(await service.prune(Date.parse(created.expiresAt) + 3_600_000)).toBeGreaterThanOrEqual(0);
    expect((await readRequest(created.id)).status).toBe(200);
    expect(await service.prune(Date.parse(created.expiresAt) + 86_400_000 + 1)).toBeGreaterThanOrEqual(1);
    expect((await readRequest(created.id)).status).toBe(404);
  });

  it('the wallet reporting access_denied fails the request with that error', async () => {
    const created = await createRequest();
    const parsed = wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: created.body.authorizationRequest });
    const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
    const request = resolved.authorizationRequestPayload as any;
    const denied = await fetch(request.response_uri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ error: 'access_denied', error_description: 'the user declined', state: request.state }).toString() });
    expect(denied.status).toBe(200);
    expect((await readRequest(created.body.id)).body).toMatchObject({ state: 'failed', result: { error: 'access_denied', error_description: 'the user declined' } });
  });

  it('direct_post.jwt: a wallet’s error inside the JWE fails the request with that error', async () => {
    const created = await createRequest({ responseMode: 'direct_post.jwt' });
    const parsed = wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: created.body.authorizationRequest });
    const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
    const request = resolved.authorizationRequestPayload as any;
    const key = request.client_metadata.jwks.keys[0];
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ error: 'access_denied', state: request.state })))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: key.kid })
      .encrypt(await importJWK(key, 'ECDH-ES'));
    const denied = await fetch(request.response_uri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ response: jwe }).toString() });
    expect(denied.status).toBe(200);
    expect((await readRequest(created.body.id)).body).toMatchObject({ state: 'failed', result: { error: 'access_denied' } });
  });

  it('malformed wallet input gets OAuth errors as application/json, and the request still waits', async () => {
    const created = await createRequest();
    await fetch(`${ap}/oid4vp/requests/${created.body.id}/request`);
    const url = `${ap}/oid4vp/requests/${created.body.id}/response`;
    const form = (fields: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    for (const answer of [await form({}), await form({ vp_token: 'not json', state: 'x' }), await form({ vp_token: '{"pid":["a~b~"]}', state: 'wrong' })]) {
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await answer.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    }
    expect((await readRequest(created.body.id)).body.state).toBe('pending');
    const unknown = await fetch(`${ap}/oid4vp/requests/nope/response`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'vp_token=x' });
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: 'invalid_request', error_description: 'no such request' }]);
  });

  it('an issuer outside the request’s trustedIssuers fails', async () => {
    const { wallet: w, read } = await round({ trustedIssuers: [rpDid] });
    expect([w.status, w.body.error]).toEqual([400, 'invalid_request']);
    expect(read.body).toMatchObject({ state: 'failed', result: { error_description: expect.stringMatching(/not one of the request's trustedIssuers/) } });
  });

  it('requireAccreditation fails a credential no recognized region accredits', async () => {
    const { wallet: w, read } = await round({ requireAccreditation: true });
    expect(w.status).toBe(400);
    expect(read.body.result.checks.map((c: any) => c.check)).toContain('issuer-accreditation');
  });

  it('direct_post.jwt refuses a response that is not encrypted, and the request still waits', async () => {
    const created = await createRequest({ responseMode: 'direct_post.jwt' });
    const parsed = wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: created.body.authorizationRequest });
    const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
    const request = resolved.authorizationRequestPayload as any;
    const vp = await sdJwt.present(token, { birthDate: true } as never, { kb: { payload: { nonce: request.nonce, aud: resolved.client.effective, iat: Math.floor(Date.now() / 1000) } } });
    const plain = await fetch(request.response_uri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ vp_token: JSON.stringify({ pid: [vp] }), state: request.state }).toString() });
    expect(plain.status).toBe(400);
    expect(await plain.json()).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/jarm/i) });
    expect((await readRequest(created.body.id)).body.state).toBe('pending');
  });

  it('a presentation in a format not verified here gets vp_formats_not_supported', async () => {
    const { wallet: w } = await round({}, { vpToken: () => ({ pid: [{ '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'] }] }) });
    expect([w.status, w.body.error]).toEqual([400, 'vp_formats_not_supported']);
  });

  it('refuses DCQL queries it cannot evaluate, as problem+json', async () => {
    const mdoc = await createRequest({ dcql: { credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: 'org.iso.18013.5.1.mDL' } }] } });
    expect(mdoc.status).toBe(400);
    expect(mdoc.body.errors).toEqual([{ pointer: '/dcql/credentials/0/format', detail: expect.stringMatching(/dc\+sd-jwt/) }]);
    const broken = await createRequest({ dcql: { credentials: [] } });
    expect([broken.status, broken.body.errors[0].pointer]).toEqual([400, '/dcql']);
    const foreignDid = await createRequest({}, otherKey);
    expect(foreignDid.status).toBe(403);
  });

  it('posts the result to the webhook once', async () => {
    const received: unknown[] = [];
    const server: Server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c)).on('end', () => {
        received.push(JSON.parse(text));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { created } = await round({ webhook: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook` });
      await waitFor(async () => received.length > 0, 'the webhook');
      expect(received).toEqual([{ id: created.id, state: 'completed', result: expect.objectContaining({ verified: true, credentials: { pid: [expect.objectContaining({ format: 'dc+sd-jwt' })] } }) }]);
    } finally {
      server.close();
    }
  });
});

describe('OpenID4VP webhooks', { timeout: 60_000 }, () => {
  it('does not follow a redirect from the webhook', async () => {
    const hits: string[] = [];
    const target: Server = createServer((req, res) => {
      hits.push(`target ${req.url}`);
      res.end();
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const redirecting: Server = createServer((req, res) => {
      req.resume().on('end', () => {
        hits.push(`hook ${req.url}`);
        res.writeHead(307, { location: `http://127.0.0.1:${(target.address() as { port: number }).port}/elsewhere` }).end();
      });
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      await round({ webhook: `http://127.0.0.1:${(redirecting.address() as { port: number }).port}/hook` });
      await waitFor(async () => hits.length > 0, 'the webhook');
      // A second completed round with a plain webhook shows the first's delivery had its chance to go on.
      const { created } = await round({ webhook: `http://127.0.0.1:${(target.address() as { port: number }).port}/second` });
      await waitFor(async () => hits.includes('target /second'), 'the second webhook');
      expect(hits).toEqual(['hook /hook', 'target /second']);
      expect(created.id).toEqual(expect.any(String));
    } finally {
      target.close();
      redirecting.close();
    }
  });
});

describe('OpenID4VP after revocation', { timeout: 120_000 }, () => {
  it('a revoked credential’s next presentation fails', async () => {
    expect((await round()).read.body.state).toBe('completed');
    await net.restart('eu');
    const revoked = await post(net.eu.url!, '/credentials/status', { credentialId, credentialStatus: [{ type: 'TokenStatusList', status: 'revoked' }] }, issuerKey);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
    await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold the revocation');
    const { wallet: w, read } = await round();
    expect(w.status).toBe(400);
    expect(read.body.state).toBe('failed');
    expect(read.body.result.checks.map((c: any) => c.check).join(' ')).toMatch(/status/);
  });
});

describe('OpenID4VP webhooks in a region with the default configuration', { timeout: 60_000 }, () => {
  it('refuses a webhook on loopback, private or link-local addresses (a tenant must not make the region probe its network)', async () => {
    const region = await startRegion({ listen: true });
    try {
      const key = (await post(region.url!, '/admin/issuers', { name: 'Relying Party' }, ADMIN_TOKEN)).body.apiKey;
      const did = (await post(region.url!, '/1.0/create?method=isthmus', {}, key)).body.didState.did;
      for (const webhook of ['http://127.0.0.1:9/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.8/hook', 'http://0x7f000001/hook', 'http://localhost:8080/hook']) {
        const refused = await post(region.url!, '/oid4vp/requests', { clientDid: did, dcql: pidQuery(), purpose: 'identification', webhook }, key);
        expect([refused.status, refused.body.errors?.[0]?.pointer], webhook).toEqual([400, '/webhook']);
      }
      const allowed = await post(region.url!, '/oid4vp/requests', { clientDid: did, dcql: pidQuery(), purpose: 'identification', webhook: 'https://rp.example/hook' }, key);
      expect(allowed.status, JSON.stringify(allowed.body)).toBe(201);
    } finally {
      await region.close();
    }
  });
});
