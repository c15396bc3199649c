/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startRegion, type TestRegion } from './support/region.js';

// The holder's side as docs/credentials.md shows it: `npm run holder` (the built CLI, as a
// child process) makes the key and the presentations; the region verifies them.
let region: TestRegion;
let apiKey: string;
let did: string;
const dir = mkdtempSync(join(tmpdir(), 'isthmus-holder-'));
const keyFile = join(dir, 'holder.jwk');
const http = () => request(region.app.getHttpServer());
const holder = (...args: string[]) => spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/holder.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
const credential = (subject: Record<string, unknown>) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'PersonIdentificationData'],
  issuer: did,
  credentialSubject: subject,
});
const issue = async (body: unknown) => {
  const res = await http().post('/credentials/issue').set('authorization', `Bearer ${apiKey}`).send(body as object);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.verifiableCredential.id as string;
};
const verify = (verifiablePresentation: string, challenge: string) => http().post('/presentations/verify').send({ verifiablePresentation, options: { challenge, domain: 'https://rp.example' } });
let keys: { privateKeyFile: string; publicJwk: Record<string, string>; didJwk: string; didKey: string };

beforeAll(async () => {
  region = await startRegion();
  apiKey = (await http().post('/admin/issuers').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: 'Registry of Persons' })).body.apiKey;
  did = (await http().post('/1.0/create?method=isthmus').set('authorization', `Bearer ${apiKey}`).send({})).body.didState.did;
  const keygen = holder('keygen', '--out', keyFile);
  expect(keygen.status, keygen.stderr).toBe(0);
  keys = JSON.parse(keygen.stdout);
});
afterAll(async () => {
  await region?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run holder', { timeout: 120_000 }, () => {
  it('keygen writes the private JWK to a file only its owner reads, and prints the public forms', () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(keys.privateKeyFile).toBe(keyFile);
    expect(keys.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String) });
    expect(keys.didJwk).toMatch(/^did:jwk:ey/);
    expect(keys.didKey).toMatch(/^did:key:z6Mk/);
  });

  it('present: an SD-JWT (options.holder a did:jwk) disclosing what was asked, that the region verifies for this challenge only', async () => {
    const vc = await issue({
      credential: credential({ givenName: 'Qwertz', birthDate: '1990-04-01', nationality: 'NL' }),
      options: { format: 'dc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/birthDate', '/credentialSubject/nationality'], holder: keys.didJwk },
    });
    const presented = holder('present', vc, '--key', keyFile, '--disclose', 'birthDate', '--aud', 'https://rp.example', '--nonce', 'c-1');
    expect(presented.stderr).toBe('');
    expect(presented.status).toBe(0);
    const presentation = presented.stdout.trim();
    const good = await verify(presentation, 'c-1');
    expect(good.body.errors).toEqual([]);
    expect(good.status).toBe(200);
    expect(good.body.credential).toMatchObject({ birthDate: '1990-04-01', givenName: 'Qwertz' });
    expect(good.body.credential).not.toHaveProperty('nationality');
    const replayed = await verify(presentation, 'c-2');
    expect(replayed.status).toBe(400);
    expect(replayed.body.errors.map((e: any) => e.check)).toEqual(['holder-binding']);

    const refused = holder('present', vc, '--key', keyFile, '--disclose', 'givenName', '--aud', 'https://rp.example', '--nonce', 'c-1');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe('holder: givenName is not selectively disclosable in this SD-JWT; it offers: birthDate, nationality\n');
  });

  it('present --vp-jwt: a VP JWT of a jwt_vc_json credential, signed as the holder did:key, that the region verifies', async () => {
    const vc = await issue({ credential: credential({ id: keys.didKey, degree: 'PhD' }), options: { format: 'jwt_vc_json' } });
    const presented = holder('present', '--vp-jwt', vc, '--key', keyFile, '--aud', 'https://rp.example', '--nonce', 'c-3');
    expect(presented.status, presented.stderr).toBe(0);
    const result = await verify(presented.stdout.trim(), 'c-3');
    expect(result.body.errors).toEqual([]);
    expect(result.status).toBe(200);
    expect(result.body.credential.holder).toBe(keys.didKey);
    expect(result.body.credential.verifiableCredential[0].credentialSubject).toEqual({ id: keys.didKey, degree: 'PhD' });
  });
});
