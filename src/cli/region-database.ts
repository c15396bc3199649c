import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, SQLITE_FILE } from '../database/data-source.js';
import { genesisPath } from '../modules/network/network-files.js';

/** A refusal an operator command states in one line, before it has touched anything. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

/**
 * A region's data directory, as the region itself reads it (`DATA_DIR`: the genesis, and the
 * SQLite database unless `DATABASE_URL` is set). Refuses a directory that holds no genesis,
 * naming the region directories below it (`npm start` keeps one per region under ./data).
 */
export function regionDataDir(dataDir: string): string {
  if (existsSync(genesisPath(dataDir))) return dataDir;
  const regions = existsSync(dataDir) ? readdirSync(dataDir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(genesisPath(join(dataDir, d.name)))) : [];
  const hint = regions.length > 0 ? `; it holds the data directories ${regions.map((d) => join(dataDir, d.name)).join(', ')}: name one with --data-dir` : ' (run npm run network:init, or npm start, first)';
  throw new RefusedError(`${dataDir} is not a region's data directory: it has no network.json${hint}`);
}

/**
 * Opens the database a region with this data directory uses, without migrating it. With
 * `mustExist`, creates nothing: no SQLite file where there was none, and on either database
 * a refusal when no migration has run there (the schema is missing).
 */
export async function openRegionDatabase(dataDir: string, databaseUrl: string | undefined, options: { mustExist: boolean }): Promise<DataSource> {
  const sqlite = join(dataDir, SQLITE_FILE);
  if (options.mustExist && databaseUrl === undefined && !existsSync(sqlite)) {
    throw new RefusedError(`${dataDir} has no database (${sqlite} does not exist, and DATABASE_URL is not set): has a region run with this DATA_DIR?`);
  }
  const db = new DataSource({ ...dataSourceOptions({ databaseUrl, dataDir, mustExist: options.mustExist }), migrationsRun: false });
  await db.initialize();
  if (options.mustExist && !(await hasSchema(db))) {
    await db.destroy();
    throw new RefusedError(`${databaseUrl === undefined ? sqlite : 'the database of DATABASE_URL'} holds no Isthmus schema (no migration has run there): has a region run with it?`);
  }
  return db;
}

async function hasSchema(db: DataSource): Promise<boolean> {
  const runner = db.createQueryRunner();
  try {
    return await runner.hasTable('ledger_head');
  } finally {
    await runner.release();
  }
}
