import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegion, type TestRegion } from './support/region.js';

// A write answered to one request must not vanish because another request's transaction rolled
// back meanwhile. On SQLite every query of the process shares one connection, so the region
// gives an open transaction that connection to itself (src/database/sqlite-serial.ts); on
// PostgreSQL each transaction has a connection of its own. Either way, the same outcome.
let region: TestRegion;
beforeAll(async () => {
  region = await startRegion();
}, 60_000);
afterAll(async () => {
  await region?.close();
});

describe('the region’s database', () => {
  it('keeps a write made while another transaction is open, when that transaction rolls back', async () => {
    const db = region.app.get<DataSource>(getDataSourceToken());
    const p = (n: number) => (db.options.type === 'postgres' ? `$${n}` : '?');
    const key = `transactions-test-${Date.now()}`;
    const failing = db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO credential_anchor_pending (digest, created_at) VALUES (${p(1)}, ${p(2)})`, [`${key}-inside`, new Date().toISOString()]);
        await new Promise((r) => setTimeout(r, 100));
        throw new Error('rolled back');
      })
      .catch((error: Error) => error.message);
    await new Promise((r) => setTimeout(r, 20));
    await db.query(`INSERT INTO credential_anchor_pending (digest, created_at) VALUES (${p(1)}, ${p(2)})`, [`${key}-outside`, new Date().toISOString()]);
    expect(await failing).toBe('rolled back');
    const rows = (await db.query(`SELECT digest FROM credential_anchor_pending WHERE digest LIKE ${p(1)} ORDER BY digest`, [`${key}%`])) as { digest: string }[];
    expect(rows.map((r) => r.digest)).toEqual([`${key}-outside`]);
  });
});
