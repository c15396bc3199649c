import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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
