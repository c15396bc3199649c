/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startRegion, type TestRegion } from './support/region.js';

let region: TestRegion;
let apiKey: string;
let did: string;
const SCHEMA_ID = 'https://schemas.isthmus.example/degree/v1';
const http = () => request(region.app.getHttpServer());

beforeAll(async () => {
  region = await startRegion();
  mkdirSync(join(region.config.dataDir, 'schemas'));
  writeFileSync(
    join(region.config.dataDir, 'schemas', 'degree.json'),
    JSON.stringify({
      $id: SCHEMA_ID,
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['credentialSubject'],
      properties: { credentialSubject: { type: 'object', required: ['degree'], properties: { degree: { type: 'string', enum: ['BSc', 'MSc', 'PhD'] } } } },
    }),
  );
  region = await region.restart(); // schemas are loaded at boot
  apiKey = (await http().post('/admin/issuers').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: 'Leiden' })).body.apiKey;
  did = (await http().post('/1.0/create?method=isthmus').set('authorization', `Bearer ${apiKey}`).send({})).body.didState.did;
});
afterAll(async () => {
  await region?.close();
});

const credential = (degree: string, schemaId = SCHEMA_ID) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', 'UniversityDegreeCredential'],
  issuer: did,
  credentialSchema: { id: schemaId, type: 'JsonSchema' },
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree },
});
const issue = (body: unknown) => http().post('/credentials/issue').set('authorization', `Bearer ${apiKey}`).send(body as object);

describe('credentialSchema (JsonSchema) with schemas the region holds', () => {
  it('issues a credential that matches, and verification reports the schema check', async () => {
    const issued = await issue({ credential: credential('MSc') });
    expect(issued.status).toBe(201);
    const verified = await http().post('/credentials/verify').send({ verifiableCredential: issued.body.verifiableCredential });
    expect(verified.status).toBe(200);
    expect(verified.body.checks.find((c: any) => c.check === 'schema').result).toBe('passed');
  });

  it('refuses a credential that does not match with 422 naming the field', async () => {
    const res = await issue({ credential: credential('Diploma') });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.errors[0].pointer).toBe('/credential/credentialSubject/degree');
  });

  it('signs a schema it does not hold unchecked, without fetching it; verification reports it skipped', async () => {
    const res = await issue({ credential: credential('Diploma', 'https://elsewhere.example/schema.json') });
    expect(res.status).toBe(201);
    const verified = await http().post('/credentials/verify').send({ verifiableCredential: res.body.verifiableCredential });
    expect(verified.body.checks.find((c: any) => c.check === 'schema')).toEqual({ check: 'schema', result: 'skipped', detail: 'not held here: https://elsewhere.example/schema.json' });
  });
});
