import { generateKeyPairSync, sign } from 'node:crypto';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionService } from '../src/modules/credentials/retention.service.js';
import { postJson as post } from './support/http.js';
import { dbOf, getJson, logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { ADMIN_TOKEN, startRegion, type TestRegion } from './support/region.js';

const EU_POLICY = {
  v: 1,
  protectedClaims: { PersonIdentityCredential: ['birthDate', 'nationality'] },
  foreignDisclosure: {},
  retention: { issuanceRecordDays: 30 },
};
const AP_POLICY = {
  v: 1,
  // Relying parties in ap may learn of an eu identity credential only that its holder is of age,
  // and only when they say they verify age.
  foreignDisclosure: { PersonIdentityCredential: { 'age-verification': ['ageOver18'], '*': [] } },
};

const holder = generateKeyPairSync('ed25519');
const holderJwk = holder.publicKey.export({ format: 'jwk' });
const wallet = new SDJwtVcInstance({ hasher: digest, kbSignAlg: 'EdDSA', kbSigner: (data: string) => sign(null, Buffer.from(data), holder.privateKey).toString('base64url') });

let net: TwoRegions;
let apiKey: string;
let did: string;
const identity = (issuer: string) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'PersonIdentityCredential'],
  issuer,
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', givenName: 'Ada', birthDate: '1990-04-01', nationality: 'NL', ageOver18: true },
});
const issue = (options: Record<string, unknown>) => post(net.eu.url!, '/credentials/issue', { credential: identity(did), options }, apiKey);
const holderKey = () => ({ kty: 'OKP', crv: 'Ed25519', x: holderJwk.x });
const presentTo = async (region: 'eu' | 'ap', token: string, frame: Record<string, boolean>, purpose?: string) => {
  const presentation = await wallet.present(token, frame as never, { kb: { payload: { nonce: 'n-7', aud: 'https://rp.example', iat: Math.floor(Date.now() / 1000) } } });
  return post(net[region].url!, '/presentations/verify', { verifiablePresentation: presentation, options: { challenge: 'n-7', domain: 'https://rp.example', ...(purpose ? { purpose } : {}) } });
};

beforeAll(async () => {
  net = await startTwoRegions({}, undefined, { eu: { 'policy.json': JSON.stringify(EU_POLICY) }, ap: { 'policy.json': JSON.stringify(AP_POLICY) } });
  apiKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Registry of Persons' }, ADMIN_TOKEN)).body.apiKey;
  did = (await post(net.eu.url!, '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
});
afterAll(async () => {
  await net?.close();
});

describe('GET /policy', () => {
  it('shows each region’s own policy, defaults filled in', async () => {
    expect(await getJson(net.eu.url!, '/policy')).toEqual({ region: 'eu', ...EU_POLICY, recognize: {}, retention: { issuanceRecordDays: 30, keep: 'full' } });
    expect(await getJson(net.ap.url!, '/policy')).toMatchObject({ region: 'ap', protectedClaims: {}, foreignDisclosure: AP_POLICY.foreignDisclosure });
  });
});

describe('issuance under eu’s policy', () => {
  it('refuses to make a protected claim always visible (422 naming it)', async () => {
    const plain = await issue({ format: 'vc+jwt' });
    expect(plain.status).toBe(422);
    expect(plain.body.type).toMatch(/unprocessable-credential$/);
    expect(plain.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/credential/credentialSubject/birthDate', '/credential/credentialSubject/nationality']);
    const half = await issue({ format: 'dc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/birthDate'] });
    expect(half.status).toBe(422);
    expect(half.body.errors).toEqual([{ pointer: '/credential/credentialSubject/nationality', detail: 'must be selectively disclosable in this region' }]);
    expect(half.body.detail).toMatch(/nationality/);
  });

  it('issues once they are selectively disclosable; other types are not restricted', async () => {
    expect((await issue({ format: 'vc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/birthDate', '/credentialSubject/nationality'] })).status).toBe(201);
    const degree = { ...identity(did), type: ['VerifiableCredential', 'UniversityDegreeCredential'] };
    expect((await post(net.eu.url!, '/credentials/issue', { credential: degree }, apiKey)).status).toBe(201);
  });
});

describe('presentations of an eu credential to relying parties in ap', () => {
  let token: string;
  beforeAll(async () => {
    const res = await issue({ format: 'dc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/birthDate', '/credentialSubject/nationality', '/credentialSubject/givenName', '/credentialSubject/ageOver18'], holder: holderKey() });
    expect(res.status).toBe(201);
    token = String(res.body.verifiableCredential.id).split(',')[1]!;
    const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
    await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold the eu log');
  });

  it('withholds what exceeds the stated purpose, and says so', async () => {
    const res = await presentTo('ap', token, { ageOver18: true, birthDate: true, nationality: true }, 'age-verification');
    expect(res.status).toBe(200);
    expect(res.body.verified).toBe(true);
    expect(res.body.credential).toMatchObject({ ageOver18: true, iss: did });
    expect(res.body.credential).not.toHaveProperty('birthDate');
    expect(res.body.credential).not.toHaveProperty('nationality');
    const check = res.body.checks.find((c: { check: string }) => c.check === 'disclosure-policy');
    expect(check.detail).toMatch(/^withheld birthDate, nationality: more than region ap's policy for purpose age-verification/);
    expect(res.body.warnings.map((w: { check: string }) => w.check)).toContain('disclosure-policy');
  });

  it('passes a presentation within the purpose untouched', async () => {
    const res = await presentTo('ap', token, { ageOver18: true }, 'age-verification');
    expect(res.body.credential.ageOver18).toBe(true);
    expect(res.body.checks.find((c: { check: string }) => c.check === 'disclosure-policy').detail).toMatch(/^nothing beyond/);
    expect(res.body.warnings).toEqual([]);
  });

  it('without a purpose, or with one the policy does not list, applies the default allowance (here: nothing)', async () => {
    for (const purpose of [undefined, 'marketing']) {
      const res = await presentTo('ap', token, { ageOver18: true, givenName: true }, purpose);
      expect(res.status).toBe(200);
      expect(res.body.credential).not.toHaveProperty('ageOver18');
      expect(res.body.credential).not.toHaveProperty('givenName');
      expect(res.body.credential.sub).toBe('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK');
    }
  });

  it('does not restrict relying parties of the issuing region', async () => {
    const res = await presentTo('eu', token, { ageOver18: true, birthDate: true }, 'age-verification');
    expect(res.body.credential).toMatchObject({ ageOver18: true, birthDate: '1990-04-01' });
    expect(res.body.checks.map((c: { check: string }) => c.check)).not.toContain('disclosure-policy');
  });
});

describe('retention', () => {
  it('reduces old records to what status changes need, and drops those without status', async () => {
    const withStatus = await issue({ format: 'vc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/birthDate', '/credentialSubject/nationality'], status: ['revocation'] });
    const degree = { ...identity(did), type: ['VerifiableCredential', 'UniversityDegreeCredential'] };
    const without = await post(net.eu.url!, '/credentials/issue', { credential: degree }, apiKey);
    const db = dbOf(net.eu);
    await db.query(`UPDATE credential_record SET created_at = '2001-01-01T00:00:00.000Z' WHERE id IN ('${withStatus.body.credentialId}', '${without.body.credentialId}')`);
    const pruned = await net.eu.app.get(RetentionService).prune();
    expect(pruned).toEqual({ reduced: 1, deleted: 1 });
    const rows = await db.query(`SELECT id, types, token_hash AS "tokenHash" FROM credential_record WHERE id IN ('${withStatus.body.credentialId}', '${without.body.credentialId}')`);
    expect(rows).toEqual([{ id: withStatus.body.credentialId, types: '[]', tokenHash: '' }]);
    const revoked = await post(net.eu.url!, '/credentials/status', { credentialId: withStatus.body.credentialId, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }] }, apiKey);
    expect(revoked.body.status.revoked).toBe(true);
  });
});

describe('a region’s policy file', () => {
  const regions: TestRegion[] = [];
  afterAll(async () => {
    for (const r of regions) await r.close();
  });

  it('stops the region at boot when malformed, naming the field', async () => {
    await expect(startRegion({ files: { 'policy.json': JSON.stringify({ v: 1, protectedClaims: { PersonIdentityCredential: 'birthDate' } }) } })).rejects.toThrow(/policy file .*policy\.json: \/protectedClaims\/PersonIdentityCredential /);
    await expect(startRegion({ files: { 'policy.json': '{"v":1,' } })).rejects.toThrow(/policy file .*policy\.json is not valid JSON/);
    await expect(startRegion({ files: { 'policy.json': JSON.stringify({ v: 1, recognize: { asia: '*' } }) } })).rejects.toThrow(/policy file .*policy\.json: \/recognize\/asia is not a region of the network/);
  });

  it('with status-only retention keeps no record of a credential without status', async () => {
    const region = await startRegion({ files: { 'policy.json': JSON.stringify({ v: 1, retention: { keep: 'status-only' } }) } });
    regions.push(region);
    const http = () => request(region.app.getHttpServer());
    const key = (await http().post('/admin/issuers').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: 'Minimal' })).body.apiKey;
    const issuer = (await http().post('/1.0/create?method=isthmus').set('authorization', `Bearer ${key}`).send({})).body.didState.did;
    const degree = { ...identity(issuer), type: ['VerifiableCredential', 'UniversityDegreeCredential'] };
    const none = await http().post('/credentials/issue').set('authorization', `Bearer ${key}`).send({ credential: degree });
    const some = await http().post('/credentials/issue').set('authorization', `Bearer ${key}`).send({ credential: degree, options: { status: ['suspension'] } });
    expect([none.status, some.status]).toEqual([201, 201]);
    const rows = await dbOf(region).query(`SELECT id, types, token_hash AS "tokenHash" FROM credential_record`);
    expect(rows).toEqual([{ id: some.body.credentialId, types: '[]', tokenHash: '' }]);
    const suspended = await http().post('/credentials/status').set('authorization', `Bearer ${key}`).send({ credentialId: some.body.credentialId, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'suspended' }] });
    expect(suspended.body.status).toEqual({ revoked: false, suspended: true });
  });
});
