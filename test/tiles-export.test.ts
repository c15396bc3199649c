import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DidOperation } from '../src/domain/did/index.js';
import { operationHash } from '../src/domain/did/index.js';
import { LedgerWriter } from '../src/modules/ledger/ledger-writer.js';
import { writeNetworkFiles } from '../src/modules/network/network-files.js';
import { startRegion, testNetwork, type TestRegion } from './support/region.js';
import { bundlePath, checkpointOf, hashTilePath, readTiledLog } from './support/tlog-tiles.js';
import { walletCreate } from './support/wallet.js';

let region: TestRegion;
let out: string;

const cli = (script: string, args: string[]) =>
  spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli', script), ...args], {
    env: { PATH: process.env.PATH, ...(region.database.url ? { DATABASE_URL: region.database.url } : {}) },
    encoding: 'utf8',
    timeout: 180_000,
  });
const exportTo = (dir: string) => cli('ledger-export.js', [dir, '--data-dir', region.config.dataDir]);
const audit = (location: string) => cli('ledger-audit.js', ['--url', location, '--genesis', join(region.config.dataDir, 'network.json')]);

async function append(count: number): Promise<void> {
  const writer = region.app.get(LedgerWriter);
  const creates = Array.from({ length: count }, () => walletCreate('eu'));
  await Promise.all(creates.map(({ did, operation }) => writer.append({ kind: 'did-op', prepare: async () => ({ did, ref: operationHash(operation as unknown as DidOperation), payload: { did, operation } }) })));
}

beforeAll(async () => {
  region = await startRegion();
  out = mkdtempSync(join(tmpdir(), 'isthmus-export-'));
  await append(300);
}, 120_000);

afterAll(async () => {
  await region?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('ledger:export, a static tlog-tiles mirror (issue 17)', { timeout: 240_000 }, () => {
  it('writes the tiles of the latest checkpoint, which an independent reader and ledger:audit accept', async () => {
    const first = exportTo(out);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`log eu: ${join(out, 'tlog', 'eu')} at size 300`);
    expect(first.stdout).toContain('log ap: no checkpoint here yet');
    const dir = join(out, 'tlog', 'eu');
    const note = readFileSync(join(dir, 'checkpoint'), 'utf8');
    const signed = checkpointOf(note);
    expect(signed.size).toBe(300);
    const read = await readTiledLog(async (path) => readFileSync(join(dir, path)), signed.size);
    expect(read.root.equals(signed.root)).toBe(true);
    const result = audit(`file://${dir}/`);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/log eu: 300 entries, .*checkpoint and tiles verified, 300 DIDs.*: ok\naudit passed\n$/);
    // The export root names every log it holds.
    expect(audit(out).stdout).toMatch(/log eu: 300 entries/);
  });

  it('is incremental: full tiles stay, the log grown is exported again and still audits clean', async () => {
    await append(230);
    const again = exportTo(out);
    expect(again.status).toBe(0);
    // 0/000 and entries/000 were full already; 0/001 and entries/001 become full, new partials and level 1.
    expect(again.stdout).toMatch(/at size 530: \d+ files written, 2 full tiles kept/);
    const dir = join(out, 'tlog', 'eu');
    const read = await readTiledLog(async (path) => readFileSync(join(dir, path)), 530);
    expect(read.root.equals(checkpointOf(readFileSync(join(dir, 'checkpoint'), 'utf8')).root)).toBe(true);
    expect(readFileSync(join(dir, hashTilePath(1, 0, 2)))).toHaveLength(64);
    expect(audit(dir).status).toBe(0);
  });

  it('one byte changed in an exported entry bundle is a FAULT', () => {
    const file = join(out, 'tlog', 'eu', bundlePath(1, 256));
    const bytes = readFileSync(file);
    const at = bytes.indexOf('"did:isthmus:') + 20;
    bytes[at] = bytes[at] === 0x61 ? 0x62 : 0x61;
    writeFileSync(file, bytes);
    const result = audit(out);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^ledger:audit: FAULT: log eu, entry 2\d\d: /);
  });

  it('a changed hash in an upper tile is a FAULT too', () => {
    // Restore the bundle altered above: a full file is kept by the export, so remove it first.
    rmSync(join(out, 'tlog', 'eu', bundlePath(1, 256)));
    expect(exportTo(out).status).toBe(0);
    expect(audit(out).status).toBe(0);
    const file = join(out, 'tlog', 'eu', hashTilePath(1, 0, 2));
    const bytes = readFileSync(file);
    bytes[40]! ^= 1;
    writeFileSync(file, bytes);
    const result = audit(out);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/FAULT: log eu, tile\/1\/000\.p\/2: does not hold the roots/);
  });
});

describe('ledger:export where there is no database', { timeout: 120_000 }, () => {
  it('refuses in one line and writes nothing', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'isthmus-nodb-'));
    const target = join(dataDir, 'out');
    try {
      writeNetworkFiles(dataDir, testNetwork(), ['eu']);
      const result = spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/ledger-export.js'), target, '--data-dir', dataDir], { env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 60_000 });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`ledger:export: ${dataDir} has no database (${join(dataDir, 'isthmus.sqlite')} does not exist, and DATABASE_URL is not set): has a region run with this DATA_DIR?\n`);
      expect(existsSync(target)).toBe(false);
      expect(existsSync(join(dataDir, 'isthmus.sqlite'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
