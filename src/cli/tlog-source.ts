import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBoundedBody } from '../common/bounded-body.js';
import type { StoredEntry } from '../domain/audit/audit.js';
import { decodeEntryBundle, decodeTile, fullTileRoot, HASH_SIZE, TILE_WIDTH, tilePath, type TileRef } from '../domain/ledger/tiles.js';

/** Bounds of every read from a tiles mirror: whoever serves it controls the bytes and the pace. */
export const TILE_LIMITS = {
  checkpoint: 16 * 1024,
  tile: TILE_WIDTH * HASH_SIZE,
  /** 256 entries of at most 65 535 bytes each, behind their 2-byte lengths. */
  bundle: TILE_WIDTH * (2 + 0xffff),
  timeoutMs: 30_000,
} as const;

/** Reads one resource below a tlog-tiles prefix, at most `limit` bytes; undefined when absent (404 or no file). */
export type TileGetter = (path: string, limit: number) => Promise<Buffer | undefined>;

/** Whether `location` names a tiles mirror (a `/tlog/<log>` base, a file: URL or a directory) rather than a region's base URL. */
export function isTilesLocation(location: string): boolean {
  if (/^https?:\/\//.test(location)) return /\/tlog\/[a-z][a-z0-9-]*\/?$/.test(location);
  return true;
}

/** The log prefixes under a tiles location: itself when it holds a checkpoint, else each `tlog/<log>` of an export directory. */
export function tileBases(location: string): string[] {
  if (/^https?:\/\//.test(location)) return [location.replace(/\/*$/, '/')];
  const dir = location.startsWith('file:') ? fileURLToPath(location) : resolve(location);
  if (existsSync(join(dir, 'checkpoint'))) return [dir];
  const root = existsSync(join(dir, 'tlog')) ? join(dir, 'tlog') : dir;
  const logs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'checkpoint')));
  if (logs.length === 0) throw new Error(`${location} holds no tlog-tiles checkpoint (neither ${join(dir, 'checkpoint')} nor ${join(root, '<log>', 'checkpoint')})`);
  return logs.map((d) => join(root, d.name));
}

/** A getter for an http(s) prefix (bounded in time and bytes, no redirects) or a directory (bounded in bytes). */
export function tileGetter(base: string): TileGetter {
  if (/^https?:\/\//.test(base)) {
    return async (path, limit) => {
      const url = new URL(path, base).toString();
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(TILE_LIMITS.timeoutMs) });
      if (response.status === 404) {
        await response.body?.cancel().catch(() => undefined);
        return undefined;
      }
      if (!response.ok || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}`);
      return readBoundedBody(response, limit, () => new Error(`GET ${url}: more than ${limit} bytes`));
    };
  }
  return async (path, limit) => {
    const file = join(base, ...path.split('/'));
    if (!existsSync(file) || !statSync(file).isFile()) return undefined;
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > limit) throw new Error(`${file}: more than ${limit} bytes`);
      const buffer = Buffer.alloc(size);
      readSync(fd, buffer, 0, size, 0);
      return buffer;
    } finally {
      closeSync(fd);
    }
  };
}

async function required(get: TileGetter, ref: TileRef): Promise<Buffer> {
  const path = tilePath(ref);
  const bytes = await get(path, ref.level === 'entries' ? TILE_LIMITS.bundle : TILE_LIMITS.tile);
  if (bytes === undefined) throw new TileFault(path, 'is missing');
  return bytes;
}

/** A tile that is missing or does not agree with the rest of the tree. */
export class TileFault extends Error {
  constructor(
    readonly where: string,
    problem: string,
  ) {
    super(`${where} ${problem}`);
    this.name = 'TileFault';
  }
}

/**
 * The entries of the tree of `size`, read from its level-0 tiles and entry bundles, each entry
 * paired with the leaf hash its tile holds (the audit recomputes and compares it). After the last
 * entry, checks every upper-level tile: each hash is the root of the full tile below it.
 */
export async function* tiledEntries(get: TileGetter, size: number): AsyncIterable<StoredEntry> {
  let roots: Uint8Array[] = [];
  for (let index = 0; index * TILE_WIDTH < size; index++) {
    const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
    const tileRef: TileRef = { level: 0, index, width };
    const bundleRef: TileRef = { level: 'entries', index, width };
    const hashes = decodeOrFault(tileRef, await required(get, tileRef));
    const bundle = await required(get, bundleRef);
    let entries: Uint8Array[];
    try {
      entries = decodeEntryBundle(bundle);
    } catch (error) {
      throw new TileFault(tilePath(bundleRef), `is not an entry bundle (${(error as Error).message})`);
    }
    if (entries.length !== width) throw new TileFault(tilePath(bundleRef), `holds ${entries.length} entries, not ${width}`);
    for (let i = 0; i < width; i++) {
      yield { index: index * TILE_WIDTH + i, entry: Buffer.from(entries[i]!).toString('utf8'), leafHash: Buffer.from(hashes[i]!).toString('base64') };
    }
    if (width === TILE_WIDTH) roots.push(fullTileRoot(hashes));
  }
  for (let level = 1; roots.length > 0; level++) {
    const next: Uint8Array[] = [];
    for (let index = 0; index * TILE_WIDTH < roots.length; index++) {
      const expected = roots.slice(index * TILE_WIDTH, (index + 1) * TILE_WIDTH);
      const ref: TileRef = { level, index, width: expected.length };
      const hashes = decodeOrFault(ref, await required(get, ref));
      if (hashes.some((h, i) => Buffer.compare(h, expected[i]!) !== 0)) throw new TileFault(tilePath(ref), 'does not hold the roots of the tiles below it');
      if (hashes.length === TILE_WIDTH) next.push(fullTileRoot(hashes));
    }
    roots = next;
  }
}

/** The hashes of a hash tile of the expected width, or a fault naming it. */
function decodeOrFault(ref: TileRef, bytes: Buffer): Uint8Array[] {
  if (bytes.length !== ref.width * HASH_SIZE) throw new TileFault(tilePath(ref), `is ${bytes.length} bytes, not ${ref.width * HASH_SIZE}`);
  return decodeTile(bytes);
}
