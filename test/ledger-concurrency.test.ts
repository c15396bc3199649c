import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { startRegion, startReplica, type TestRegion } from './support/region.js';
import { walletCreate } from './support/wallet.js';

const regions: TestRegion[] = [];
afterAll(async () => {
  for (const r of regions.reverse()) await r.close();
});

async function entries(region: TestRegion): Promise<{ index: number; entry: { payload: { did: string } } }[]> {
  const all = [];
  let start: number | null = 0;
  while (start !== null) {
    const page: { entries: { index: number; entry: { payload: { did: string } } }[]; next: number | null } = (await request(region.app.getHttpServer()).get(`/ledger/eu/entries?start=${start}&limit=1000`)).body;
    all.push(...page.entries);
    start = page.next;
  }
  return all;
}

describe('concurrent appends', () => {
  it('never produce a gap or a duplicate index, and checkpoint per batch, not per request', async () => {
    const region = await startRegion();
    regions.push(region);
    const creates = Array.from({ length: 150 }, () => walletCreate());
    const answers = await Promise.all(creates.map((c) => request(region.app.getHttpServer()).post('/1.0/operations').send(c.operation)));
    expect(answers.map((a) => a.status)).toEqual(creates.map(() => 201));
    const stored = await entries(region);
    expect(stored.map((e) => e.index)).toEqual(creates.map((_, i) => i));
    expect(new Set(stored.map((e) => e.entry.payload.did))).toEqual(new Set(creates.map((c) => c.did)));
    const indexes = answers.map((a) => a.body.didRegistrationMetadata.index as number);
    expect(new Set(indexes).size).toBe(150);
    // One checkpoint per batch: far fewer than one per request under this load.
    const db = region.app.get<DataSource>(getDataSourceToken());
    const [{ n }] = (await db.query(`SELECT COUNT(*) AS n FROM checkpoint WHERE log = 'eu'`)) as { n: string | number }[];
    expect(Number(n)).toBeLessThan(100);
  });

  it.runIf(process.env.TEST_DATABASE_URL)('two replicas on one PostgreSQL database serialize their appends', async () => {
    const first = await startRegion();
    regions.push(first);
    // A second replica of the same region on the same database.
    const second = await startReplica(first);
    regions.push(second);
    const creates = Array.from({ length: 120 }, () => walletCreate());
    const answers = await Promise.all(
      creates.map((c, i) => request((i % 2 ? first : second).app.getHttpServer()).post('/1.0/operations').send(c.operation)),
    );
    expect(answers.map((a) => a.status)).toEqual(creates.map(() => 201));
    const stored = await entries(first);
    expect(stored.map((e) => e.index)).toEqual(creates.map((_, i) => i));
  });
});
