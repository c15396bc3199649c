import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source.js';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL, or DATA_DIR's SQLite. */
async function main(): Promise<void> {
  const db = new DataSource({
    ...dataSourceOptions({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR || './data' }),
    migrationsRun: false,
  });
  await db.initialize();
  try {
    const applied = await db.runMigrations({ transaction: 'each' });
    process.stdout.write(applied.length === 0 ? 'no pending migrations\n' : applied.map((m) => `applied ${m.name}\n`).join(''));
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migration:run: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
