import 'reflect-metadata';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SQLITE_FILE } from '../database/data-source.js';
import { openRegionDatabase, regionDataDir } from './region-database.js';

const USAGE = 'usage: npm run migration:run -- [--data-dir DIR]   (DIR: the DATA_DIR of one region, e.g. data/eu after npm start; default DATA_DIR or ./data)';

/**
 * `npm run migration:run`: applies pending migrations to the database a region with this data
 * directory uses: DATABASE_URL, or DIR/isthmus.sqlite, which must be a region's DATA_DIR.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const given = values['data-dir'] ?? (process.env.DATA_DIR || './data');
  // With PostgreSQL the data directory holds no database; without, it must be a region's.
  const dataDir = databaseUrl === undefined ? regionDataDir(given) : given;
  const db = await openRegionDatabase(dataDir, databaseUrl, { mustExist: false });
  try {
    const applied = await db.runMigrations({ transaction: 'each' });
    const where = databaseUrl === undefined ? join(dataDir, SQLITE_FILE) : 'the database of DATABASE_URL';
    process.stdout.write(applied.length === 0 ? `no pending migrations in ${where}\n` : `${applied.map((m) => `applied ${m.name}\n`).join('')}to ${where}\n`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migration:run: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
