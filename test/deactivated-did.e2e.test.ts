import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startRegion, type TestRegion } from './support/region.js';

// Every endpoint that takes one of the tenant's DIDs answers the same way: 404 for a DID this
// registrar does not manage, 403 for another tenant's, 409 (saying why) once it is deactivated.
let region: TestRegion;
let apiKey: string;
let otherKey: string;
let did: string;
let credentialId: string;
const http = () => request(region.app.getHttpServer());
const post = (path: string, body: unknown, token?: string) => {
  const req = http().post(path);
  return (token ? req.set('authorization', `Bearer ${token}`) : req).send(body as object);
};
const credential = (issuer: string) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'UniversityDegreeCredential'],
  issuer,
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'MSc' },
});
const update = (target: string) => ({ did: target, didDocumentOperation: ['addToDidDocument'], didDocument: [{ service: [{ id: '#site', type: 'LinkedDomains', serviceEndpoint: 'https://leiden.example' }] }] });
const revoke = (id: string) => ({ credentialId: id, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }] });

beforeAll(async () => {
  region = await startRegion();
  apiKey = (await post('/admin/issuers', { name: 'Leiden' }, ADMIN_TOKEN)).body.apiKey;
  otherKey = (await post('/admin/issuers', { name: 'Other' }, ADMIN_TOKEN)).body.apiKey;
  did = (await post('/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
  const issued = await post('/credentials/issue', { credential: credential(did), options: { status: ['revocation'] } }, apiKey);
  expect(issued.status).toBe(201);
  credentialId = issued.body.credentialId;
  expect((await post('/1.0/deactivate', { did }, apiKey)).status).toBe(200);
});
afterAll(async () => {
  await region?.close();
});

describe('a deactivated DID, for the tenant that created it', () => {
  const conflict = (res: request.Response, consequence: RegExp) => {
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(new RegExp(`^${did} was deactivated, which is final: ${consequence.source}`));
  };

  it('cannot issue: 409', async () => {
    conflict(await post('/credentials/issue', { credential: credential(did) }, apiKey), /it can no longer sign credentials or status lists/);
  });

  it("cannot change the status of the DID's credentials: 409", async () => {
    conflict(await post('/credentials/status', revoke(credentialId), apiKey), /it can no longer sign credentials or status lists/);
  });

  it('cannot be updated: 409', async () => {
    conflict(await post('/1.0/update', update(did), apiKey), /it cannot be updated/);
  });

  it('cannot be deactivated again: 409', async () => {
    conflict(await post('/1.0/deactivate', { did }, apiKey), /it is already deactivated/);
  });

  it('cannot be accredited: 409', async () => {
    const res = await post('/trust/issuers', { issuer: did, credentialTypes: ['UniversityDegreeCredential'] }, ADMIN_TOKEN);
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/deactivated/);
  });
});

describe('the same calls by another tenant, and for an unknown DID', () => {
  const unknown = 'did:isthmus:aaaaaaaaaaaaaaaaaaaaaaaa';

  it('another tenant gets 403 for it, deactivated or not', async () => {
    const active = (await post('/1.0/create?method=isthmus', {}, apiKey)).body.didState.did as string;
    for (const target of [did, active]) {
      expect((await post('/credentials/issue', { credential: credential(target) }, otherKey)).status).toBe(403);
      expect((await post('/1.0/update', update(target), otherKey)).status).toBe(403);
      expect((await post('/1.0/deactivate', { did: target }, otherKey)).status).toBe(403);
    }
  });

  it('a DID this registrar does not manage gets 404', async () => {
    for (const res of [
      await post('/credentials/issue', { credential: credential(unknown) }, apiKey),
      await post('/1.0/update', update(unknown), apiKey),
      await post('/1.0/deactivate', { did: unknown }, apiKey),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.detail).toBe(`${unknown} is not managed by this region's registrar: use a DID your tenant created here with POST /1.0/create`);
    }
  });
});
