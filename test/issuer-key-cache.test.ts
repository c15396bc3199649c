import { createHash, randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER_KEY_TTL_MS } from '../src/modules/admin/issuer.repository.js';
import { ADMIN_TOKEN, startRegion, type TestRegion } from './support/region.js';

// Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
let region: TestRegion;
let db: DataSource;
beforeAll(async () => {
  region = await startRegion();
  db = region.app.get<DataSource>(getDataSourceToken());
});
afterAll(async () => {
  await region?.close();
});

const hash = (key: string) => createHash('sha256').update(key).digest('hex');
/** The guard runs before validation: 400 for a known key with an empty body, 401 for an unknown one. */
const statusWith = async (key: string) => (await request(region.app.getHttpServer()).post('/credentials/status').set('authorization', `Bearer ${key}`).send({})).status;

describe('issuer API keys remembered by a region', () => {
  it('a key another replica replaced stops working here within ISSUER_KEY_TTL_MS; the new one works at once', async () => {
    const { apiKey } = (await request(region.app.getHttpServer()).post('/admin/issuers').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: 'Rotating' })).body;
    expect(await statusWith(apiKey)).toBe(400); // found, and remembered
    const replacement = `${apiKey}-rotated`;
    // As another replica on the same database would: the row changes under this process.
    await db.query(db.options.type === 'postgres' ? 'UPDATE "issuer" SET "api_key_hash" = $1 WHERE "api_key_hash" = $2' : 'UPDATE "issuer" SET "api_key_hash" = ? WHERE "api_key_hash" = ?', [hash(replacement), hash(apiKey)]);
    expect(await statusWith(replacement)).toBe(400);
    await new Promise((r) => setTimeout(r, ISSUER_KEY_TTL_MS + 50));
    expect(await statusWith(apiKey)).toBe(401);
    expect(await statusWith(replacement)).toBe(400);
  });

  it('an unknown key is not remembered: a key that appears in the database works at once', async () => {
    const key = `later-${Date.now()}`;
    expect(await statusWith(key)).toBe(401);
    const row = [randomUUID(), 'Later', hash(key), new Date().toISOString()];
    await db.query(db.options.type === 'postgres' ? 'INSERT INTO "issuer" ("id", "name", "api_key_hash", "created_at") VALUES ($1, $2, $3, $4)' : 'INSERT INTO "issuer" ("id", "name", "api_key_hash", "created_at") VALUES (?, ?, ?, ?)', row);
    expect(await statusWith(key)).toBe(400);
  });
});
