/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import { sign } from 'node:crypto';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveCredentials, walletKey } from '../src/cli/oid4vci-wallet.js';
import { postJson as post } from './support/http.js';
import { logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { openid4vpWallet } from './support/oid4vp-wallet.js';
import { ADMIN_TOKEN } from './support/region.js';

// Issue 14's round trip, both wallet protocols on the same library's wallet side over real HTTP:
// a wallet receives a dc+sd-jwt from an issuer tenant in eu (Openid4vciClient), presents a subset
// of it to a relying party in ap with eu stopped (Openid4vpClient), the issuer finds the
// credential's id through its offer and revokes it, and the next presentation fails.
const AP_POLICY = { v: 1, foreignDisclosure: { PersonCredential: { identification: ['givenName', 'birthDate', 'nationality'], '*': [] } } };

let net: TwoRegions;
let ap: string;
let issuerKey: string;
let otherIssuerKey: string;
let offerId: string;
let rpKey: string;
let rpDid: string;
let credential: string;

const holderKey = walletKey(); // P-256: the credential is bound to it, the KB-JWT signed with it (ES256)
const sdJwt = new SDJwtVcInstance({
  hasher: digest,
  kbSignAlg: 'ES256',
  kbSigner: (data: string) => sign('sha256', Buffer.from(data), { key: holderKey.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url'),
});
const wallet = openid4vpWallet(() => ap);

const get = async (base: string, path: string, key: string) => {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('~')[0]!.split('.')[1]!, 'base64url').toString()) as Record<string, any>;

/** The relying party in ap asks for givenName and birthDate; the wallet discloses those only. */
async function presentation() {
  const dcql = { credentials: [{ id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: [payloadOf(credential).vct] }, claims: [{ path: ['givenName'] }, { path: ['birthDate'] }] }] };
  const created = await post(ap, '/oid4vp/requests', { clientDid: rpDid, dcql, purpose: 'identification' }, rpKey);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const parsed = wallet.parseOpenid4vpAuthorizationRequest({ authorizationRequest: created.body.authorizationRequest });
  const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
  const request = resolved.authorizationRequestPayload as any;
  const vp = await sdJwt.present(credential, { givenName: true, birthDate: true } as never, { kb: { payload: { nonce: request.nonce, aud: resolved.client.effective, iat: Math.floor(Date.now() / 1000) } } });
  const response = await wallet.createOpenid4vpAuthorizationResponse({ authorizationRequestPayload: request, authorizationResponsePayload: { vp_token: { pid: [vp] } } });
  const submitted = await wallet.submitOpenid4vpAuthorizationResponse({ authorizationRequestPayload: request, authorizationResponsePayload: response.authorizationResponsePayload });
  return { walletStatus: submitted.response.status, read: await get(ap, `/oid4vp/requests/${created.body.id}`, rpKey) };
}

/** Waits until ap holds everything eu's log has now. */
async function apMirrorsEu(): Promise<void> {
  const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold eu’s log');
}

beforeAll(async () => {
  net = await startTwoRegions({}, undefined, { ap: { 'policy.json': JSON.stringify(AP_POLICY) } });
  ap = net.ap.url!;
  issuerKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Registry of Persons' }, ADMIN_TOKEN)).body.apiKey;
  otherIssuerKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Another Registry' }, ADMIN_TOKEN)).body.apiKey;
  const issuerDid = (await post(net.eu.url!, '/1.0/create?method=isthmus', {}, issuerKey)).body.didState.did;
  const offer = await post(
    net.eu.url!,
    '/oid4vci/offers',
    {
      credential: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'PersonCredential'], issuer: issuerDid, credentialSubject: { givenName: 'Ada', birthDate: '1990-04-01', nationality: 'NL' } },
      options: { format: 'dc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/birthDate', '/credentialSubject/nationality'], status: ['revocation'], txCode: '493817' },
    },
    issuerKey,
  );
  expect(offer.status, JSON.stringify(offer.body)).toBe(201);
  offerId = offer.body.id;
  expect(await get(net.eu.url!, `/oid4vci/offers/${offerId}/credentials`, issuerKey)).toEqual({ status: 200, body: { offerId, credentialIds: [] } });
  const received = await receiveCredentials(offer.body.credentialOffer, { proofKeys: [holderKey], txCode: '493817' });
  expect(received.credentials).toHaveLength(1);
  credential = received.credentials[0]!;
  rpKey = (await post(ap, '/admin/issuers', { name: 'Airline of Asia' }, ADMIN_TOKEN)).body.apiKey;
  rpDid = (await post(ap, '/1.0/create?method=isthmus', {}, rpKey)).body.didState.did;
  await apMirrorsEu();
  await net.stop('eu');
}, 120_000);
afterAll(async () => {
  await net?.close();
});

describe('a wallet round trip: OpenID4VCI in eu, OpenID4VP in ap, revocation', { timeout: 120_000 }, () => {
  it('the received dc+sd-jwt is bound to the wallet key and carries a status', () => {
    const payload = payloadOf(credential);
    expect(payload.cnf.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', x: holderKey.publicJwk.x, y: holderKey.publicJwk.y });
    expect(payload.status.status_list).toMatchObject({ idx: expect.any(Number), uri: expect.any(String) });
    expect(payload).not.toHaveProperty('birthDate'); // disclosable: only a digest in the payload
  });

  it('presents a subset in ap with eu stopped, is revoked by its issuer through the offer, and the next presentation fails', async () => {
    const first = await presentation();
    expect(first.walletStatus).toBe(200);
    expect(first.read.body.state).toBe('completed');
    const [presented] = first.read.body.result.credentials.pid;
    expect(presented).toMatchObject({ format: 'dc+sd-jwt', claims: { givenName: 'Ada', birthDate: '1990-04-01' } });
    expect(presented.claims).not.toHaveProperty('nationality');

    await net.restart('eu');
    const eu = net.eu.url!;
    const found = await get(eu, `/oid4vci/offers/${offerId}/credentials`, issuerKey);
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.offerId).toBe(offerId);
    expect(found.body.credentialIds).toHaveLength(1);
    // Another tenant learns nothing of the offer: 404, as for an unknown one.
    const foreign = await get(eu, `/oid4vci/offers/${offerId}/credentials`, otherIssuerKey);
    const unknown = await get(eu, '/oid4vci/offers/00000000-0000-4000-8000-000000000000/credentials', issuerKey);
    expect([foreign.status, unknown.status]).toEqual([404, 404]);
    expect(foreign.body.title).toBe(unknown.body.title);

    const revoked = await post(eu, '/credentials/status', { credentialId: found.body.credentialIds[0], credentialStatus: [{ type: 'TokenStatusList', status: 'revoked' }] }, issuerKey);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body.status).toEqual({ revoked: true, suspended: false });
    await apMirrorsEu();

    const next = await presentation();
    expect(next.walletStatus).toBe(400);
    expect(next.read.body.state).toBe('failed');
    expect(next.read.body.result.checks).toContainEqual(expect.objectContaining({ check: 'status:revocation', result: 'failed', detail: expect.stringMatching(/^revoked/) }));
  });
});
