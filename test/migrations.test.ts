import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { dataSourceOptions } from '../src/database/data-source.js';
import { MIGRATIONS } from '../migrations/index.js';
import { createPostgresDatabase } from './support/database.js';

/** Runs every migration on an empty database, then asks TypeORM what the entities still lack. */
async function pendingSchemaChanges(target: { databaseUrl: string | undefined; dataDir: string }): Promise<string[]> {
  const db = new DataSource(dataSourceOptions(target));
  await db.initialize(); // migrationsRun: true
  try {
    const applied = (await db.query('SELECT name FROM migrations')) as { name: string }[];
    expect(applied.map((m) => m.name).sort()).toEqual(MIGRATIONS.map((m) => new m().name!).sort());
    const sql = await db.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  } finally {
    await db.destroy();
  }
}

describe('migrations give the schema the entities expect', () => {
  it('on SQLite', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'isthmus-migrations-'));
    try {
      expect(await pendingSchemaChanges({ databaseUrl: undefined, dataDir })).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.runIf(process.env.TEST_DATABASE_URL)('on PostgreSQL', async () => {
    const database = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
    try {
      expect(await pendingSchemaChanges({ databaseUrl: database.url, dataDir: tmpdir() })).toEqual([]);
    } finally {
      await database.release();
    }
  });
});
