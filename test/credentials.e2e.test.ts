/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { EdDSASigner } from 'did-jwt';
import { createVerifiableCredentialJwt, createVerifiablePresentationJwt, verifyCredential } from 'did-jwt-vc';
import { Resolver } from 'did-resolver';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialDigest } from '../src/domain/credentials/anchor.js';
import { ed25519DidKey } from './support/independent.js';
import { dbOf, logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { postJson } from './support/http.js';
import { ADMIN_TOKEN } from './support/region.js';

let net: TwoRegions;
let apiKey: string;
let otherKey: string;
let did: string;
let p256Did: string;

const post = postJson;
const credential = (issuer: string, extra: Record<string, unknown> = {}) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'UniversityDegreeCredential'],
  issuer,
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'MSc Zyxwvutsrq' },
  ...extra,
});
const issue = (body: unknown, token = apiKey) => post(net.eu.url!, '/credentials/issue', body, token);
const verifyIn = (region: 'eu' | 'ap', vc: unknown) => post(net[region].url!, '/credentials/verify', { verifiableCredential: vc });
const tokenOf = (vc: { id: string }) => vc.id.slice(vc.id.indexOf(',') + 1);
const failed = (result: Record<string, any>) => (result.errors as { check: string }[]).map((e) => e.check);
const synced = async () => {
  const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold eu log');
};

beforeAll(async () => {
  net = await startTwoRegions();
  apiKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Leiden' }, ADMIN_TOKEN)).body.apiKey;
  otherKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Other' }, ADMIN_TOKEN)).body.apiKey;
  did = (await post(net.eu.url!, '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
  p256Did = (await post(net.eu.url!, '/1.0/create?method=isthmus', { options: { keyType: 'P-256' } }, apiKey)).body.didState.did;
});
afterAll(async () => {
  await net?.close();
});

describe('vc+jwt issuance', () => {
  it('issues a VC-JOSE-COSE credential with typ, cty and a kid naming the DID method', async () => {
    const res = await issue({ credential: credential(did), options: { format: 'vc+jwt' } });
    expect(res.status).toBe(201);
    expect(res.body.verifiableCredential).toMatchObject({ type: 'EnvelopedVerifiableCredential', id: expect.stringMatching(/^data:application\/vc\+jwt,ey/) });
    expect(res.body.credentialId).toMatch(/^urn:uuid:/);
    const [header] = tokenOf(res.body.verifiableCredential).split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: `${did}#key-1` });
  });

  it('verifies with jose alone against the DID document the resolver serves', async () => {
    const res = await issue({ credential: credential(p256Did) });
    const token = tokenOf(res.body.verifiableCredential);
    const doc = JSON.parse(await (await fetch(`${net.eu.url}/1.0/identifiers/${p256Did}`, { headers: { accept: 'application/did+json' } })).text());
    const { payload, protectedHeader } = await compactVerify(token, await importJWK(doc.verificationMethod[0].publicKeyJwk, 'ES256'));
    expect(protectedHeader.alg).toBe('ES256');
    expect(JSON.parse(new TextDecoder().decode(payload)).credentialSubject.degree).toBe('MSc Zyxwvutsrq');
  });

  it('refuses bad input, another tenant and no key', async () => {
    const bad = await issue({ credential: { ...credential(did), '@context': ['https://www.w3.org/2018/credentials/v1'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/credential/@context');
    expect((await issue({ credential: credential(did), options: { format: 'pdf' } })).status).toBe(400);
    expect((await issue({ credential: credential(did) }, otherKey)).status).toBe(403);
    expect((await post(net.eu.url!, '/credentials/issue', { credential: credential(did) })).status).toBe(401);
    const id = 'urn:uuid:6f1c0f4e-0000-4000-8000-000000000001';
    expect((await issue({ credential: credential(did, { id }) })).status).toBe(201);
    expect((await issue({ credential: credential(did, { id }) })).status).toBe(409);
  });

  it('an id issued twice at once fails one of the two only: the others of the same batch are recorded and anchored', async () => {
    const id = `urn:uuid:${randomUUID()}`;
    const results = await Promise.all([credential(did, { id }), credential(did), credential(did, { id }), credential(did), credential(did)].map((c) => issue({ credential: c })));
    const twins = [results[0]!, results[2]!];
    expect(twins.filter((r) => r.status === 201)).toHaveLength(1);
    expect(twins.filter((r) => r.status !== 201)).toHaveLength(1);
    const issued = results.filter((r) => r.status === 201);
    expect(issued).toHaveLength(4);
    const db = dbOf(net.eu);
    const ids = issued.map((r) => r.body.credentialId as string);
    expect(Number((await db.query(`SELECT COUNT(*) AS n FROM credential_record WHERE id IN (${ids.map((i) => `'${i}'`).join(', ')})`))[0].n)).toBe(4);
    const digests = issued.map((r) => credentialDigest(tokenOf(r.body.verifiableCredential)));
    const anchored = async () => Number((await db.query(`SELECT COUNT(DISTINCT digest) AS n FROM credential_anchor WHERE digest IN (${digests.map((d) => `'${d}'`).join(', ')})`))[0].n);
    await waitFor(async () => (await anchored()) === 4, 'the four issued credentials to be anchored');
  });

  it('keeps an issuance record with no claim values', async () => {
    const rows = await dbOf(net.eu).query('SELECT * FROM credential_record');
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain('Zyxwvutsrq');
  });
});

describe('jwt_vc_json (VCDM 1.1 JWT)', () => {
  let multikeyDid: string;
  // A resolver for did-jwt-vc that reads ap's answers over HTTP, as any outside verifier would.
  const viaAp = () =>
    new Resolver({
      isthmus: async (did) => JSON.parse(await (await fetch(`${net.ap.url}/1.0/identifiers/${did}`)).text()),
    });

  beforeAll(async () => {
    multikeyDid = (await post(net.eu.url!, '/1.0/create?method=isthmus', { options: { verificationMethodType: 'Multikey' } }, apiKey)).body.didState.did;
  });

  it('issues what did-jwt-vc verifies, with the claims where VCDM 1.1 JWTs carry them', async () => {
    const res = await issue({ credential: credential(multikeyDid, { validUntil: '2099-01-01T00:00:00Z' }), options: { format: 'jwt_vc_json' } });
    expect(res.status).toBe(201);
    const token = tokenOf(res.body.verifiableCredential);
    expect(res.body.verifiableCredential.id).toMatch(/^data:application\/jwt_vc_json,/);
    await synced();
    const verified = await verifyCredential(token, viaAp());
    expect(verified.issuer).toBe(multikeyDid);
    expect(verified.payload).toMatchObject({ iss: multikeyDid, sub: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', jti: res.body.credentialId, nbf: 1767225600, exp: 4070908800 });
    expect(verified.verifiableCredential.credentialSubject.degree).toBe('MSc Zyxwvutsrq');
    const ours = await verifyIn('ap', res.body.verifiableCredential);
    expect(ours.body.verified).toBe(true);
    expect(ours.body.credential).toMatchObject({ '@context': ['https://www.w3.org/2018/credentials/v1'], issuer: multikeyDid, issuanceDate: '2026-01-01T00:00:00Z', expirationDate: '2099-01-01T00:00:00Z' });
  });

  it('verifies a credential made by did-jwt-vc with a did:key issuer and no kid', async () => {
    const key = generateKeyPairSync('ed25519');
    const seed = key.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
    const didKey = ed25519DidKey(Buffer.from(key.publicKey.export({ format: 'jwk' }).x!, 'base64url'));
    const jwt = await createVerifiableCredentialJwt(
      {
        sub: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
        nbf: 1767225600,
        vc: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], credentialSubject: { degree: 'BSc' } },
      },
      { did: didKey, signer: EdDSASigner(new Uint8Array(seed)), alg: 'EdDSA' },
    );
    const result = await verifyIn('ap', jwt);
    expect(result.body.errors).toEqual([]);
    expect(result.body.verified).toBe(true);
    expect(result.body.credential.credentialSubject).toEqual({ id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'BSc' });
  });
});

describe('VP JWT presentations', () => {
  it('verify when signed by the holder for this challenge and domain; every embedded credential is verified', async () => {
    const holderKey = generateKeyPairSync('ed25519');
    const holderDid = ed25519DidKey(Buffer.from(holderKey.publicKey.export({ format: 'jwk' }).x!, 'base64url'));
    const holderSeed = new Uint8Array(holderKey.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32));
    const mkDid = (await post(net.eu.url!, '/1.0/create?method=isthmus', { options: { verificationMethodType: 'Multikey' } }, apiKey)).body.didState.did;
    const vc = (await issue({ credential: credential(mkDid, { credentialSubject: { id: holderDid, degree: 'PhD' } }), options: { format: 'jwt_vc_json' } })).body.verifiableCredential;
    await synced();
    // The holder's wallet: did-jwt-vc, not our code.
    const presentation = (challenge: string, domain: string, credentialJwt = tokenOf(vc)) =>
      createVerifiablePresentationJwt(
        { vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], verifiableCredential: [credentialJwt] }, holder: holderDid, nonce: challenge, aud: domain } as never,
        { did: holderDid, signer: EdDSASigner(holderSeed), alg: 'EdDSA' },
        { challenge, domain },
      );
    const verifyVp = (vp: string, challenge: string, domain: string) => post(net.ap.url!, '/presentations/verify', { verifiablePresentation: vp, options: { challenge, domain } });
    const good = await verifyVp(await presentation('c-1', 'https://rp.example'), 'c-1', 'https://rp.example');
    expect(good.body.errors).toEqual([]);
    expect(good.status).toBe(200);
    expect(good.body.credential.holder).toBe(holderDid);
    expect(good.body.credential.verifiableCredential[0].credentialSubject).toEqual({ id: holderDid, degree: 'PhD' });
    expect(failed((await verifyVp(await presentation('c-1', 'https://rp.example'), 'c-2', 'https://rp.example')).body)).toEqual(['holder-binding']);
    expect(failed((await verifyVp(await presentation('c-1', 'https://rp.example'), 'c-1', 'https://other.example')).body)).toEqual(['holder-binding']);
    const [h, p, sig] = tokenOf(vc).split('.');
    const broken = `${h}.${p}.${sig!.slice(0, 5)}${sig![5] === 'A' ? 'B' : 'A'}${sig!.slice(6)}`;
    const withBroken = await verifyVp(await presentation('c-1', 'https://rp.example', broken), 'c-1', 'https://rp.example');
    expect(failed(withBroken.body)).toEqual(['credential-0:signature']);
  });
});

describe('vc+jwt verification', () => {
  it('names the failed check: expired, not yet valid, wrong signature, unknown issuer, forbidden algorithms', async () => {
    const expired = (await issue({ credential: credential(did, { validUntil: '2026-02-01T00:00:00Z' }) })).body.verifiableCredential;
    expect(failed((await verifyIn('eu', expired)).body)).toEqual(['validity']);
    const future = (await issue({ credential: credential(did, { validFrom: '2099-01-01T00:00:00Z' }) })).body.verifiableCredential;
    expect(failed((await verifyIn('eu', future)).body)).toEqual(['validity']);
    const good = tokenOf((await issue({ credential: credential(did) })).body.verifiableCredential);
    const [h, p, s] = good.split('.');
    const flipped = `${h}.${p}.${s!.slice(0, 10)}${s![10] === 'A' ? 'B' : 'A'}${s!.slice(11)}`;
    const wrongSig = await verifyIn('eu', flipped);
    expect(wrongSig.status).toBe(400);
    expect(failed(wrongSig.body)).toEqual(['signature']);
    const stranger = generateKeyPairSync('ed25519');
    const unknown = await new CompactSign(new TextEncoder().encode(JSON.stringify(credential('did:isthmus:aaaaaaaaaaaaaaaaaaaaaaaa'))))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', kid: 'did:isthmus:aaaaaaaaaaaaaaaaaaaaaaaa#key-1' })
      .sign(stranger.privateKey);
    expect(failed((await verifyIn('eu', unknown)).body)).toEqual(['issuer']);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'vc+jwt', kid: `${did}#key-1` })).toString('base64url')}.${p}.`;
    expect(failed((await verifyIn('eu', none)).body)).toEqual(['algorithm']);
    const hmac = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'vc+jwt', kid: `${did}#key-1` })).toString('base64url')}.${p}.${s}`;
    expect(failed((await verifyIn('eu', hmac)).body)).toEqual(['algorithm']);
    const garbage = await verifyIn('eu', 'not a token');
    expect(garbage.status).toBe(400);
    expect(failed(garbage.body)).toEqual(['format']);
  });

  it('verifies a vc+jwt made by jose with a did:key issuer', async () => {
    const key = generateKeyPairSync('ed25519');
    const didKey = ed25519DidKey(Buffer.from(key.publicKey.export({ format: 'jwk' }).x!, 'base64url'));
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(credential(didKey))))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: `${didKey}#${didKey.slice(8)}` })
      .sign(key.privateKey);
    const result = await verifyIn('ap', { '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${token}` });
    expect(result.status).toBe(200);
    expect(result.body.verified).toBe(true);
    expect(result.body.credential.issuer).toBe(didKey);
  });

  it('a credential issued before a key rotation still verifies by its anchor; a deactivated issuer fails', async () => {
    const before = (await issue({ credential: credential(did) })).body.verifiableCredential;
    const wallet = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as JWK;
    const rotated = await post(
      net.eu.url!,
      '/1.0/update',
      { did, didDocumentOperation: ['setDidDocument'], didDocument: [{ verificationMethod: [{ id: '#key-2', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: wallet.x } }], assertionMethod: ['#key-2'] }] },
      apiKey,
    );
    expect(rotated.status).toBe(200);
    const after = await verifyIn('eu', before);
    expect(after.body.verified).toBe(true);
    expect(after.body.checks.find((c: { check: string }) => c.check === 'signature').detail).toMatch(/key left the document at version 2 .*anchored at log eu index \d+ before that/);
    // the region no longer holds an assertion key of the DID: it cannot issue with it
    expect((await issue({ credential: credential(did) })).status).toBe(409);
    expect((await post(net.eu.url!, '/1.0/deactivate', { did }, apiKey)).status).toBe(200);
    expect(failed((await verifyIn('eu', before)).body)).toEqual(['issuer-active']);
  });

  it('a credential issued in eu verifies in ap with eu stopped, in every format', async () => {
    const vc = (await issue({ credential: credential(p256Did) })).body.verifiableCredential;
    const others = await Promise.all(
      (['vc+sd-jwt', 'dc+sd-jwt', 'jwt_vc_json'] as const).map(async (format) => {
        const res = await issue({ credential: credential(p256Did), options: { format, ...(format.includes('sd') ? { selectivelyDisclosable: ['/credentialSubject/degree'] } : {}) } });
        expect(res.status).toBe(201);
        return res.body.verifiableCredential;
      }),
    );
    await synced();
    await net.stop('eu');
    for (const other of others) {
      const checked = await verifyIn('ap', other);
      expect(checked.body.errors).toEqual([]);
      expect(checked.status).toBe(200);
    }
    const result = await verifyIn('ap', vc);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ verified: true, errors: [] });
    expect(result.body.checks.map((c: { check: string; result: string }) => `${c.check}:${c.result}`)).toEqual([
      'format:passed',
      'algorithm:passed',
      'signature:passed',
      'data-model:passed',
      'issuer:passed',
      'validity:passed',
      'issuer-active:passed',
      'status:skipped',
      'issuer-accreditation:skipped',
    ]);
    expect(result.body.credential.credentialSubject.degree).toBe('MSc Zyxwvutsrq');
    await net.restart('eu');
  });
});
