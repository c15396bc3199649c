import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DidOperation } from '../src/domain/did/index.js';
import { operationHash } from '../src/domain/did/index.js';
import { LedgerWriter } from '../src/modules/ledger/ledger-writer.js';
import { verifySignedNote } from './support/independent.js';
import { startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { bundlePath, checkpointOf, hashTilePath, readTiledLog } from './support/tlog-tiles.js';
import { walletCreate } from './support/wallet.js';

/** eu: two full level-0 tiles and a partial one, a partial level-1 tile of width 2; ap: one full and a partial. */
const SIZES = { eu: 600, ap: 300 } as const;

/** Appends `count` signed creates of fresh DIDs through the region's one write path. */
export async function fillLog(regions: TwoRegions, id: 'eu' | 'ap', count: number): Promise<void> {
  const writer = regions[id].app.get(LedgerWriter);
  const creates = Array.from({ length: count }, () => walletCreate(id));
  await Promise.all(creates.map(({ did, operation }) => writer.append({ kind: 'did-op', prepare: async () => ({ did, ref: operationHash(operation as unknown as DidOperation), payload: { did, operation } }) })));
}

async function get(base: string, path: string): Promise<Response> {
  return fetch(`${base}${path}`);
}

let regions: TwoRegions;

beforeAll(async () => {
  regions = await startTwoRegions();
  await fillLog(regions, 'eu', SIZES.eu);
  await fillLog(regions, 'ap', SIZES.ap);
  for (const region of ['eu', 'ap'] as const) {
    for (const log of ['eu', 'ap'] as const) {
      await waitFor(async () => {
        const response = await get(regions[region].url!, `/tlog/${log}/checkpoint`);
        return response.ok && checkpointOf(await response.text()).size === SIZES[log];
      }, `${region} to hold the checkpoint of ${log} at ${SIZES[log]}`, 60_000);
    }
  }
}, 180_000);

afterAll(async () => {
  await regions?.close();
});

describe('C2SP tlog-tiles (issue 17)', () => {
  for (const region of ['eu', 'ap'] as const) {
    for (const log of ['eu', 'ap'] as const) {
      it(`${region} serves log ${log}: the tiles rebuild the signed root, entries hash to the level-0 tiles, upper tiles hash the tiles below`, async () => {
        const base = `${regions[region].url!}/tlog/${log}/`;
        const checkpoint = await get(base, 'checkpoint');
        expect(checkpoint.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(checkpoint.headers.get('cache-control')).not.toMatch(/immutable/);
        const note = await checkpoint.text();
        const genesis = regions.eu.network.genesis as { regions: { id: string; logKey: string }[] };
        expect(verifySignedNote(note, genesis.regions.find((r) => r.id === log)!.logKey).ok).toBe(true);
        const signed = checkpointOf(note);
        expect(signed.origin).toBe(`isthmus/${log}`);
        const headers = new Map<string, Headers>();
        const read = await readTiledLog(async (path) => {
          const response = await get(base, path);
          if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
          headers.set(path, response.headers);
          return Buffer.from(await response.arrayBuffer());
        }, signed.size);
        expect(read.root.equals(signed.root)).toBe(true);
        expect(read.entries).toHaveLength(SIZES[log]);
        // Each entry is the JCS entry object the log's leaf hash covers.
        read.entries.forEach((bytes, i) => expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ v: 1, log, index: i }));
        // Full tiles are immutable; partial ones (of this size) are not.
        expect(headers.get(hashTilePath(0, 0, 256))!.get('cache-control')).toMatch(/immutable/);
        expect(headers.get(bundlePath(0, 256))!.get('cache-control')).toMatch(/immutable/);
        expect(headers.get(hashTilePath(0, 0, 256))!.get('content-type')).toBe('application/octet-stream');
        const partial = hashTilePath(0, Math.floor(SIZES[log] / 256), SIZES[log] % 256);
        expect(headers.get(partial)!.get('cache-control')).not.toMatch(/immutable/);
        expect(headers.has(hashTilePath(1, 0, Math.floor(SIZES[log] / 256)))).toBe(true);
      });
    }
  }

  it('ledger:audit --url reads a region as a tiles mirror (the build, in another process)', async () => {
    const genesis = join(regions.eu.config.dataDir, 'network.json');
    for (const log of ['eu', 'ap'] as const) {
      const { stdout } = await promisify(execFile)(process.execPath, [join(process.cwd(), 'dist/src/cli/ledger-audit.js'), '--url', `${regions.ap.url!}/tlog/${log}/`, '--genesis', genesis], { timeout: 120_000 });
      expect(stdout).toMatch(new RegExp(`^log ${log}: ${SIZES[log]} entries, root \\S+, checkpoint and tiles verified, ${SIZES[log]} DIDs, (not yet )?cosigned by ${log === 'eu' ? 'ap' : 'eu'}.*: ok\naudit passed\n$`));
    }
  }, 240_000);

  it('answers 404 beyond the tree of the checkpoint and 400 for what is not a tile path', async () => {
    const base = `${regions.ap.url!}/tlog/ap/`;
    const beyond = [hashTilePath(0, 1, 256), hashTilePath(0, 1, 45), bundlePath(2, 1), hashTilePath(1, 0, 256), hashTilePath(2, 0, 1), 'tile/0/x001/000'];
    for (const path of beyond) expect((await get(base, path)).status, path).toBe(404);
    for (const path of ['tile/0/1', 'tile/00/000', 'tile/0/x000/001', 'tile/0/000.p/256', 'tile/0/000.p/0', 'tile/0/000.p/044', 'tile/64/000', 'tile/entries/abc', 'tile/0/000/']) {
      const response = await get(base, path);
      expect([400, 404], path).toContain(response.status);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
    }
    expect((await get(regions.eu.url!, '/tlog/xx/checkpoint')).status).toBe(404);
  });
});
