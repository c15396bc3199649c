import 'reflect-metadata';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { parseCheckpoint, parseNote } from '../domain/ledger/index.js';
import { encodeEntryBundle, encodeTile, fullTileRoot, HASH_SIZE, TILE_WIDTH, tilePath, type TileRef } from '../domain/ledger/tiles.js';
import { CheckpointEntity, LedgerEntryEntity } from '../modules/ledger/ledger.entity.js';
import { loadGenesis } from '../modules/network/network-files.js';
import { openRegionDatabase, regionDataDir } from './region-database.js';

const USAGE =
  'usage: npm run ledger:export -- OUT [--data-dir DIR]   (DIR: a region\'s DATA_DIR, default DATA_DIR or ./data; its database: DATABASE_URL, or DIR/isthmus.sqlite)\n' +
  '  writes OUT/tlog/<log>/checkpoint and its C2SP tlog-tiles (docs/tiles.md); re-run it to bring OUT up to date';

/** Writes a file whole or not at all (temporary file, then rename): a static host never serves half a tile. */
function writeAtomically(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

interface Written {
  written: number;
  kept: number;
}

/**
 * Exports one log up to its latest checkpoint: level-0 tiles and entry bundles from the stored
 * entries, each upper level from the roots of the full tiles below, then the checkpoint last (a
 * reader that sees it finds every tile it names). Full tiles already exported are immutable and
 * kept; partial ones are written for this size.
 */
async function exportLog(db: DataSource, log: string, out: string): Promise<({ size: number } & Written) | undefined> {
  const latest = await db.getRepository(CheckpointEntity).findOne({ where: { log }, order: { size: 'DESC' } });
  if (!latest) return undefined;
  const { size } = parseCheckpoint(parseNote(latest.note).text);
  const dir = join(out, 'tlog', log);
  const counts: Written = { written: 0, kept: 0 };
  const put = (ref: TileRef, bytes: () => Promise<Uint8Array> | Uint8Array, fullLength?: number): Promise<void> | void => {
    const path = join(dir, tilePath(ref));
    // A full tile, once written, never changes: keep it (its length says it was written whole).
    if (ref.width === TILE_WIDTH && existsSync(path) && (fullLength === undefined || statSync(path).size === fullLength)) {
      counts.kept += 1;
      return;
    }
    counts.written += 1;
    return Promise.resolve(bytes()).then((b) => writeAtomically(path, b));
  };
  let roots: Uint8Array[] = [];
  for (let index = 0; index * TILE_WIDTH < size; index++) {
    const start = index * TILE_WIDTH;
    const width = Math.min(TILE_WIDTH, size - start);
    const rows = await db
      .getRepository(LedgerEntryEntity)
      .createQueryBuilder('e')
      .select(['e.index', 'e.leafHash'])
      .where('e.log = :log AND e.idx >= :start AND e.idx < :end', { log, start, end: start + width })
      .orderBy('e.idx', 'ASC')
      .getMany();
    if (rows.length !== width || rows.some((row, i) => row.index !== start + i)) throw new Error(`log ${log}: entries ${start}…${start + width - 1} are not all stored`);
    const leaves = rows.map((row) => new Uint8Array(Buffer.from(row.leafHash, 'base64')));
    await put({ level: 0, index, width }, () => encodeTile(leaves), TILE_WIDTH * HASH_SIZE);
    await put({ level: 'entries', index, width }, async () => {
      const entries = await db.getRepository(LedgerEntryEntity).createQueryBuilder('e').where('e.log = :log AND e.idx >= :start AND e.idx < :end', { log, start, end: start + width }).orderBy('e.idx', 'ASC').getMany();
      return encodeEntryBundle(entries.map((e) => Buffer.from(e.entry, 'utf8')));
    });
    if (width === TILE_WIDTH) roots.push(fullTileRoot(leaves));
  }
  // Level L holds one hash per full tile of level L-1: floor(size / 256^L) of them.
  for (let level = 1; roots.length > 0; level++) {
    const next: Uint8Array[] = [];
    for (let index = 0; index * TILE_WIDTH < roots.length; index++) {
      const hashes = roots.slice(index * TILE_WIDTH, (index + 1) * TILE_WIDTH);
      await put({ level, index, width: hashes.length }, () => encodeTile(hashes), TILE_WIDTH * HASH_SIZE);
      if (hashes.length === TILE_WIDTH) next.push(fullTileRoot(hashes));
    }
    roots = next;
  }
  writeAtomically(join(dir, 'checkpoint'), latest.note);
  return { size, ...counts };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length !== 1) throw new Error(USAGE);
  const out = positionals[0]!;
  const dataDir = regionDataDir(values['data-dir'] ?? (process.env.DATA_DIR || './data'));
  const genesis = loadGenesis(dataDir);
  // Read-only: no migration runs and nothing is created where there is no database.
  const db = await openRegionDatabase(dataDir, process.env.DATABASE_URL || undefined, { mustExist: true });
  try {
    for (const { id } of genesis.regions) {
      const result = await exportLog(db, id, out);
      process.stdout.write(!result ? `log ${id}: no checkpoint here yet\n` : `log ${id}: ${join(out, 'tlog', id)} at size ${result.size}: ${result.written} files written, ${result.kept} full tiles kept\n`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ledger:export: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
