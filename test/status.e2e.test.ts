/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import { generateKeyPairSync } from 'node:crypto';
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { CompactSign } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusLists } from '../src/modules/status/status-lists.js';
import { ed25519DidKey } from './support/independent.js';
import { postJson as post } from './support/http.js';
import { dbOf, logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { ADMIN_TOKEN, startRegion, startReplica, type TestRegion } from './support/region.js';

let net: TwoRegions;
let apiKey: string;
let otherKey: string;
let did: string;

const credential = (issuer: string, extra: Record<string, unknown> = {}) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'UniversityDegreeCredential'],
  issuer,
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'MSc' },
  ...extra,
});
const issue = (format: string, status: string[] = ['revocation', 'suspension']) => post(net.eu.url!, '/credentials/issue', { credential: credential(did), options: { format, status } }, apiKey);
const setStatus = (credentialId: string, type: string, status: string, token = apiKey) => post(net.eu.url!, '/credentials/status', { credentialId, credentialStatus: [{ type, status }] }, token);
const verifyIn = (region: 'eu' | 'ap', vc: unknown, options?: Record<string, unknown>) => post(net[region].url!, '/credentials/verify', { verifiableCredential: vc, ...(options ? { options } : {}) });
const tokenOf = (vc: { id: string }) => vc.id.slice(vc.id.indexOf(',') + 1);
const claimsOf = (vc: { id: string }) => JSON.parse(Buffer.from(tokenOf(vc).split('~')[0]!.split('.')[1]!, 'base64url').toString()) as Record<string, any>;
const checks = (result: Record<string, any>) => Object.fromEntries((result.checks as { check: string; result: string }[]).filter((c) => c.check.startsWith('status')).map((c) => [c.check, c.result]));
/** The list as ap serves it from its own ledger copy (the URL names eu: only the path is used). */
const servedInAp = async (url: string, headers: Record<string, string> = {}) => fetch(`${net.ap.url}${new URL(url).pathname}`, { headers });
const synced = async () => {
  const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold the eu log');
};
const bitstringOf = async (url: string) => {
  const jwt = await (await servedInAp(url)).text();
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
  return decodeList({ encodedList: payload.credentialSubject.encodedList });
};

beforeAll(async () => {
  net = await startTwoRegions();
  apiKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Leiden' }, ADMIN_TOKEN)).body.apiKey;
  otherKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Other' }, ADMIN_TOKEN)).body.apiKey;
  did = (await post(net.eu.url!, '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
});
afterAll(async () => {
  await net?.close();
});

describe('Bitstring Status List (vc+jwt)', () => {
  let vc: { id: string };
  let credentialId: string;
  let entries: { statusPurpose: string; statusListIndex: string; statusListCredential: string }[];

  beforeAll(async () => {
    const res = await issue('vc+jwt');
    expect(res.status).toBe(201);
    vc = res.body.verifiableCredential;
    credentialId = res.body.credentialId;
    entries = claimsOf(vc).credentialStatus;
    await synced();
  });

  it('puts one BitstringStatusListEntry per purpose in the credential, naming lists served by its region', () => {
    expect(entries).toHaveLength(2);
    for (const [i, purpose] of ['revocation', 'suspension'].entries()) {
      expect(entries[i]).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: purpose, statusListIndex: expect.stringMatching(/^\d+$/) });
      expect(entries[i]!.statusListCredential.startsWith(`${net.url('eu')}/status-lists/`)).toBe(true);
    }
    expect(entries[0]!.statusListCredential).not.toBe(entries[1]!.statusListCredential);
  });

  it('serves each list from the other region’s copy, with ETag, Cache-Control and conditional requests', async () => {
    const res = await servedInAp(entries[0]!.statusListCredential);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/vc\+jwt/);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=(\d+)$/);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^".+\.\d+"$/);
    const jwt = await res.text();
    const [header, payload] = jwt.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header).toMatchObject({ typ: 'vc+jwt', kid: `${did}#key-1` });
    expect(payload).toMatchObject({ id: entries[0]!.statusListCredential, issuer: did, type: ['VerifiableCredential', 'BitstringStatusListCredential'], credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'revocation' } });
    expect((await servedInAp(entries[0]!.statusListCredential, { 'if-none-match': etag })).status).toBe(304);
    const list = await decodeList({ encodedList: payload.credentialSubject.encodedList });
    expect(list.length).toBeGreaterThanOrEqual(131_072);
    expect(list.getStatus(Number(entries[0]!.statusListIndex))).toBe(false);
    const missing = await fetch(`${net.ap.url}/status-lists/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('verifies in ap with both status checks passed', async () => {
    const res = await verifyIn('ap', vc);
    expect(res.status).toBe(200);
    expect(checks(res.body)).toEqual({ 'status:revocation': 'passed', 'status:suspension': 'passed' });
  });

  it('suspend, then reactivate, flips the result in ap both ways', async () => {
    const suspended = await setStatus(credentialId, 'BitstringStatusListEntry', 'suspended');
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ credentialId, status: { revoked: false, suspended: true } });
    await synced();
    const refused = await verifyIn('ap', vc);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ check: 'status:suspension', detail: expect.stringMatching(/^suspended/) })]);
    expect((await bitstringOf(entries[1]!.statusListCredential)).getStatus(Number(entries[1]!.statusListIndex))).toBe(true);
    const active = await setStatus(credentialId, 'BitstringStatusListEntry', 'active');
    expect(active.body.status).toEqual({ revoked: false, suspended: false });
    await synced();
    expect((await verifyIn('ap', vc)).status).toBe(200);
    expect((await bitstringOf(entries[1]!.statusListCredential)).getStatus(Number(entries[1]!.statusListIndex))).toBe(false);
  });

  it('refuses unknown and foreign credentials alike (404), bad input (400) and impossible changes (409)', async () => {
    const unknown = await setStatus('urn:uuid:00000000-0000-4000-8000-00000000dead', 'BitstringStatusListEntry', 'revoked');
    const foreign = await setStatus(credentialId, 'BitstringStatusListEntry', 'revoked', otherKey);
    expect([unknown.status, foreign.status]).toEqual([404, 404]);
    expect(foreign.body.title).toBe(unknown.body.title);
    expect((await post(net.eu.url!, '/credentials/status', { credentialId, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'deleted' }] }, apiKey)).status).toBe(400);
    const wrongType = await setStatus(credentialId, 'TokenStatusList', 'revoked');
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].pointer).toBe('/credentialStatus/0/type');
    expect((await post(net.eu.url!, '/credentials/status', { credentialId, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }] })).status).toBe(401);
    const plain = await post(net.eu.url!, '/credentials/issue', { credential: credential(did) }, apiKey);
    expect((await setStatus(plain.body.credentialId, 'BitstringStatusListEntry', 'revoked')).status).toBe(409);
    const revocationOnly = await issue('vc+jwt', ['revocation']);
    expect((await setStatus(revocationOnly.body.credentialId, 'BitstringStatusListEntry', 'suspended')).status).toBe(409);
    const own = await post(net.eu.url!, '/credentials/issue', { credential: credential(did, { credentialStatus: { type: 'BitstringStatusListEntry' } }) }, apiKey);
    expect(own.status).toBe(400);
    expect(own.body.errors[0].pointer).toBe('/credential/credentialStatus');
  });

  it('reports malformed status entries, and foreign ones the relying party requires, as failed checks, never a 500', async () => {
    const key = generateKeyPairSync('ed25519');
    const issuer = ed25519DidKey(Buffer.from(key.publicKey.export({ format: 'jwk' }).x!, 'base64url'));
    const sign = (credentialStatus: unknown) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify({ ...credential(issuer), credentialStatus })))
        .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', kid: `${issuer}#${issuer.slice(8)}` })
        .sign(key.privateKey);
    const cases: [unknown, RegExp][] = [
      [{ type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: 'seven', statusListCredential: entries[0]!.statusListCredential }, /statusListIndex/],
      [[{ type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '7', statusListCredential: 'https://elsewhere.example/status-lists/00000000-0000-4000-8000-000000000000' }], /not a status list of this network/],
      [{ type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '7', statusListCredential: entries[0]!.statusListCredential }, /not by the credential's issuer/],
      ['nonsense', /not an object/],
    ];
    for (const [credentialStatus, why] of cases) {
      const res = await verifyIn('ap', await sign(credentialStatus), { requireStatus: true });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { detail: string }) => e.detail).join(' ')).toMatch(why);
    }
  });

  it('1,000 credentials issued concurrently get 1,000 distinct, non-sequential indexes', async () => {
    const answers = await Promise.all(Array.from({ length: 1000 }, () => issue('vc+jwt', ['revocation'])));
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    const indexes = answers.map((a) => Number(claimsOf(a.body.verifiableCredential).credentialStatus[0].statusListIndex));
    expect(new Set(indexes).size).toBe(1000);
    const ascending = indexes.slice(1).filter((v, i) => v > indexes[i]!).length;
    expect(ascending).toBeGreaterThan(300);
    expect(ascending).toBeLessThan(700);
    expect(Math.max(...indexes) - Math.min(...indexes)).toBeGreaterThan(100_000);
  });

  it('batches status changes that arrive together into fewer list versions than changes', async () => {
    const issued = await Promise.all(Array.from({ length: 20 }, () => issue('vc+jwt', ['suspension'])));
    const url = claimsOf(issued[0]!.body.verifiableCredential).credentialStatus[0].statusListCredential as string;
    const versionOf = async () => Number(/\.(\d+)"$/.exec((await fetch(`${net.eu.url}${new URL(url).pathname}`)).headers.get('etag')!)![1]);
    const before = await versionOf();
    const answers = await Promise.all(issued.map((res) => setStatus(res.body.credentialId, 'BitstringStatusListEntry', 'suspended')));
    expect(answers.map((a) => a.status)).toEqual(issued.map(() => 200));
    const published = (await versionOf()) - before;
    expect(published).toBeGreaterThan(0);
    expect(published).toBeLessThan(20);
    await synced();
    const list = await bitstringOf(url);
    for (const res of issued) expect(list.getStatus(Number(claimsOf(res.body.verifiableCredential).credentialStatus[0].statusListIndex))).toBe(true);
  });

  it('opens a new list, published before use, when a list is full', async () => {
    const first = await issue('vc+jwt', ['revocation']);
    const full = claimsOf(first.body.verifiableCredential).credentialStatus[0].statusListCredential as string;
    await dbOf(net.eu).query(`UPDATE status_list SET allocated = size WHERE id = '${full.split('/').pop()}'`);
    // Positions this process reserved before the list filled are still used, then a new list opens.
    const answers = await Promise.all(Array.from({ length: 64 }, () => issue('vc+jwt', ['revocation'])));
    const urls = new Set(answers.map((a) => claimsOf(a.body.verifiableCredential).credentialStatus[0].statusListCredential as string));
    const opened = [...urls].filter((u) => u !== full);
    expect(opened).toHaveLength(1);
    const fresh = opened[0]!;
    expect((await fetch(`${net.eu.url}${new URL(fresh).pathname}`)).status).toBe(200);
    expect((await verifyIn('eu', answers.at(-1)!.body.verifiableCredential)).status).toBe(200);
  });

  it('re-signs a list whose validity is half gone, as a new version on the ledger', async () => {
    const url = entries[0]!.statusListCredential;
    const before = (await fetch(`${net.eu.url}${new URL(url).pathname}`)).headers.get('etag');
    await dbOf(net.eu).query(`UPDATE status_list SET valid_until = '2000-01-01T00:00:00.000Z'`);
    expect(await net.eu.app.get(StatusLists).refreshExpiring()).toBeGreaterThan(0);
    const after = await fetch(`${net.eu.url}${new URL(url).pathname}`);
    expect(after.headers.get('etag')).not.toBe(before);
    const payload = JSON.parse(Buffer.from((await after.text()).split('.')[1]!, 'base64url').toString());
    expect(Date.parse(payload.validUntil)).toBeGreaterThan(Date.now());
  });
});

describe('Token Status List (dc+sd-jwt)', () => {
  it('suspend, reactivate and revoke show in ap through the status_list claim', async () => {
    const res = await issue('dc+sd-jwt');
    expect(res.status).toBe(201);
    const vc = res.body.verifiableCredential;
    const { idx, uri } = claimsOf(vc).status.status_list;
    expect(uri.startsWith(`${net.url('eu')}/status-lists/`)).toBe(true);
    const statusIn = async () => {
      const served = await servedInAp(uri);
      expect(served.headers.get('content-type')).toMatch(/^application\/statuslist\+jwt/);
      const jwt = await served.text();
      const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
      expect(payload).toMatchObject({ sub: uri, iss: did, ttl: expect.any(Number), exp: expect.any(Number) });
      return getListFromStatusListJWT(jwt).getStatus(idx);
    };
    await synced();
    expect(checks((await verifyIn('ap', vc)).body)).toEqual({ status: 'passed' });
    expect(await statusIn()).toBe(0);
    expect((await setStatus(res.body.credentialId, 'BitstringStatusListEntry', 'suspended')).status).toBe(400);
    expect((await setStatus(res.body.credentialId, 'TokenStatusList', 'suspended')).body.status).toEqual({ revoked: false, suspended: true });
    await synced();
    expect(await statusIn()).toBe(2);
    expect(checks((await verifyIn('ap', vc)).body)).toEqual({ 'status:suspension': 'failed' });
    await setStatus(res.body.credentialId, 'TokenStatusList', 'active');
    await synced();
    expect(await statusIn()).toBe(0);
    expect((await verifyIn('ap', vc)).status).toBe(200);
    await setStatus(res.body.credentialId, 'TokenStatusList', 'revoked');
    expect((await setStatus(res.body.credentialId, 'TokenStatusList', 'active')).status).toBe(409);
    await synced();
    expect(await statusIn()).toBe(1);
    expect(checks((await verifyIn('ap', vc)).body)).toEqual({ 'status:revocation': 'failed' });
  });
});

describe('with the issuer’s region down', () => {
  it('revoke in eu → ap reports revoked once the new version replicates, with eu stopped, for both list mechanisms', async () => {
    const issued = [await issue('vc+sd-jwt', ['revocation']), await issue('dc+sd-jwt', ['revocation'])];
    await synced();
    for (const res of issued) expect((await verifyIn('ap', res.body.verifiableCredential)).status).toBe(200);
    expect((await setStatus(issued[0]!.body.credentialId, 'BitstringStatusListEntry', 'revoked')).body.status.revoked).toBe(true);
    expect((await setStatus(issued[1]!.body.credentialId, 'TokenStatusList', 'revoked')).body.status.revoked).toBe(true);
    await synced();
    await net.stop('eu');
    for (const res of issued) {
      const verdict = await verifyIn('ap', res.body.verifiableCredential);
      expect(verdict.status).toBe(400);
      expect(verdict.body.errors).toEqual([expect.objectContaining({ check: 'status:revocation', detail: expect.stringMatching(/^revoked/) })]);
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('two replicas of a region on one PostgreSQL database', () => {
  const replicas: TestRegion[] = [];
  afterAll(async () => {
    for (const r of replicas.reverse()) await r.close();
  });

  it('never hand out one index twice under concurrent issuance', async () => {
    const first = await startRegion();
    replicas.push(first);
    const second = await startReplica(first);
    replicas.push(second);
    const server = (i: number) => request((i % 2 ? first : second).app.getHttpServer());
    const key = (await server(0).post('/admin/issuers').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: 'Uni' })).body.apiKey;
    const issuer = (await server(0).post('/1.0/create?method=isthmus').set('authorization', `Bearer ${key}`).send({})).body.didState.did;
    const answers = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        server(i)
          .post('/credentials/issue')
          .set('authorization', `Bearer ${key}`)
          .send({ credential: credential(issuer), options: { status: ['revocation'] } }),
      ),
    );
    expect(answers.filter((a) => a.status !== 201).map((a) => a.body)).toEqual([]);
    const slots = answers.map((a) => {
      const status = claimsOf(a.body.verifiableCredential).credentialStatus[0];
      return `${status.statusListCredential}#${status.statusListIndex}`;
    });
    expect(new Set(slots).size).toBe(400);
  });
});
