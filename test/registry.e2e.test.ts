import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startRegion, type TestRegion } from './support/region.js';
import { ed25519DidKey, isthmusDid, jcs, lowS, operationRef, p256DidKey, rfc9162Leaf, verifyConsistency, verifyInclusion, verifySignedNote } from './support/independent.js';

let region: TestRegion;
let apiKey: string;
let otherApiKey: string;
const http = () => request(region.app.getHttpServer());
const b = (s: string) => Buffer.from(s, 'base64');

async function registerIssuer(name: string): Promise<string> {
  const res = await http().post('/admin/issuers').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ name });
  expect(res.status).toBe(201);
  return res.body.apiKey as string;
}

async function logSize(): Promise<number> {
  const note = (await http().get('/ledger/eu/checkpoint')).text;
  return Number(note.split('\n')[1]);
}

beforeAll(async () => {
  region = await startRegion();
  apiKey = await registerIssuer('University of Leiden');
  otherApiKey = await registerIssuer('Bank of Nowhere');
});
afterAll(async () => {
  await region?.close();
});

describe('an issuer registers, updates, resolves and deactivates a DID through the registrar', () => {
  let did: string;

  it('creates it; the region keeps the keys', async () => {
    const res = await http().post('/1.0/create?method=isthmus').set('authorization', `Bearer ${apiKey}`).send({ options: { keyType: 'P-256' } });
    expect(res.status).toBe(201);
    expect(res.body.didState.state).toBe('finished');
    did = res.body.didState.did;
    expect(did).toMatch(/^did:isthmus:[a-z2-7]{24}$/);
    expect(res.body.didState.didDocument.verificationMethod[0]).toMatchObject({
      id: `${did}#key-1`,
      type: 'JsonWebKey',
      controller: did,
      publicKeyJwk: { kty: 'EC', crv: 'P-256' },
    });
    expect(res.body.didRegistrationMetadata).toMatchObject({ log: 'eu', operation: 'create' });
  });

  it('updates it: adds a service', async () => {
    const res = await http()
      .post('/1.0/update')
      .set('authorization', `Bearer ${apiKey}`)
      .send({
        did,
        didDocumentOperation: ['addToDidDocument'],
        didDocument: [{ service: [{ id: `${did}#site`, type: 'LinkedDomains', serviceEndpoint: 'https://leiden.example' }] }],
      });
    expect(res.status).toBe(200);
    expect(res.body.didState.didDocument.service).toEqual([{ id: `${did}#site`, type: 'LinkedDomains', serviceEndpoint: 'https://leiden.example' }]);
  });

  it('resolves each version', async () => {
    const current = await http().get(`/1.0/identifiers/${did}`);
    expect(current.status).toBe(200);
    expect(current.headers['content-type']).toMatch(/^application\/did-resolution/);
    const result = JSON.parse(current.text);
    expect(result.didDocument.service).toHaveLength(1);
    expect(result.didDocumentMetadata.versionId).toBe('2');

    const first = JSON.parse((await http().get(`/1.0/identifiers/${did}?versionId=1`)).text);
    expect(first.didDocument.service ?? []).toHaveLength(0);
    expect(first.didDocumentMetadata).toMatchObject({ versionId: '1', nextVersionId: '2' });

    // DID Resolution metadata times: UTC, whole seconds; a versionTime of that form covers its second
    const { created, updated } = result.didDocumentMetadata;
    for (const time of [created, updated, first.didDocumentMetadata.created]) expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const byTime = JSON.parse((await http().get(`/1.0/identifiers/${did}`).query({ versionTime: created })).text);
    expect(byTime.didDocumentMetadata.versionId).toBe(updated === created ? '2' : '1');
    const atUpdate = JSON.parse((await http().get(`/1.0/identifiers/${did}`).query({ versionTime: updated })).text);
    expect(atUpdate.didDocumentMetadata).toEqual(result.didDocumentMetadata);

    const missing = await http().get(`/1.0/identifiers/${did}?versionId=9`);
    expect(missing.status).toBe(404);
  });

  it('serves the document alone for application/did+json, and URL-encoded DIDs', async () => {
    const res = await http().get(`/1.0/identifiers/${encodeURIComponent(did)}`).set('accept', 'application/did+json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/did\+json/);
    expect(JSON.parse(res.text).id).toBe(did);
  });

  it('refuses another issuer (403) and no key (401)', async () => {
    const other = await http().post('/1.0/deactivate').set('authorization', `Bearer ${otherApiKey}`).send({ did });
    expect(other.status).toBe(403);
    expect(other.headers['content-type']).toMatch(/problem\+json/);
    const none = await http().post('/1.0/deactivate').send({ did });
    expect(none.status).toBe(401);
  });

  it('lists its log with inclusion proofs that verify independently', async () => {
    const res = await http().get(`/1.0/identifiers/${did}/log`);
    expect(res.status).toBe(200);
    expect(res.body.operations).toHaveLength(2);
    const note = (await http().get('/ledger/eu/checkpoint')).text;
    const keys = (await http().get('/ledger/keys')).body;
    const eu = keys.regions.find((r: { id: string }) => r.id === 'eu');
    const checked = verifySignedNote(note, eu.logKey);
    expect(checked.ok).toBe(true);
    const [, size, root] = checked.body.split('\n');
    for (const op of res.body.operations) {
      const { inclusion } = op;
      expect(inclusion.size).toBe(Number(size));
      expect(inclusion.rootHash).toBe(root);
      const entry = (await http().get(`/ledger/eu/entries?start=${op.index}&limit=1`)).body.entries[0];
      expect(entry.entry.payload.operation).toEqual(op.operation);
      const leaf = rfc9162Leaf(Buffer.from(jcs(entry.entry), 'utf8'));
      expect(leaf.toString('base64')).toBe(inclusion.leafHash);
      expect(verifyInclusion(leaf, inclusion.index, inclusion.size, inclusion.proof.map(b), b(inclusion.rootHash))).toBe(true);
    }
  });

  it('deactivates it; it then resolves 410 with deactivated: true', async () => {
    const res = await http().post('/1.0/deactivate').set('authorization', `Bearer ${apiKey}`).send({ did });
    expect(res.status).toBe(200);
    const resolved = await http().get(`/1.0/identifiers/${did}`);
    expect(resolved.status).toBe(410);
    const result = JSON.parse(resolved.text);
    expect(result.didDocumentMetadata.deactivated).toBe(true);
    expect(result.didDocument.id).toBe(did);
  });
});

// A wallet that keeps its own keys: everything below uses node:crypto and the spec, no project code.
describe('a wallet submits operations it signed itself', () => {
  const rotation = generateKeyPairSync('ed25519');
  const nextRotation = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rotationDidKey = ed25519DidKey(Buffer.from(rotation.publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  const p256Jwk = nextRotation.publicKey.export({ format: 'jwk' });
  const nextDidKey = p256DidKey(Buffer.from(p256Jwk.x!, 'base64url'), Buffer.from(p256Jwk.y!, 'base64url'));
  const signingJwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });

  const signed = (op: Record<string, unknown>, key: KeyObject, alg: 'EdDSA' | 'ES256') => {
    const bytes = Buffer.from(jcs(op), 'utf8');
    // A P-256 signature goes out in its low-S form (docs/did-method.md): its twin is refused.
    const sig = alg === 'EdDSA' ? sign(null, bytes, key) : lowS(sign('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' }));
    return { ...op, sig: sig.toString('base64url') };
  };
  const document = {
    verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: signingJwk.kty, crv: signingJwk.crv, x: signingJwk.x } }],
    authentication: ['#key-1'],
    assertionMethod: ['#key-1'],
    service: [],
  };
  const create = signed({ type: 'create', prev: null, home: 'eu', rotationKeys: [rotationDidKey], document }, rotation.privateKey, 'EdDSA');
  const did = isthmusDid(create);
  const update = signed(
    { type: 'update', prev: operationRef(create), home: 'eu', rotationKeys: [nextDidKey], document: { ...document, service: [{ id: '#w', type: 'Wallet', serviceEndpoint: 'https://w.example' }] } },
    rotation.privateKey,
    'EdDSA',
  );

  it('creates the DID the spec derives', async () => {
    const res = await http().post('/1.0/operations').send(create);
    expect(res.status).toBe(201);
    expect(res.body.didState.did).toBe(did);
  });

  it('refuses bad operations with a reason, writing nothing', async () => {
    const before = await logSize();
    const cases: [unknown, number, RegExp][] = [
      [{ type: 'create' }, 400, /./],
      [{ ...update, prev: operationRef({ other: true }) }, 400, /prev/],
      [signed({ ...update, sig: undefined }, generateKeyPairSync('ed25519').privateKey, 'EdDSA'), 400, /rotation key|signature/i],
      [signed({ type: 'create', prev: null, home: 'eu', rotationKeys: [rotationDidKey], document: { ...document, service: Array.from({ length: 30 }, (_, i) => ({ id: `#s${i}`, type: 'X', serviceEndpoint: `https://${'x'.repeat(900)}.example/${i}` })) } }, rotation.privateKey, 'EdDSA'), 400, /size|large|KiB|bytes/i],
      [signed({ type: 'create', prev: null, home: 'eu', rotationKeys: [rotationDidKey], document: { ...document, verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA', d: 'AAAA' } }] } }, rotation.privateKey, 'EdDSA'), 400, /jwk|key/i],
      [signed({ type: 'create', prev: null, home: 'mars', rotationKeys: [rotationDidKey], document }, rotation.privateKey, 'EdDSA'), 400, /mars/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await http().post('/1.0/operations').send(body as object);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.detail).toMatch(detail);
    }
    expect(await logSize()).toBe(before);
  });

  it('updates it, rotating to a P-256 key; a second op on the old prev is refused', async () => {
    const res = await http().post('/1.0/operations').send(update);
    expect(res.status).toBe(201);
    expect(res.body.didState.didDocument.service).toHaveLength(1);
    const reused = signed({ type: 'deactivate', prev: operationRef(create), home: 'eu', rotationKeys: [rotationDidKey] }, rotation.privateKey, 'EdDSA');
    const refused = await http().post('/1.0/operations').send(reused);
    expect(refused.status).toBe(409);
    // the old rotation key no longer signs: only the P-256 key does
    const byOldKey = signed({ type: 'deactivate', prev: operationRef(update), home: 'eu', rotationKeys: [rotationDidKey] }, rotation.privateKey, 'EdDSA');
    expect((await http().post('/1.0/operations').send(byOldKey)).status).toBe(400);
    const deactivate = signed({ type: 'deactivate', prev: operationRef(update), home: 'eu', rotationKeys: [nextDidKey] }, nextRotation.privateKey, 'ES256');
    expect((await http().post('/1.0/operations').send(deactivate)).status).toBe(201);
    expect((await http().get(`/1.0/identifiers/${did}`)).status).toBe(410);
  });
});

describe('the resolver', () => {
  it.each([
    ['did:isthmus:0000', 400, 'INVALID_DID'],
    ['not-a-did', 400, 'INVALID_DID'],
    ['did:isthmus:aaaaaaaaaaaaaaaaaaaaaaaa', 404, 'NOT_FOUND'],
    ['did:web:example.com', 501, 'METHOD_NOT_SUPPORTED'],
  ])('%s → %i %s', async (did, status, code) => {
    const res = await http().get(`/1.0/identifiers/${did}`);
    expect(res.status).toBe(status);
    const body = JSON.parse(res.text);
    expect(body.didDocument).toBeNull();
    expect(body.didDocumentMetadata).toEqual({});
    expect(body.didResolutionMetadata.error).toMatchObject({ type: `https://www.w3.org/ns/did#${code}`, title: expect.any(String), detail: expect.any(String) });
  });

  it('answers 406 for a representation it does not offer', async () => {
    const res = await http().get('/1.0/identifiers/did:isthmus:aaaaaaaaaaaaaaaaaaaaaaaa').set('accept', 'text/html');
    expect(res.status).toBe(406);
    expect(JSON.parse(res.text).didResolutionMetadata.error.type).toBe('https://www.w3.org/ns/did#REPRESENTATION_NOT_SUPPORTED');
  });

  it('resolves did:key and did:jwk', async () => {
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const didKey = ed25519DidKey(Buffer.from(jwk.x!, 'base64url'));
    const key = JSON.parse((await http().get(`/1.0/identifiers/${didKey}`)).text);
    expect(key.didDocument.id).toBe(didKey);
    const didJwk = `did:jwk:${Buffer.from(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: jwk.x })).toString('base64url')}`;
    const res = await http().get(`/1.0/identifiers/${didJwk}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).didDocument.verificationMethod[0].publicKeyJwk.x).toBe(jwk.x);
  });
});

describe('ledger reads', () => {
  it('serves consistency proofs that verify independently between every pair of checkpoints', async () => {
    const size = await logSize();
    expect(size).toBeGreaterThan(3);
    const root = async (n: number) => b((await http().get(`/ledger/eu/proof/inclusion?index=0&size=${n}`)).body.rootHash);
    for (let from = 1; from < size; from++) {
      const res = await http().get(`/ledger/eu/proof/consistency?from=${from}&to=${size}`);
      expect(res.status).toBe(200);
      expect(verifyConsistency(from, size, await root(from), await root(size), res.body.proof.map(b))).toBe(true);
    }
  });

  it('pages entries in order', async () => {
    const first = (await http().get('/ledger/eu/entries?start=0&limit=2')).body;
    expect(first.entries.map((e: { index: number }) => e.index)).toEqual([0, 1]);
    expect(first.next).toBe(2);
    expect(first.entries[0].entry).toMatchObject({ v: 1, log: 'eu', index: 0, kind: 'did-op' });
  });

  it('refuses bad proof queries with problem+json', async () => {
    expect((await http().get('/ledger/eu/proof/inclusion?index=-1')).status).toBe(400);
    expect((await http().get('/ledger/eu/proof/inclusion?index=999999')).status).toBe(400);
    expect((await http().get('/ledger/eu/proof/consistency?from=5&to=2')).status).toBe(400);
    expect((await http().get('/ledger/mars/checkpoint')).status).toBe(404);
  });

  it('serves the genesis keys', async () => {
    const res = await http().get('/ledger/keys');
    expect(res.body.regions.map((r: { id: string }) => r.id)).toEqual(['eu', 'ap']);
    expect(res.body.regions[0].logKey).toMatch(/^isthmus\/eu\+[0-9a-f]{8}\+/);
  });
});

describe('DIDs with percent signs', () => {
  it('are decoded once: a malformed escape is an invalid DID, never a 500', async () => {
    const res = await http().get('/1.0/identifiers/did:web:example.com%25zz');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).didResolutionMetadata.error.type).toBe('https://www.w3.org/ns/did#INVALID_DID');
  });
});
