import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './support/database.js';

// The built operator commands, run as an operator runs them, on the layout `npm start` makes:
// one data directory per region under ./data (here a temporary root).
const dist = (file: string) => join(process.cwd(), 'dist/src/cli', file);
const root = mkdtempSync(join(tmpdir(), 'isthmus-cli-'));
const run = (cli: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [dist(cli), ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 });
/** Every path under a directory, to show that a refused command created nothing. */
const tree = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort() : []);

const init = run('network-init.js', ['--per-region', '--data-dir', root, '--regions', 'eu=http://127.0.0.1:3001,ap=http://127.0.0.1:3002']);
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Each command is a fresh Node process (several seconds on a loaded machine).
describe('ledger:audit --data-dir on a directory without a database', { timeout: 120_000 }, () => {
  it('refuses in one line and creates nothing, where the genesis is but no database', () => {
    expect(init.status, init.stderr).toBe(0);
    const before = tree(root);
    const result = run('ledger-audit.js', ['--data-dir', join(root, 'eu')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`ledger:audit: ${join(root, 'eu')} has no database (${join(root, 'eu', 'isthmus.sqlite')} does not exist, and DATABASE_URL is not set): has a region run with this DATA_DIR?\n`);
    expect(tree(root)).toEqual(before);
  });

  it('refuses a directory that does not exist, without creating it', () => {
    const missing = join(root, 'nowhere');
    const result = run('ledger-audit.js', ['--data-dir', missing]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^ledger:audit: .*nowhere is not a region's data directory: it has no network\.json/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(missing)).toBe(false);
  });

  it.runIf(process.env.TEST_DATABASE_URL)('refuses a PostgreSQL database that no region has migrated, and leaves it empty', async () => {
    const database = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
    try {
      const result = run('ledger-audit.js', ['--data-dir', join(root, 'eu')], { DATABASE_URL: database.url! });
      expect(result.stderr).toBe('ledger:audit: the database of DATABASE_URL holds no Isthmus schema (no migration has run there): has a region run with it?\n');
      expect(result.status).toBe(1);
      const again = run('ledger-audit.js', ['--data-dir', join(root, 'eu')], { DATABASE_URL: database.url! });
      expect(again.stderr).toMatch(/holds no Isthmus schema/);
    } finally {
      await database.release();
    }
  });
});

describe('migration:run takes a region’s data directory as the regions do', { timeout: 120_000 }, () => {
  it('refuses the root that npm start lays out, naming the region directories in it, and creates nothing', () => {
    const before = tree(root);
    for (const result of [run('migration-run.js', [], { DATA_DIR: root }), run('migration-run.js', ['--data-dir', root])]) {
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`migration:run: ${root} is not a region's data directory: it has no network.json; it holds the data directories ${join(root, 'ap')}, ${join(root, 'eu')}: name one with --data-dir\n`);
    }
    expect(tree(root)).toEqual(before);
  });

  it('migrates DIR/isthmus.sqlite of the region named, once; ledger:audit then passes on it', () => {
    const eu = join(root, 'eu');
    const first = run('migration-run.js', ['--data-dir', eu]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^applied CreateIssuer/);
    expect(first.stdout).toMatch(new RegExp(`to ${join(eu, 'isthmus.sqlite')}\n$`));
    expect(existsSync(join(eu, 'isthmus.sqlite'))).toBe(true);
    expect(existsSync(join(root, 'ap', 'isthmus.sqlite'))).toBe(false);
    expect(run('migration-run.js', [], { DATA_DIR: eu }).stdout).toBe(`no pending migrations in ${join(eu, 'isthmus.sqlite')}\n`);
    const audit = run('ledger-audit.js', ['--data-dir', eu]);
    expect(audit.stderr).toBe('');
    expect(audit.stdout).toBe('audit passed\n');
  });
});

describe('network:init in a git work tree', { timeout: 120_000 }, () => {
  const git = (cwd: string, ...args: string[]) => spawnSync('git', args, { cwd, encoding: 'utf8' });

  it('this repository ignores the key files the documented commands write (network/, docker/network/)', () => {
    for (const path of ['network/eu/keys/eu.json', 'docker/network/ap/keys/ap.json']) {
      expect(git(process.cwd(), 'check-ignore', '-q', '--', path).status, path).toBe(0);
    }
  });

  it('warns in one line when it writes keys that the work tree does not ignore, and not once they are ignored', () => {
    const repo = mkdtempSync(join(tmpdir(), 'isthmus-repo-'));
    try {
      expect(git(repo, 'init', '-q').status).toBe(0);
      const regions = ['--regions', 'eu=http://127.0.0.1:3001,ap=http://127.0.0.1:3002'];
      const exposed = run('network-init.js', ['--per-region', '--data-dir', join(repo, 'net'), ...regions]);
      expect(exposed.status, exposed.stderr).toBe(0);
      expect(exposed.stderr).toBe(`network:init: warning: ${join(repo, 'net/eu/keys/eu.json')}, ${join(repo, 'net/ap/keys/ap.json')} (private keys) lie in a git work tree that does not ignore them: add them to .gitignore before git add\n`);
      expect(git(repo, 'status', '--porcelain', '--untracked-files=all').stdout).toMatch(/keys\/eu\.json/);

      writeFileSync(join(repo, '.gitignore'), 'ignored/\n');
      const ignored = run('network-init.js', ['--data-dir', join(repo, 'ignored'), ...regions]);
      expect(ignored.status, ignored.stderr).toBe(0);
      expect(ignored.stderr).toBe('');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('says nothing outside a git work tree', () => {
    expect(init.stderr).toBe('');
  });
});
