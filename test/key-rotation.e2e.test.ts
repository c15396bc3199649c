/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialDigest } from '../src/domain/credentials/anchor.js';
import { PendingAnchorEntity } from '../src/modules/credentials/credential-record.entity.js';
import { IssuanceAnchors } from '../src/modules/credentials/issuance-anchors.js';
import { CredentialAnchorEntity } from '../src/modules/ledger/ledger.entity.js';
import { RegistrarService } from '../src/modules/registry/registrar.service.js';
import { ecdsaTwin, isthmusDid, jcs, lowS, p256DidKey } from './support/independent.js';
import { dbOf, logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { postJson as post } from './support/http.js';
import { ADMIN_TOKEN } from './support/region.js';

// Key rotation and issuance anchors (docs/did-method.md, docs/credentials.md), and one identity
// per ECDSA signature: two regions, real HTTP, real databases (SQLite, or PostgreSQL with
// TEST_DATABASE_URL).
let net: TwoRegions;
let apiKey: string;
let tenant: string;

const credential = (issuer: string) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'UniversityDegreeCredential'],
  issuer,
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'MSc' },
});
const issue = (body: unknown) => post(net.eu.url!, '/credentials/issue', body, apiKey);
const verifyIn = (region: 'eu' | 'ap', token: string, format = 'vc+jwt') =>
  post(net[region].url!, '/credentials/verify', { verifiableCredential: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/${format},${token}` } });
const tokenOf = (vc: { id: string }) => vc.id.slice(vc.id.indexOf(',') + 1);
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('~')[0]!.split('.')[1]!, 'base64url').toString()) as Record<string, any>;
const check = (result: Record<string, any>, name: string) => (result.checks as { check: string; result: string; detail?: string }[]).find((c) => c.check === name);
const synced = async () => {
  const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold eu log');
};
const newDid = async (options: Record<string, unknown> = {}) => (await post(net.eu.url!, '/1.0/create?method=isthmus', { options }, apiKey)).body.didState.did as string;
/** The issuer's current signing key, taken from eu's KMS before the rotation: what a thief of the old key holds. */
const oldKeyOf = async (did: string) => net.eu.app.get(RegistrarService).assertionKey({ id: tenant, name: '' }, did);
const rotate = (did: string, methodId: string) => {
  const x = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x;
  return post(
    net.eu.url!,
    '/1.0/update',
    { did, didDocumentOperation: ['setDidDocument'], didDocument: [{ verificationMethod: [{ id: methodId, type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } }], assertionMethod: [methodId] }] },
    apiKey,
  );
};
/** A credential the holder of the old key makes after the rotation, dated before it. */
const forge = (did: string, old: { kid: string; key: KeyObject }, iat: number) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify({ ...credential(did), id: 'urn:uuid:forged', iat })))
    .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: old.kid })
    .sign(old.key);

beforeAll(async () => {
  net = await startTwoRegions();
  const created = (await post(net.eu.url!, '/admin/issuers', { name: 'Leiden' }, ADMIN_TOKEN)).body;
  apiKey = created.apiKey;
  tenant = created.id;
});
afterAll(async () => {
  await net?.close();
});

describe.each([
  ['a new method id', '#key-2'],
  ['the same method id', '#key-1'],
])('a key rotated out by an update with %s', (_, methodId) => {
  let did: string;
  let before: string;
  let sdBefore: string;
  let forged: string;

  beforeAll(async () => {
    did = await newDid();
    const old = await oldKeyOf(did);
    before = tokenOf((await issue({ credential: credential(did), options: { status: ['revocation'] } })).body.verifiableCredential);
    sdBefore = tokenOf((await issue({ credential: credential(did), options: { format: 'vc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/degree'] } })).body.verifiableCredential);
    expect((await rotate(did, methodId)).status).toBe(200);
    forged = await forge(did, old, claimsOf(before).iat);
    await synced();
  });

  it('an honest credential issued before the rotation still verifies in ap, by its anchor', async () => {
    for (const [token, format] of [
      [before, 'vc+jwt'],
      [sdBefore, 'vc+sd-jwt'],
    ] as const) {
      const result = (await verifyIn('ap', token, format)).body;
      expect(result.errors).toEqual([]);
      expect(result.verified).toBe(true);
      expect(check(result, 'signature')!.detail).toMatch(/key left the document at version 2 \(log eu index \d+\); credential anchored at log eu index \d+ before that/);
    }
    // its status list was signed by the same key, and is itself on the ledger from before the rotation
    expect(check((await verifyIn('ap', before)).body, 'status:revocation')).toMatchObject({ result: 'passed' });
  });

  it('a credential forged with the old key after the rotation, backdated, fails in both regions', async () => {
    for (const region of ['eu', 'ap'] as const) {
      const result = (await verifyIn(region, forged)).body;
      expect(result.verified).toBe(false);
      expect(result.errors.map((e: { check: string }) => e.check)).toEqual(['signature']);
      expect(check(result, 'signature')!.detail).toMatch(/no longer the issuer's .*left the document at version 2 .*no anchor of this credential/);
    }
  });

  it('a credential signed with the current key says so', async () => {
    const fresh = await newDid();
    const token = tokenOf((await issue({ credential: credential(fresh) })).body.verifiableCredential);
    await synced();
    expect(check((await verifyIn('ap', token)).body, 'signature')!.detail).toMatch(/key is in the issuer's current document \(#key-1, version 1\)/);
  });
});

describe('issuance anchors', () => {
  it('many concurrent issuances become few anchor entries, indexed on both regions', async () => {
    const did = await newDid();
    const db = dbOf(net.eu);
    const count = async () => Number((await db.query(`SELECT COUNT(*) AS n FROM ledger_entry WHERE kind = 'anchor'`))[0].n);
    const entriesBefore = await count();
    const t0 = Date.now();
    const tokens = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const res = await issue({ credential: credential(did) });
        expect(res.status).toBe(201);
        return tokenOf(res.body.verifiableCredential);
      }),
    );
    const digests = tokens.map((t) => createHash('sha256').update(t).digest('base64url'));
    const held = async (region: 'eu' | 'ap', table: string) => {
      const rows: { digest: string }[] = await dbOf(net[region]).query(`SELECT digest FROM ${table}`);
      const found = new Set(rows.map((r) => r.digest));
      return digests.filter((d) => found.has(d)).length;
    };
    // the answer came after the digest was durably stored: in the outbox, or already anchored
    expect((await held('eu', 'credential_anchor')) + (await held('eu', 'credential_anchor_pending'))).toBe(60);
    const anchored = (region: 'eu' | 'ap') => held(region, 'credential_anchor');
    await waitFor(async () => (await anchored('eu')) === 60, 'every digest anchored in eu');
    expect(await held('eu', 'credential_anchor_pending')).toBe(0);
    const added = (await count()) - entriesBefore;
    // At most one entry per interval (20 ms) while they arrive, and fewer than the issuances
    // however slowly a loaded machine lets them arrive.
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(60);
    expect(added).toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / 20) + 1);
    await synced();
    expect(await anchored('ap')).toBe(60);
    // the entry holds digests and nothing of the claims
    const [row] = await db.query(`SELECT entry FROM ledger_entry WHERE kind = 'anchor' ORDER BY idx DESC LIMIT 1`);
    expect(Object.keys(JSON.parse(row.entry).payload)).toEqual(['digests']);
    expect(row.entry).not.toContain('MSc');
  });

  it('a burst of digests fills entries of up to 256 digests each', async () => {
    const db = dbOf(net.eu);
    const count = async () => Number((await db.query(`SELECT COUNT(*) AS n FROM ledger_entry WHERE kind = 'anchor'`))[0].n);
    const entriesBefore = await count();
    const digests = Array.from({ length: 600 }, (_, i) => createHash('sha256').update(`burst ${i}`).digest('base64url'));
    await Promise.all(digests.map((d) => net.eu.app.get(IssuanceAnchors).anchor(d)));
    const anchored = async () => Number((await db.query(`SELECT COUNT(*) AS n FROM credential_anchor WHERE digest IN (${digests.map((d) => `'${d}'`).join(',')})`))[0].n);
    await waitFor(async () => (await anchored()) === 600, 'the burst anchored');
    expect((await count()) - entriesBefore).toBeLessThanOrEqual(5);
  });

  it('a digest a crash left in the outbox is anchored when the region starts again', async () => {
    const digest = createHash('sha256').update('issued just before a crash').digest('base64url');
    await dbOf(net.eu).getRepository(PendingAnchorEntity).insert({ digest, createdAt: new Date().toISOString() });
    await net.restart('eu');
    await waitFor(async () => (await dbOf(net.eu).getRepository(CredentialAnchorEntity).countBy({ digest })) === 1, 'the left digest anchored after the restart');
    expect(await dbOf(net.eu).getRepository(PendingAnchorEntity).countBy({ digest })).toBe(0);
  });
});

describe('one ECDSA signature, one identity', () => {
  it('the high-S twin of an ES256 credential is the same credential: same verdict, same anchor', async () => {
    const did = await newDid({ keyType: 'P-256' });
    const token = tokenOf((await issue({ credential: credential(did) })).body.verifiableCredential);
    const [h, p, s] = token.split('.');
    const twin = `${h}.${p}.${ecdsaTwin(Buffer.from(s!, 'base64url')).toString('base64url')}`;
    await synced();
    for (const region of ['eu', 'ap'] as const) {
      const original = (await verifyIn(region, token)).body;
      const result = (await verifyIn(region, twin)).body;
      expect(original.verified).toBe(true);
      expect(result.verified).toBe(true);
      expect(check(result, 'signature')).toEqual(check(original, 'signature'));
    }
    // One identity: the twin's digest is the credential's anchor.
    expect(credentialDigest(twin)).toBe(credentialDigest(token));
    await waitFor(async () => (await dbOf(net.ap).getRepository(CredentialAnchorEntity).countBy({ digest: credentialDigest(twin) })) === 1, 'the anchor, found by the twin');
  });

  it('the high-S twin of a published P-256 create is refused by POST /1.0/operations', async () => {
    const rotation = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = rotation.publicKey.export({ format: 'jwk' });
    const unsigned = {
      type: 'create',
      prev: null,
      home: 'eu',
      rotationKeys: [p256DidKey(Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url'))],
      document: { verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } }], assertionMethod: ['#key-1'] },
    };
    const signature = lowS(sign('sha256', Buffer.from(jcs(unsigned)), { key: rotation.privateKey, dsaEncoding: 'ieee-p1363' }));
    const create = { ...unsigned, sig: signature.toString('base64url') };
    const twin = { ...unsigned, sig: ecdsaTwin(signature).toString('base64url') };
    expect(isthmusDid(twin)).not.toBe(isthmusDid(create));
    const published = await post(net.eu.url!, '/1.0/operations', create);
    expect(published.status).toBe(201);
    expect(published.body.didState.did).toBe(isthmusDid(create));
    const refused = await post(net.eu.url!, '/1.0/operations', twin);
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/low-S/);
    expect((await fetch(`${net.eu.url}/1.0/identifiers/${isthmusDid(twin)}`)).status).toBe(404);
  });
});
