import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';

export interface DatabaseTarget {
  /** `postgres://…`; absent means embedded SQLite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Open an existing SQLite database only: create neither the directory nor the file. */
  readonly mustExist?: boolean;
}

export const SQLITE_FILE = 'isthmus.sqlite';

/**
 * One place that knows how to reach the database. Schema comes only from migrations, which
 * run at start-up; `synchronize` is never on.
 */
export function dataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (target.databaseUrl !== undefined) {
    return { ...common, type: 'postgres', url: target.databaseUrl, extra: { max: 10, application_name: 'isthmus' } };
  }
  if (!target.mustExist) mkdirSync(target.dataDir, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: join(target.dataDir, SQLITE_FILE),
    fileMustExist: target.mustExist === true,
    // WAL lets readers proceed during an append; busy_timeout waits out a concurrent writer.
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    },
  };
}
