/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { cryptosuite as ecdsaRdfc } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import { createVerifyCryptosuite as jcsVerify } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { createConfirmCryptosuite, createDiscloseCryptosuite } from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import { createDiscloseCryptosuite as bbsDisclose, createVerifyCryptosuite as bbsVerify } from '@digitalbazaar/bbs-2023-cryptosuite';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { derive, issue, signPresentation, createPresentation, verifyCredential, type DocumentLoader } from '@digitalbazaar/vc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_CONTEXTS } from '../src/domain/credentials/data-integrity-loader.js';
import { logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { postJson as post } from './support/http.js';
import { ADMIN_TOKEN } from './support/region.js';
import { generateKeyPairSync } from 'node:crypto';
import { RegistrarService } from '../src/modules/registry/registrar.service.js';
import { keySigner, secure } from '../src/modules/data-integrity/suites.js';
import { DocumentLoaderService } from '../src/modules/data-integrity/document-loader.js';

let net: TwoRegions;
let apiKey: string;
let edDid: string;
let p256Did: string;
const issued: Record<string, any> = {};
let revoked: any;
let derived: any;
let foreign: any;
let presentation: any;
let holderDid: string;
let safeMode: { status: number; body: Record<string, any> };
let statusListChecked: { verified: boolean; results?: { verified: boolean; status?: boolean }[] };
let statusListContentType: string | null;
let statusListJwtType: string | null;
const rotation: { honest?: any; derived?: any; forged?: any } = {};
const bbs: { did?: string; base?: any; derived?: any } = {};
let p384: any;

const SUITES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'ecdsa-rdfc-2019', 'ecdsa-sd-2023'] as const;
const LIBRARY_SUITES: Record<string, () => object> = {
  'eddsa-rdfc-2022': () => new DataIntegrityProof({ cryptosuite: eddsaRdfc }),
  'eddsa-jcs-2022': () => new DataIntegrityProof({ cryptosuite: jcsVerify() }),
  'ecdsa-rdfc-2019': () => new DataIntegrityProof({ cryptosuite: ecdsaRdfc }),
  'ecdsa-sd-2023': () => new DataIntegrityProof({ cryptosuite: createConfirmCryptosuite() }), // a base proof: what the holder checks
};
const failed = (result: Record<string, any>) => (result.errors as { check: string }[]).map((e) => e.check);
const credentialFor = (issuer: string, subject: Record<string, unknown> = {}) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential'],
  issuer,
  validFrom: '2026-01-01T00:00:00Z',
  name: 'Diploma',
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', name: 'Qwertz', description: 'MSc in Hydraulics', ...subject },
});

/**
 * A relying party's loader for the library: contexts offline, DID documents read over HTTP from
 * the region's resolver (the region's answer, not our loader), did:key from the library.
 */
const httpLoader =
  (base: string, keys: Map<string, Record<string, unknown>> = new Map()): DocumentLoader =>
  async (url) => {
    const context = SHIPPED_CONTEXTS.get(url);
    if (context) return { document: context, documentUrl: url, contextUrl: null };
    if (keys.has(url)) return { document: keys.get(url), documentUrl: url, contextUrl: null };
    if (url.startsWith('did:isthmus:')) {
      const did = url.split('#')[0]!;
      const res = await fetch(`${base}/1.0/identifiers/${encodeURIComponent(did)}`);
      const document = ((await res.json()) as { didDocument: Record<string, any> }).didDocument;
      if (!url.includes('#')) return { document, documentUrl: url, contextUrl: null };
      const method = (document.verificationMethod as Record<string, unknown>[]).find((m) => m.id === url);
      return { document: { '@context': 'https://w3id.org/security/multikey/v1', ...method }, documentUrl: url, contextUrl: null };
    }
    if (url.includes('/status-lists/') && [base, net.url('eu')].some((b) => url.startsWith(`${b}/status-lists/`))) {
      const res = await fetch(url, { headers: { accept: 'application/vc' } });
      return { document: await res.json(), documentUrl: url, contextUrl: null };
    }
    throw new Error(`refused ${url}`);
  };

beforeAll(async () => {
  net = await startTwoRegions({}, undefined, { eu: { 'policy.json': JSON.stringify({ v: 1, protectedClaims: { PersonIdentityCredential: ['birthDate'] } }) } });
  const eu = net.eu.url!;
  apiKey = (await post(eu, '/admin/issuers', { name: 'Hydraulics Academy' }, ADMIN_TOKEN)).body.apiKey;
  edDid = (await post(eu, '/1.0/create?method=isthmus', { options: { keyType: 'Ed25519', verificationMethodType: 'Multikey' } }, apiKey)).body.didState.did;
  p256Did = (await post(eu, '/1.0/create?method=isthmus', { options: { keyType: 'P-256', verificationMethodType: 'Multikey' } }, apiKey)).body.didState.did;
  for (const suite of SUITES) {
    const did = suite.startsWith('eddsa') ? edDid : p256Did;
    const answer = await post(eu, '/credentials/issue', { credential: credentialFor(did), options: { format: 'ldp_vc', cryptosuite: suite, status: ['revocation'], ...(suite === 'ecdsa-sd-2023' ? { mandatoryPointers: ['/credentialSubject/name'] } : {}) } }, apiKey);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    issued[suite] = answer.body.verifiableCredential;
  }
  const toRevoke = await post(eu, '/credentials/issue', { credential: credentialFor(edDid), options: { format: 'ldp_vc', cryptosuite: 'eddsa-rdfc-2022', status: ['revocation'] } }, apiKey);
  revoked = toRevoke.body.verifiableCredential;
  expect((await post(eu, '/credentials/status', { credentialId: toRevoke.body.credentialId, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }] }, apiKey)).status).toBe(200);
  // The relying party's own library reads the DI status list from the issuing region.
  const listUrl = revoked.credentialStatus[0].statusListCredential as string;
  const listAnswer = await fetch(listUrl.replace(net.url('eu'), eu), { headers: { accept: 'application/vc' } });
  statusListContentType = listAnswer.headers.get('content-type');
  statusListJwtType = (await fetch(listUrl.replace(net.url('eu'), eu))).headers.get('content-type');
  statusListChecked = await checkStatus({ credential: revoked, documentLoader: httpLoader(eu), suite: [LIBRARY_SUITES['eddsa-rdfc-2022']!(), LIBRARY_SUITES['ecdsa-rdfc-2019']!()], verifyMatchingIssuers: true });
  safeMode = await post(eu, '/credentials/issue', { credential: credentialFor(edDid, { shoeSize: 44 }), options: { format: 'ldp_vc', cryptosuite: 'eddsa-rdfc-2022' } }, apiKey);
  // A holder derives a credential disclosing a subset (no endpoint: holders derive).
  derived = await derive({ verifiableCredential: issued['ecdsa-sd-2023'], suite: new DataIntegrityProof({ cryptosuite: createDiscloseCryptosuite({ selectivePointers: ['/credentialSubject/id'] }) }), documentLoader: httpLoader(eu) });
  // Someone else's issuer: a did:key made with the library.
  const theirs = await Ed25519Multikey.generate();
  const theirDid = `did:key:${theirs.publicKeyMultibase}`;
  Object.assign(theirs, { id: `${theirDid}#${theirs.publicKeyMultibase}`, controller: theirDid });
  foreign = await issue({ credential: credentialFor(theirDid), suite: new DataIntegrityProof({ signer: theirs.signer(), cryptosuite: eddsaRdfc }), documentLoader: httpLoader(eu) });
  // A holder (did:key, P-256) presents a credential about itself in a DI presentation.
  const holder = await EcdsaMultikey.generate({ curve: 'P-256' });
  holderDid = `did:key:${holder.publicKeyMultibase}`;
  Object.assign(holder, { id: `${holderDid}#${holder.publicKeyMultibase}`, controller: holderDid });
  const aboutHolder = await post(eu, '/credentials/issue', { credential: credentialFor(edDid, { id: holderDid }), options: { format: 'ldp_vc', cryptosuite: 'eddsa-rdfc-2022' } }, apiKey);
  const holderKeys = new Map<string, Record<string, unknown>>([[holder.id, await holder.export({ publicKey: true, includeContext: true })]]);
  presentation = await signPresentation({
    presentation: createPresentation({ verifiableCredential: aboutHolder.body.verifiableCredential, holder: holderDid }),
    suite: new DataIntegrityProof({ signer: holder.signer(), cryptosuite: ecdsaRdfc }),
    documentLoader: httpLoader(eu, holderKeys),
    challenge: 'n-0S6_WzA2Mj',
    domain: 'https://verifier.example',
  });
  // ecdsa-rdfc-2019 with a P-384 key (SHA-384 throughout).
  const p384Did = (await post(eu, '/1.0/create?method=isthmus', { options: { keyType: 'P-384' } }, apiKey)).body.didState.did;
  p384 = (await post(eu, '/credentials/issue', { credential: credentialFor(p384Did), options: { format: 'ldp_vc', cryptosuite: 'ecdsa-rdfc-2019' } }, apiKey)).body.verifiableCredential;
  // bbs-2023: a DID with a BLS12-381 G2 key beside its Ed25519 one; the holder derives with the library.
  bbs.did = (await post(eu, '/1.0/create?method=isthmus', { options: { keyType: 'Bls12381G2', verificationMethodType: 'Multikey' } }, apiKey)).body.didState.did;
  const bbsIssued = await post(eu, '/credentials/issue', { credential: credentialFor(bbs.did!), options: { format: 'ldp_vc', cryptosuite: 'bbs-2023', status: ['revocation'], mandatoryPointers: ['/credentialSubject/name'] } }, apiKey);
  expect(bbsIssued.status, JSON.stringify(bbsIssued.body)).toBe(201);
  bbs.base = bbsIssued.body.verifiableCredential;
  bbs.derived = await derive({ verifiableCredential: bbs.base, suite: new DataIntegrityProof({ cryptosuite: bbsDisclose({ selectivePointers: ['/credentialSubject/id'] }) }), documentLoader: httpLoader(eu) });
  // Key rotation: credentials issued before, the key rotated out, a credential forged with it after.
  const tenant = (await post(eu, '/admin/issuers', { name: 'Rotating Academy' }, ADMIN_TOKEN)).body;
  const rotating = { ed: '', p256: '' };
  for (const keyType of ['Ed25519', 'P-256'] as const) {
    rotating[keyType === 'Ed25519' ? 'ed' : 'p256'] = (await post(eu, '/1.0/create?method=isthmus', { options: { keyType, verificationMethodType: 'Multikey' } }, tenant.apiKey)).body.didState.did;
  }
  rotation.honest = (await post(eu, '/credentials/issue', { credential: credentialFor(rotating.ed), options: { format: 'ldp_vc', cryptosuite: 'eddsa-rdfc-2022' } }, tenant.apiKey)).body.verifiableCredential;
  const sdBase = (await post(eu, '/credentials/issue', { credential: credentialFor(rotating.p256), options: { format: 'ldp_vc', cryptosuite: 'ecdsa-sd-2023' } }, tenant.apiKey)).body.verifiableCredential;
  const oldKey = await net.eu.app.get(RegistrarService).assertionKey({ id: tenant.id, name: '' }, rotating.ed);
  for (const did of Object.values(rotating)) {
    const x = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x;
    const update = { did, didDocumentOperation: ['setDidDocument'], didDocument: [{ verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } }], assertionMethod: ['#key-1'] }] };
    expect((await post(eu, '/1.0/update', update, tenant.apiKey)).status).toBe(200);
  }
  rotation.derived = await derive({ verifiableCredential: sdBase, suite: new DataIntegrityProof({ cryptosuite: createDiscloseCryptosuite({ selectivePointers: ['/credentialSubject/name'] }) }), documentLoader: httpLoader(eu) });
  const forgedAt = { ...credentialFor(rotating.ed), id: 'urn:uuid:forged', validFrom: '2026-01-01T00:00:00Z' };
  rotation.forged = await secure(forgedAt, 'eddsa-rdfc-2022', keySigner(oldKey.kid, oldKey.alg, oldKey.key), net.eu.app.get(DocumentLoaderService).loader());
  const size = Number((await (await fetch(`${eu}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold eu log');
}, 120_000);
afterAll(async () => {
  await net?.close();
});

const verifyIn = (region: 'eu' | 'ap', vc: unknown) => post(net[region].url!, '/credentials/verify', { verifiableCredential: vc });

describe('Data Integrity credentials issued in eu', () => {
  it('carry a DataIntegrityProof of the asked cryptosuite by the issuer DID key', () => {
    for (const suite of SUITES) {
      expect(issued[suite].proof).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: suite, proofPurpose: 'assertionMethod', verificationMethod: expect.stringMatching(/^did:isthmus:.*#key-1$/) });
      expect(issued[suite].credentialStatus[0]).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });
    }
  });

  it('verify with @digitalbazaar/vc, reading our DID documents over HTTP', async () => {
    for (const suite of SUITES) {
      const result = await verifyCredential({ credential: issued[suite], suite: LIBRARY_SUITES[suite]!(), documentLoader: httpLoader(net.eu.url!), checkStatus: async () => ({ verified: true }) });
      expect(result.verified, `${suite}: ${result.error?.message}`).toBe(true);
    }
  });

  it('a DI status list after a revocation is read and checked by @digitalbazaar/vc-bitstring-status-list', () => {
    expect(statusListContentType).toMatch(/^application\/vc(;|$)/);
    expect(statusListJwtType).toMatch(/^application\/vc\+jwt/); // the JWT stays the default
    expect(statusListChecked.verified, String((statusListChecked as { error?: Error }).error?.message)).toBe(true);
    expect(statusListChecked.results?.[0]?.status).toBe(true); // the bit is set: revoked
  });

  it('JSON-LD safe mode: a claim no context defines is a 400 naming it', () => {
    expect(safeMode.status).toBe(400);
    expect(safeMode.body.detail).toContain('shoeSize');
    expect(safeMode.body.errors[0].pointer).toBe('/credential/credentialSubject/shoeSize');
  });

  it("keeps the region's protected claims withholdable: never mandatory, never in a suite without selective disclosure", async () => {
    const person = { ...credentialFor(p256Did, { birthDate: '1990-04-01' }), type: ['VerifiableCredential', 'PersonIdentityCredential'] };
    person['@context'] = [...person['@context'], 'https://www.w3.org/ns/credentials/undefined-terms/v2'];
    const ask = (cryptosuite: string, mandatoryPointers?: string[]) =>
      post(net.eu.url!, '/credentials/issue', { credential: { ...person, issuer: cryptosuite.startsWith('eddsa') ? edDid : p256Did }, options: { format: 'ldp_vc', cryptosuite, ...(mandatoryPointers ? { mandatoryPointers } : {}) } }, apiKey);
    for (const refused of [await ask('ecdsa-sd-2023', ['/credentialSubject/birthDate']), await ask('ecdsa-sd-2023', ['/credentialSubject']), await ask('eddsa-rdfc-2022')]) {
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([{ pointer: '/credential/credentialSubject/birthDate', detail: 'must be selectively disclosable in this region' }]);
    }
    expect((await ask('ecdsa-sd-2023', ['/credentialSubject/name'])).status).toBe(201);
  });

  it('a context the service does not ship is a 400 naming it (never fetched)', async () => {
    const credential = { ...credentialFor(edDid), '@context': ['https://www.w3.org/ns/credentials/v2', 'https://example.com/contexts/degree.jsonld'] };
    const refused = await post(net.eu.url!, '/credentials/issue', { credential, options: { format: 'ldp_vc', cryptosuite: 'eddsa-rdfc-2022' } }, apiKey);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toEqual({ pointer: '/credential/@context', detail: expect.stringContaining('https://example.com/contexts/degree.jsonld') });
  });

  it('refuses an unknown cryptosuite naming the allowed ones, and mandatoryPointers without a selective suite', async () => {
    const unknown = await post(net.eu.url!, '/credentials/issue', { credential: credentialFor(edDid), options: { format: 'ldp_vc', cryptosuite: 'rsa-2018' } }, apiKey);
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-sd-2023, bbs-2023');
    const pointers = await post(net.eu.url!, '/credentials/issue', { credential: credentialFor(edDid), options: { format: 'ldp_vc', cryptosuite: 'eddsa-rdfc-2022', mandatoryPointers: ['/issuer'] } }, apiKey);
    expect(pointers.status).toBe(400);
    const wrongKey = await post(net.eu.url!, '/credentials/issue', { credential: credentialFor(edDid), options: { format: 'ldp_vc', cryptosuite: 'ecdsa-sd-2023' } }, apiKey);
    expect(wrongKey.status).toBe(409);
  });
});

describe('verified in ap with eu stopped', () => {
  beforeAll(async () => {
    await net.stop('eu');
  });

  it('each suite verifies, with the checks of every credential', async () => {
    for (const suite of SUITES) {
      const result = await verifyIn('ap', issued[suite]);
      expect(result.status, `${suite}: ${JSON.stringify(result.body.errors)}`).toBe(200);
      expect(result.body.checks.map((c: { check: string }) => c.check)).toEqual(expect.arrayContaining(['format', 'signature', 'data-model', 'issuer', 'validity', 'issuer-active', 'status:revocation', 'issuer-accreditation']));
      expect(result.body.credential.credentialSubject.description).toBe('MSc in Hydraulics');
    }
  });

  it('ecdsa-rdfc-2019 with a P-384 key (a JsonWebKey method) verifies; tampered, it fails', async () => {
    expect(p384.proof.cryptosuite).toBe('ecdsa-rdfc-2019');
    const result = await verifyIn('ap', p384);
    expect(result.status, JSON.stringify(result.body.errors)).toBe(200);
    const tampered = { ...p384, validFrom: '2025-06-01T00:00:00Z' };
    expect(failed((await verifyIn('ap', tampered)).body)).toContain('signature');
  });

  it('a revoked one fails status', async () => {
    const result = await verifyIn('ap', revoked);
    expect(result.status).toBe(400);
    expect(failed(result.body)).toEqual(['status:revocation']);
  });

  it('a derived bbs-2023 credential discloses the subset and verifies, with us and with @digitalbazaar/vc; tampered, it fails', async () => {
    expect(bbs.base.proof).toMatchObject({ cryptosuite: 'bbs-2023', verificationMethod: `${bbs.did}#key-2` });
    expect(bbs.derived.credentialSubject).toEqual({ id: expect.any(String), name: 'Qwertz' });
    const result = await verifyIn('ap', bbs.derived);
    expect(result.status, JSON.stringify(result.body.errors)).toBe(200);
    expect(result.body.checks.map((c: { check: string }) => c.check)).toContain('status:revocation');
    const library = await verifyCredential({ credential: bbs.derived, suite: new DataIntegrityProof({ cryptosuite: bbsVerify() }), documentLoader: httpLoader(net.ap.url!), checkStatus: async () => ({ verified: true }) });
    expect(library.verified, library.error?.message).toBe(true);
    const tampered = structuredClone(bbs.derived);
    tampered.credentialSubject.name = 'Asdfgh';
    expect(failed((await verifyIn('ap', tampered)).body)).toContain('signature');
  });

  it('a derived ecdsa-sd-2023 credential discloses the subset and verifies', async () => {
    expect(derived.credentialSubject).toEqual({ id: expect.any(String), name: 'Qwertz' }); // name is mandatory; description withheld
    const result = await verifyIn('ap', derived);
    expect(result.status, JSON.stringify(result.body.errors)).toBe(200);
    expect(result.body.checks.map((c: { check: string }) => c.check)).toContain('status:revocation'); // status stays mandatory
    expect(result.body.credential.credentialSubject).not.toHaveProperty('description');
  });

  it('tampering with any signed field fails the signature', async () => {
    for (const suite of SUITES) {
      for (const tamper of [(c: any) => (c.credentialSubject.name = 'Asdfgh'), (c: any) => (c.validFrom = '2025-01-01T00:00:00Z'), (c: any) => (c.credentialStatus[0].statusListIndex = '7')]) {
        const copy = structuredClone(issued[suite]);
        tamper(copy);
        const result = await verifyIn('ap', copy);
        expect(result.status).toBe(400);
        expect(failed(result.body), suite).toContain('signature');
      }
    }
    const copy = structuredClone(derived);
    copy.credentialSubject.name = 'Asdfgh';
    expect(failed((await verifyIn('ap', copy)).body)).toContain('signature');
  });

  it("someone else's DI credential (did:key, the library) verifies here", async () => {
    const result = await verifyIn('ap', foreign);
    expect(result.status, JSON.stringify(result.body.errors)).toBe(200);
    expect(result.body.checks.find((c: { check: string }) => c.check === 'signature').detail).toContain('eddsa-rdfc-2022');
  });

  it('a DI presentation verifies with its challenge and domain, and fails with another challenge', async () => {
    const ok = await post(net.ap.url!, '/presentations/verify', { verifiablePresentation: presentation, options: { challenge: 'n-0S6_WzA2Mj', domain: 'https://verifier.example' } });
    expect(ok.status, JSON.stringify(ok.body.errors)).toBe(200);
    expect(ok.body.credential.holder).toBe(holderDid);
    expect(ok.body.credential.verifiableCredential).toHaveLength(1);
    const replayed = await post(net.ap.url!, '/presentations/verify', { verifiablePresentation: presentation, options: { challenge: 'another', domain: 'https://verifier.example' } });
    expect(replayed.status).toBe(400);
    expect(failed(replayed.body)).toContain('holder-binding');
  });

  it('key rotation: credentials anchored before the key left verify (derived ones too); one forged with the old key after fails', async () => {
    for (const vc of [rotation.honest, rotation.derived]) {
      const result = await verifyIn('ap', vc);
      expect(result.status, JSON.stringify(result.body.errors)).toBe(200);
      expect(result.body.checks.find((c: { check: string }) => c.check === 'signature').detail).toMatch(/anchored at log eu index \d+ before that/);
    }
    const forged = await verifyIn('ap', rotation.forged);
    expect(forged.status).toBe(400);
    expect(forged.body.errors).toEqual([expect.objectContaining({ check: 'signature', detail: expect.stringContaining("no longer the issuer's") })]);
  });

  it('a DID the loader does not resolve is a failed check naming it, never a fetch', async () => {
    const copy = structuredClone(foreign);
    copy.issuer = 'did:web:example.com';
    copy.proof.verificationMethod = 'did:web:example.com#key-1';
    const result = await verifyIn('ap', copy);
    expect(result.status).toBe(400);
    expect(result.body.errors[0].detail).toContain('did:web:example.com');
  });
});
