import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../migrations/index.js';
import { LedgerAlarmOnePerKind1763943270000 } from '../migrations/1763943270000-LedgerAlarmOnePerKind.js';
import { dataSourceOptions } from '../src/database/data-source.js';
import { createPostgresDatabase } from './support/database.js';

/**
 * A database that an older version filled with one alarm row per faulty round: the migration
 * folds each (log, kind)'s open rows into the oldest, counted, and marks the others cleared.
 */
async function foldsDuplicates(target: { databaseUrl: string | undefined; dataDir: string }): Promise<void> {
  const before = MIGRATIONS.filter((m) => m !== LedgerAlarmOnePerKind1763943270000);
  const old = new DataSource({ ...dataSourceOptions(target), migrations: before } as DataSourceOptions);
  await old.initialize();
  const p = old.options.type === 'postgres' ? (i: number) => `$${i}` : () => '?';
  const insert = (log: string, kind: string, detail: string, at: string, cleared: string | null = null) =>
    old.query(`INSERT INTO ledger_alarm (log, kind, detail, evidence, blocking, created_at, cleared_at) VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')})`, [log, kind, detail, '{"first":true}', old.options.type === 'postgres' ? false : 0, at, cleared]);
  await insert('ap', 'forged-checkpoint', 'first', '2026-01-01T00:00:01.000Z');
  await insert('ap', 'forged-checkpoint', 'x'.repeat(100_000), '2026-01-01T00:00:02.000Z');
  await insert('ap', 'forged-checkpoint', 'third', '2026-01-01T00:00:03.000Z');
  await insert('ap', 'forged-checkpoint', 'cleared long ago', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.500Z');
  await insert('ap', 'invalid-entries', 'alone', '2026-01-01T00:00:04.000Z');
  await old.destroy();

  const db = new DataSource(dataSourceOptions(target));
  await db.initialize();
  try {
    const rows = (await db.query(`SELECT kind, detail, seen_count AS count, created_at AS "createdAt", last_seen_at AS "lastSeenAt", cleared_at AS "clearedAt" FROM ledger_alarm ORDER BY id`)) as { kind: string; detail: string; count: number; createdAt: string; lastSeenAt: string; clearedAt: string | null }[];
    const open = rows.filter((r) => r.clearedAt === null).map((r) => ({ ...r, count: Number(r.count) }));
    expect(open).toEqual([
      { kind: 'forged-checkpoint', detail: 'first', count: 3, createdAt: '2026-01-01T00:00:01.000Z', lastSeenAt: '2026-01-01T00:00:03.000Z', clearedAt: null },
      { kind: 'invalid-entries', detail: 'alone', count: 1, createdAt: '2026-01-01T00:00:04.000Z', lastSeenAt: '2026-01-01T00:00:04.000Z', clearedAt: null },
    ]);
    expect(rows).toHaveLength(5);
    expect(Math.max(...rows.map((r) => r.detail.length))).toBeLessThanOrEqual(512);
    // The index now refuses a second open alarm of one (log, kind).
    await expect(db.query(`INSERT INTO ledger_alarm (log, kind, detail, evidence, blocking, created_at, last_seen_at) VALUES ('ap', 'invalid-entries', 'd', '{}', ${db.options.type === 'postgres' ? 'false' : '0'}, 'now', 'now')`)).rejects.toThrow();
  } finally {
    await db.destroy();
  }
}

describe('migration LedgerAlarmOnePerKind', () => {
  it('folds open duplicate alarms on SQLite', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'isthmus-alarm-migration-'));
    try {
      await foldsDuplicates({ databaseUrl: undefined, dataDir });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.runIf(process.env.TEST_DATABASE_URL)('folds open duplicate alarms on PostgreSQL', async () => {
    const database = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
    try {
      await foldsDuplicates({ databaseUrl: database.url, dataDir: tmpdir() });
    } finally {
      await database.release();
    }
  });
});
