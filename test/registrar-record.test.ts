import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startRegion, type TestRegion } from './support/region.js';

// Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
let region: TestRegion;
let db: DataSource;
let apiKey: string;
beforeAll(async () => {
  region = await startRegion();
  db = region.app.get<DataSource>(getDataSourceToken());
  apiKey = (await request(region.app.getHttpServer()).post('/admin/issuers').set('authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: 'Leiden' })).body.apiKey;
});
afterAll(async () => {
  await region?.close();
});

const count = async (sql: string) => Number(((await db.query(sql)) as { n: string | number }[])[0]!.n);
const createDid = () => request(region.app.getHttpServer()).post('/1.0/create?method=isthmus').set('authorization', `Bearer ${apiKey}`).send({});

/** Makes every insert of a registrar record fail, as a crash or a full disk would between two writes. */
async function refuseRecords(): Promise<void> {
  if (db.options.type === 'postgres') {
    await db.query(`CREATE FUNCTION refuse_record() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await db.query('CREATE TRIGGER refuse_record BEFORE INSERT ON managed_did FOR EACH ROW EXECUTE FUNCTION refuse_record()');
  } else {
    await db.query(`CREATE TRIGGER refuse_record BEFORE INSERT ON managed_did BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
  }
}

async function allowRecords(): Promise<void> {
  await db.query(db.options.type === 'postgres' ? 'DROP TRIGGER refuse_record ON managed_did' : 'DROP TRIGGER refuse_record');
}

describe('a DID created by the registrar', () => {
  it('reaches the ledger only together with its registrar record (one transaction)', async () => {
    await refuseRecords();
    try {
      const failed = await createDid();
      expect(failed.status).toBe(500);
      expect(failed.headers['content-type']).toMatch(/^application\/problem\+json/);
    } finally {
      await allowRecords();
    }
    expect(await count(`SELECT COUNT(*) AS n FROM ledger_entry WHERE log = 'eu' AND kind = 'did-op'`)).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM managed_did')).toBe(0);

    const created = await createDid();
    expect(created.status).toBe(201);
    const did = created.body.didState.did as string;
    expect(await count(`SELECT COUNT(*) AS n FROM ledger_entry WHERE log = 'eu' AND kind = 'did-op'`)).toBe(1);
    expect(await count(`SELECT COUNT(*) AS n FROM managed_did WHERE did = '${did}' AND owner_id IS NOT NULL`)).toBe(1);
  });
});
