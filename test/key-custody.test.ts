import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegionApp } from '../src/app.factory.js';
import { createLogger } from '../src/common/logger.js';
import { ConfigError } from '../src/config/config.js';
import { ADMIN_TOKEN, startRegion, type TestRegion } from './support/region.js';

// Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
const regions: TestRegion[] = [];
afterEach(async () => {
  await Promise.all(regions.splice(0).map((r) => r.close()));
});

const dbOf = (region: TestRegion) => region.app.get<DataSource>(getDataSourceToken());

/** An issuer tenant with one DID of this region's registrar (its keys sealed in the database). */
async function issuerWithDid(region: TestRegion): Promise<{ apiKey: string; did: string }> {
  const server = region.app.getHttpServer();
  const apiKey = (await request(server).post('/admin/issuers').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: 'Leiden' })).body.apiKey as string;
  const created = await request(server).post('/1.0/create?method=isthmus').set('authorization', `Bearer ${apiKey}`).send({});
  expect(created.status).toBe(201);
  return { apiKey, did: created.body.didState.did as string };
}

const credential = (issuer: string) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential'],
  issuer,
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'MSc' },
});

describe('the keys a region holds at rest', () => {
  it('a database from before the claim, holding sealed keys, refuses another KEY_ENCRYPTION_SECRET and accepts its own', async () => {
    const region = await startRegion();
    regions.push(region);
    await issuerWithDid(region);
    await dbOf(region).query('DELETE FROM database_owner');
    await region.stop();
    const silent = createLogger('silent', 'eu');
    const wrong = createRegionApp({ ...region.config, keyEncryptionSecret: '5a'.repeat(32) }, silent);
    await expect(wrong).rejects.toThrow(ConfigError);
    await expect(wrong).rejects.toThrow(/^KEY_ENCRYPTION_SECRET does not open the keys sealed in this database/);
    const again = await region.restart();
    regions.push(again);
    const [{ n }] = (await dbOf(again).query(`SELECT COUNT(*) AS n FROM database_owner WHERE region = 'eu'`)) as { n: string | number }[];
    expect(Number(n)).toBe(1);
  });

  it('a stored key that does not open at run time is a logged 500 problem, not the caller’s 4xx', async () => {
    const lines: string[] = [];
    const region = await startRegion({ logLines: lines, env: { LOG_LEVEL: 'error' } });
    regions.push(region);
    const { apiKey, did } = await issuerWithDid(region);
    // Altered at rest; a new process has not opened (cached) the keys yet.
    const rows = (await dbOf(region).query('SELECT alias, sealed FROM private_key')) as { alias: string; sealed: string }[];
    for (const row of rows) {
      const [version, iv, body] = row.sealed.split('.');
      const bytes = Buffer.from(body!, 'base64url');
      bytes[0]! ^= 1;
      await dbOf(region).query(`UPDATE private_key SET sealed = '${version}.${iv}.${bytes.toString('base64url')}' WHERE alias = '${row.alias}'`);
    }
    const restarted = await region.restart();
    regions.push(restarted);
    const answer = await request(restarted.app.getHttpServer()).post('/credentials/issue').set('authorization', `Bearer ${apiKey}`).send({ credential: credential(did) });
    expect(answer.status).toBe(500);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: 'https://isthmus.dev/problems/internal-error', status: 500, requestId: expect.any(String) });
    expect(JSON.stringify(answer.body)).not.toMatch(/KEY_ENCRYPTION_SECRET|decrypt|sealed/);
    expect(lines.some((line) => line.includes('unexpected error') && line.includes('does not decrypt'))).toBe(true);
  });
});
