import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The database a test region runs on: embedded SQLite by default, a fresh PostgreSQL database
 * when TEST_DATABASE_URL is set (created here, dropped on release, so runs never collide).
 */
export interface TestDatabase {
  readonly kind: 'sqlite' | 'postgres';
  /** undefined for SQLite (the region keeps it under its DATA_DIR). */
  readonly url: string | undefined;
  release(): Promise<void>;
}

export const testDatabaseKind = (): 'sqlite' | 'postgres' => (process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite');

export async function createPostgresDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `isthmus_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    url: url.toString(),
    release: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) return createPostgresDatabase(adminUrl);
  return { kind: 'sqlite', url: undefined, release: async () => {} };
}
