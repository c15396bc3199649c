import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, type TestDatabase } from './support/database.js';
import { freePort } from './support/region.js';

// Runs the built entry point (npm test builds first), as an operator would start a region.
const main = join(process.cwd(), 'dist/src/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'isthmus-boot-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const baseEnv = {
  PATH: process.env.PATH,
  REGION_ID: 'eu',
  DATA_DIR: tmp,
  ADMIN_TOKEN: 'b'.repeat(40),
  KEY_ENCRYPTION_SECRET: 'cd'.repeat(32),
};

function boot(env: Record<string, string | undefined>) {
  return spawnSync(process.execPath, [main], { env, encoding: 'utf8', timeout: 20_000 });
}

describe('starting a region', () => {
  it('is built', () => {
    expect(existsSync(main)).toBe(true);
  });

  it('stops with one line naming a missing variable', () => {
    const result = boot({ ...baseEnv, ADMIN_TOKEN: undefined });
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^isthmus: configuration error: ADMIN_TOKEN is required/);
  });

  it('stops with one line naming a malformed variable', () => {
    const result = boot({ ...baseEnv, PORT: 'eighty' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^isthmus: configuration error: PORT must be/);
  });

  it('refuses to start without a genesis, saying how to make one', () => {
    const result = boot({ ...baseEnv, PORT: '39999', LOG_LEVEL: 'silent' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/network\.json not found .*network:init/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

/** Starts the built region and waits until it answers ready (then stops it) or exits by itself. */
async function runUntilReady(env: Record<string, string | undefined>): Promise<{ ready: boolean; code: number | null; stderr: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], { env: { ...env, PORT: String(port), LOG_LEVEL: 'silent' } });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  // Generous: a loaded CI machine takes many seconds to load the build.
  const deadline = Date.now() + 75_000;
  while (Date.now() < deadline && !done) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) {
        child.kill('SIGTERM');
        return { ready: true, code: await exited, stderr };
      }
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!done) child.kill('SIGKILL');
  return { ready: false, code: await exited, stderr };
}

describe.each([{ kind: 'SQLite' }, ...(process.env.TEST_DATABASE_URL ? [{ kind: 'PostgreSQL' }] : [])])('a region’s database on $kind', ({ kind }) => {
  // network:init without --per-region: both regions' keys in one directory, the mistake to catch.
  const dir = mkdtempSync(join(tmpdir(), 'isthmus-owner-'));
  let database: TestDatabase | undefined;
  const eu = { ...baseEnv, DATA_DIR: dir, KEY_ENCRYPTION_SECRET: 'ef'.repeat(32) };
  const withDatabase = (env: Record<string, string | undefined>) => ({ ...env, ...(database ? { DATABASE_URL: database.url } : {}) });

  beforeAll(async () => {
    if (kind === 'PostgreSQL') database = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
    const init = spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/network-init.js'), '--data-dir', dir, '--regions', 'eu=http://127.0.0.1:1,ap=http://127.0.0.1:2'], { encoding: 'utf8' });
    expect(init.status, init.stderr).toBe(0);
    const first = await runUntilReady(withDatabase(eu));
    expect(first, first.stderr).toMatchObject({ ready: true, code: 0 });
  }, 90_000);
  afterAll(async () => {
    await database?.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts again on its own database with its own secret', async () => {
    expect(await runUntilReady(withDatabase(eu))).toMatchObject({ ready: true, code: 0 });
  }, 90_000);

  it('stops with one line naming KEY_ENCRYPTION_SECRET when the secret is not the one it was started with', async () => {
    const result = await runUntilReady(withDatabase({ ...eu, KEY_ENCRYPTION_SECRET: '12'.repeat(32) }));
    expect(result.ready).toBe(false);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^isthmus: configuration error: KEY_ENCRYPTION_SECRET does not open the keys sealed in this database/)]);
    expect(result.stderr).not.toContain('12'.repeat(32));
  }, 90_000);

  it('stops another region started on the same database, naming the region it belongs to', async () => {
    const result = await runUntilReady(withDatabase({ ...eu, REGION_ID: 'ap', KEY_ENCRYPTION_SECRET: '34'.repeat(32) }));
    expect(result.ready).toBe(false);
    expect(result.code).toBe(2);
    const variable = kind === 'SQLite' ? 'DATA_DIR' : 'DATABASE_URL';
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^isthmus: configuration error: ${variable} holds the database of region "eu", not of region "ap"`))]);
  }, 90_000);

  it('stops when the database was created under another genesis', async () => {
    const other = mkdtempSync(join(tmpdir(), 'isthmus-owner-other-'));
    try {
      const init = spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/network-init.js'), '--data-dir', other, '--regions', 'eu=http://127.0.0.1:1,ap=http://127.0.0.1:2'], { encoding: 'utf8' });
      expect(init.status, init.stderr).toBe(0);
      // On SQLite the database travels with its directory: the same database under another network.json.
      if (kind === 'SQLite') for (const file of readdirSync(dir).filter((f) => f.startsWith('isthmus.sqlite'))) copyFileSync(join(dir, file), join(other, file));
      const result = await runUntilReady(withDatabase({ ...eu, DATA_DIR: other }));
      expect(result.ready).toBe(false);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/configuration error: (DATA_DIR|DATABASE_URL) holds a database created under another genesis/)]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 90_000);
});
