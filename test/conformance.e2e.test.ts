import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519DidKey } from './support/independent.js';
import { postJson } from './support/http.js';
import { logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { ADMIN_TOKEN } from './support/region.js';

// The standards rules of issue 13 items 2, 3, 6, 7 and 8 (docs/conformance.md), over real HTTP:
// issued in eu, verified by a relying party in ap, each with the failing input and the passing one.

type Check = { check: string; result: string; detail?: string };
let net: TwoRegions;
let apiKey: string;
let did: string;
let outsider: { did: string; key: KeyObject };

const V2 = 'https://www.w3.org/ns/credentials/v2';
const V1 = 'https://www.w3.org/2018/credentials/v1';
const SUBJECT = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const DEGREE_SCHEMA = 'https://schemas.isthmus.example/degree/v1';
const DEGREE_SCHEMA_CREDENTIAL = 'https://schemas.isthmus.example/credentials/degree-v2';
const degreeSchema = (id?: string) => ({
  ...(id ? { $id: id } : {}),
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['credentialSubject'],
  properties: { credentialSubject: { type: 'object', required: ['degree'], properties: { degree: { type: 'string', enum: ['BSc', 'MSc', 'PhD'] } } } },
});
/** Both regions hold a JSON Schema and a JsonSchemaCredential (docs/credentials.md). */
const SCHEMA_FILES = {
  'schemas/degree.json': JSON.stringify(degreeSchema(DEGREE_SCHEMA)),
  'schemas/degree-credential.json': JSON.stringify({
    '@context': [V2],
    id: DEGREE_SCHEMA_CREDENTIAL,
    type: ['VerifiableCredential', 'JsonSchemaCredential'],
    issuer: 'did:example:schemas',
    credentialSubject: { id: `${DEGREE_SCHEMA_CREDENTIAL}#schema`, type: 'JsonSchema', jsonSchema: degreeSchema() },
  }),
};

const credential = (issuer: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@context': [V2],
  type: ['VerifiableCredential', 'UniversityDegreeCredential'],
  issuer,
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: SUBJECT, degree: 'MSc' },
  ...extra,
});
const issue = (body: unknown) => postJson(net.eu.url!, '/credentials/issue', body, apiKey);
const verifyInAp = (vc: unknown, options?: Record<string, unknown>) => postJson(net.ap.url!, '/credentials/verify', { verifiableCredential: vc, ...(options ? { options } : {}) });
const tokenOf = (vc: { id: string }): string => vc.id.slice(vc.id.indexOf(',') + 1);
const claimsOf = (vc: { id: string }): Record<string, any> => JSON.parse(Buffer.from(tokenOf(vc).split('.')[1]!, 'base64url').toString()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const synced = async () => {
  const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold the eu log');
};
const checksNamed = (body: Record<string, unknown>, prefix: string): Check[] => (body.checks as Check[]).filter((c) => c.check === prefix || c.check.startsWith(`${prefix}:`));

/** A JWS an outside did:key issuer signed over `payload`, with the header's typ. */
const signAsOutsider = (payload: Record<string, unknown>, typ: string): Promise<string> =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', typ, kid: `${outsider.did}#${outsider.did.slice(8)}` }).sign(outsider.key);

beforeAll(async () => {
  net = await startTwoRegions({}, undefined, { eu: SCHEMA_FILES, ap: SCHEMA_FILES });
  apiKey = (await postJson(net.eu.url!, '/admin/issuers', { name: 'Leiden' }, ADMIN_TOKEN)).body.apiKey;
  did = (await postJson(net.eu.url!, '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
  const pair = generateKeyPairSync('ed25519');
  outsider = { did: ed25519DidKey(Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url')), key: pair.privateKey };
  await synced();
});
afterAll(async () => {
  await net?.close();
});

describe('VC-JOSE-COSE: what a vc+jwt and an envelope must be (item 2)', () => {
  it.each(['vc', 'vp'])('a vc+jwt whose payload carries the %s claim fails format, naming the claim', async (claim) => {
    const refused = await verifyInAp(await signAsOutsider({ ...credential(outsider.did), [claim]: { type: ['VerifiableCredential'] } }, 'vc+jwt'));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ check: 'format', result: 'failed', detail: `a vc+jwt payload is the credential itself and must not carry the ${claim} claim` }]);
    const accepted = await verifyInAp(await signAsOutsider(credential(outsider.did), 'vc+jwt'));
    expect(accepted.body.errors).toEqual([]);
    expect(accepted.status).toBe(200);
  });

  it('an envelope needs the VCDM 2.0 context first, the type EnvelopedVerifiableCredential and a media type matching the typ', async () => {
    const issued = await issue({ credential: credential(did) });
    expect(issued.status).toBe(201);
    await synced();
    const vc = issued.body.verifiableCredential as { id: string };
    const { '@context': _context, ...contextless } = vc as Record<string, unknown>;
    const wrong: [string, unknown, RegExp][] = [
      ['no @context', contextless, /@context/],
      ['the VCDM 1.1 context', { ...vc, '@context': [V1] }, /@context/],
      ['another type', { ...vc, type: 'VerifiableCredential' }, /expected an enveloped credential/],
      ['application/vc+sd-jwt for a vc+jwt', { ...vc, id: `data:application/vc+sd-jwt,${tokenOf(vc)}` }, /expected vc\+sd-jwt or dc\+sd-jwt.*typ vc\+jwt/],
      ['application/dc+sd-jwt for a vc+jwt', { ...vc, id: `data:application/dc+sd-jwt,${tokenOf(vc)}` }, /typ vc\+jwt/],
      ['application/jwt_vc_json for a vc+jwt', { ...vc, id: `data:application/jwt_vc_json,${tokenOf(vc)}` }, /got jwt_vc_json with typ vc\+jwt/],
    ];
    for (const [why, input, detail] of wrong) {
      const res = await verifyInAp(input);
      expect(res.status, why).toBe(400);
      expect(res.body.errors, why).toEqual([{ check: 'format', result: 'failed', detail: expect.stringMatching(detail) }]);
    }
    const verified = await verifyInAp(vc);
    expect(verified.body.errors).toEqual([]);
    expect(verified.body.checks).toContainEqual({ check: 'format', result: 'passed', detail: 'vc+jwt' });
  });

  it('an SD-JWT envelope must name its own media type: vc+sd-jwt is not dc+sd-jwt', async () => {
    const issued = await issue({ credential: credential(did), options: { format: 'dc+sd-jwt' } });
    expect(issued.status).toBe(201);
    await synced();
    const vc = issued.body.verifiableCredential as { id: string };
    const mislabelled = await verifyInAp({ ...vc, id: `data:application/vc+sd-jwt,${tokenOf(vc)}` });
    expect(mislabelled.body.errors).toEqual([{ check: 'format', result: 'failed', detail: 'expected vc+sd-jwt or dc+sd-jwt (typ of the same name); got vc+sd-jwt with typ dc+sd-jwt' }]);
    expect((await verifyInAp(vc)).body.errors).toEqual([]);
  });
});

describe('W3C VC API verification options (item 3)', () => {
  it('accepts options it does not know and reports each as a warning; the answer keeps its shape', async () => {
    const issued = await issue({ credential: credential(did) });
    await synced();
    const res = await verifyInAp(issued.body.verifiableCredential, { checks: ['proof'], expectedProofPurpose: 'assertionMethod', clockSkewSeconds: 30 });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(expect.arrayContaining(['verified', 'checks', 'warnings', 'errors']));
    expect(res.body.verified).toBe(true);
    expect(res.body.warnings).toEqual([
      { check: 'unknown-option', result: 'passed', detail: 'option checks is not one this verifier knows; ignored' },
      { check: 'unknown-option', result: 'passed', detail: 'option expectedProofPurpose is not one this verifier knows; ignored' },
    ]);
    expect((await verifyInAp(issued.body.verifiableCredential)).body.warnings).toEqual([]);
  });

  it('still validates the options it knows, and presentations/verify takes unknown ones too', async () => {
    const bad = await verifyInAp('x.y.z', { checks: ['proof'], clockSkewSeconds: 1000 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/options/clockSkewSeconds' })]);
    const notObject = await verifyInAp('x.y.z', 'not an object' as never);
    expect(notObject.status).toBe(400);
    expect(new Set(notObject.body.errors.map((e: { pointer: string }) => e.pointer))).toEqual(new Set(['/options']));
    const presentation = await postJson(net.ap.url!, '/presentations/verify', { verifiablePresentation: 'x.y.z', options: { expectedProofPurpose: 'authentication' } });
    expect(presentation.body.verified).toBe(false);
    expect(presentation.body.warnings).toEqual([{ check: 'unknown-option', result: 'passed', detail: 'option expectedProofPurpose is not one this verifier knows; ignored' }]);
  });

  it('issuance keeps refusing options it does not know', async () => {
    const res = await issue({ credential: credential(did), options: { format: 'vc+jwt', checks: ['proof'] } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ pointer: '/options/checks' })]);
  });
});

describe('issuer-supplied credentialStatus (item 6)', () => {
  const foreign = { id: 'https://status.example/lists/1#7', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '7', statusListCredential: 'https://status.example/lists/1' };

  it('is kept and signed, ours appended; checked entries pass, foreign ones are skipped unless the relying party requires status', async () => {
    const issued = await issue({ credential: credential(did, { credentialStatus: foreign }), options: { status: ['revocation'] } });
    expect(issued.status).toBe(201);
    const entries = claimsOf(issued.body.verifiableCredential).credentialStatus;
    expect(entries).toHaveLength(2);
    expect(entries[0]).toEqual(foreign);
    expect(entries[1].statusListCredential).toMatch(/\/status-lists\//);
    await synced();
    const relaxed = await verifyInAp(issued.body.verifiableCredential);
    expect(relaxed.status).toBe(200);
    expect(checksNamed(relaxed.body, 'status')).toEqual([
      { check: 'status:revocation', result: 'skipped', detail: 'https://status.example/lists/1 is not a status list of this network; lists are read from the ledger, never fetched' },
      { check: 'status:revocation', result: 'passed', detail: expect.stringMatching(/^not revoked/) },
    ]);
    const strict = await verifyInAp(issued.body.verifiableCredential, { requireStatus: true });
    expect(strict.status).toBe(400);
    expect(strict.body.errors).toEqual([{ check: 'status:revocation', result: 'failed', detail: expect.stringMatching(/not a status list of this network.*\(options\.requireStatus\)$/) }]);
  });

  it('an entry of a mechanism this service does not know is kept and reported the same way', async () => {
    const issued = await issue({ credential: credential(did, { credentialStatus: { id: 'https://status.example/x', type: 'ExampleStatusEntry' } }) });
    expect(issued.status).toBe(201);
    await synced();
    expect(checksNamed((await verifyInAp(issued.body.verifiableCredential)).body, 'status')).toEqual([{ check: 'status', result: 'skipped', detail: expect.stringMatching(/ExampleStatusEntry.*not a status mechanism this service checks/) }]);
    expect((await verifyInAp(issued.body.verifiableCredential, { requireStatus: true })).status).toBe(400);
  });

  it('refuses a malformed entry, more than 8 with ours, and any in a dc+sd-jwt (400, naming the pointer)', async () => {
    const malformed = await issue({ credential: credential(did, { credentialStatus: [{ ...foreign, statusListIndex: 7 }] }) });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ pointer: '/credential/credentialStatus/0', detail: 'statusListIndex must be a non-negative integer as a string' }]);
    const many = await issue({ credential: credential(did, { credentialStatus: Array(7).fill(foreign) }), options: { status: ['revocation', 'suspension'] } });
    expect(many.status).toBe(400);
    expect(many.body.errors).toEqual([{ pointer: '/credential/credentialStatus', detail: 'at most 8 entries, with the 2 of options.status' }]);
    expect((await issue({ credential: credential(did, { credentialStatus: Array(7).fill(foreign) }), options: { status: ['revocation'] } })).status).toBe(201);
    const sdJwtVc = await issue({ credential: credential(did, { credentialStatus: foreign }), options: { format: 'dc+sd-jwt' } });
    expect(sdJwtVc.status).toBe(400);
    expect(sdJwtVc.body.errors[0].pointer).toBe('/credential/credentialStatus');
  });
});

describe('credentialSchema: one rule for a schema the region does not hold (item 7)', () => {
  it('issuance signs it unchecked; verification skips it, and fails it when the relying party requires schemas', async () => {
    const issued = await issue({ credential: credential(did, { credentialSchema: { id: 'https://elsewhere.example/schema.json', type: 'JsonSchema' } }) });
    expect(issued.status).toBe(201);
    await synced();
    const relaxed = await verifyInAp(issued.body.verifiableCredential);
    expect(relaxed.status).toBe(200);
    expect(checksNamed(relaxed.body, 'schema')).toEqual([{ check: 'schema', result: 'skipped', detail: 'not held here: https://elsewhere.example/schema.json' }]);
    const strict = await verifyInAp(issued.body.verifiableCredential, { requireSchema: true });
    expect(strict.status).toBe(400);
    expect(strict.body.errors).toEqual([{ check: 'schema', result: 'failed', detail: 'not held here: https://elsewhere.example/schema.json (options.requireSchema)' }]);
  });

  it('a JsonSchemaCredential the region holds is checked like a JsonSchema, at issuance and verification', async () => {
    const entry = { id: DEGREE_SCHEMA_CREDENTIAL, type: 'JsonSchemaCredential' };
    const refused = await issue({ credential: credential(did, { credentialSchema: entry, credentialSubject: { id: SUBJECT, degree: 'Diploma' } }) });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toEqual({ pointer: '/credential/credentialSubject/degree', detail: expect.stringContaining(DEGREE_SCHEMA_CREDENTIAL) });
    const issued = await issue({ credential: credential(did, { credentialSchema: [entry, { id: DEGREE_SCHEMA, type: 'JsonSchema' }] }) });
    expect(issued.status).toBe(201);
    await synced();
    const verified = await verifyInAp(issued.body.verifiableCredential, { requireSchema: true });
    expect(verified.body.errors).toEqual([]);
    expect(checksNamed(verified.body, 'schema')).toEqual([{ check: 'schema', result: 'passed' }]);
  });

  it('the entry type must be the way the region holds the schema', async () => {
    const res = await issue({ credential: credential(did, { credentialSchema: { id: DEGREE_SCHEMA_CREDENTIAL, type: 'JsonSchema' } }) });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ pointer: '/credential/credentialSchema/type', detail: `${DEGREE_SCHEMA_CREDENTIAL} is held here as a JsonSchemaCredential, not a JsonSchema` }]);
  });
});

describe('VCDM 1.1 input for jwt_vc_json (item 8)', () => {
  const v11 = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    '@context': [V1, 'https://www.w3.org/2018/credentials/examples/v1'],
    type: ['VerifiableCredential', 'UniversityDegreeCredential'],
    issuer: did,
    issuanceDate: '2026-01-01T00:00:00Z',
    expirationDate: '2036-01-01T00:00:00Z',
    credentialSubject: { id: SUBJECT, degree: 'MSc' },
    ...extra,
  });

  it('issues it as a VCDM 1.1 JWT that verifies in the other region', async () => {
    const issued = await issue({ credential: v11(), options: { format: 'jwt_vc_json' } });
    expect(issued.status).toBe(201);
    const claims = claimsOf(issued.body.verifiableCredential);
    expect(claims.vc['@context']).toEqual([V1, 'https://www.w3.org/2018/credentials/examples/v1']);
    expect(claims).toMatchObject({ iss: did, sub: SUBJECT, nbf: Date.parse('2026-01-01T00:00:00Z') / 1000, exp: Date.parse('2036-01-01T00:00:00Z') / 1000 });
    await synced();
    const verified = await verifyInAp(issued.body.verifiableCredential);
    expect(verified.body.errors).toEqual([]);
    expect(verified.body.checks).toContainEqual({ check: 'data-model', result: 'passed', detail: 'VCDM 1.1' });
    expect(verified.body.credential).toMatchObject({ issuanceDate: '2026-01-01T00:00:00Z', expirationDate: '2036-01-01T00:00:00Z' });
  });

  it('applies the 1.1 rules (issuanceDate required), and other formats refuse 1.1 input', async () => {
    const { issuanceDate: _issued, ...undated } = v11();
    const missing = await issue({ credential: undated, options: { format: 'jwt_vc_json' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ pointer: '/credential/issuanceDate', detail: 'is required' }]);
    for (const format of ['vc+jwt', 'vc+sd-jwt', 'dc+sd-jwt']) {
      const res = await issue({ credential: v11(), options: { format } });
      expect(res.status, format).toBe(400);
      expect(res.body.errors, format).toEqual([{ pointer: '/credential/@context', detail: expect.stringContaining('VCDM 1.1 input is accepted for jwt_vc_json only') }]);
    }
  });
});
