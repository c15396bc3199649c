import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { auditLog, AuditFault, type StoredCheckpoint, type StoredEntry } from '../domain/audit/audit.js';
import { parseCheckpoint, verifyCosignature, verifyNote } from '../domain/ledger/index.js';
import { logOrigin, parseGenesis, type Genesis } from '../domain/network/genesis.js';
import { CheckpointEntity, LedgerEntryEntity, LedgerHeadEntity } from '../modules/ledger/ledger.entity.js';
import { loadGenesis } from '../modules/network/network-files.js';
import { openRegionDatabase, regionDataDir } from './region-database.js';
import { isTilesLocation, TILE_LIMITS, TileFault, tileBases, tiledEntries, tileGetter } from './tlog-source.js';

const USAGE = 'usage: npm run ledger:audit -- --data-dir DIR   (the database of DATABASE_URL, or DIR/isthmus.sqlite)\n' +
  '       npm run ledger:audit -- --url https://region.example [--genesis network.json]\n' +
  '       npm run ledger:audit -- --url https://host/tlog/<log>/ | file:///DIR | DIR  [--genesis network.json]   (a C2SP tlog-tiles mirror, e.g. of ledger:export)';
const PAGE = 1000;

async function* databaseEntries(db: DataSource, log: string): AsyncIterable<StoredEntry> {
  for (let start = 0; ; start += PAGE) {
    const rows = await db
      .getRepository(LedgerEntryEntity)
      .createQueryBuilder('e')
      .where('e.log = :log AND e.idx >= :start', { log, start })
      .orderBy('e.idx', 'ASC')
      .limit(PAGE)
      .getMany();
    for (const row of rows) yield { index: row.index, entry: row.entry, leafHash: row.leafHash, rootHash: row.rootHash };
    if (rows.length < PAGE) return;
  }
}

async function auditDatabase(dataDir: string): Promise<string[]> {
  const genesis = loadGenesis(regionDataDir(dataDir));
  // Read-only use: no migrations run, and nothing is created, where there is no database.
  const db = await openRegionDatabase(dataDir, process.env.DATABASE_URL || undefined, { mustExist: true });
  try {
    const logs = new Set((await db.getRepository(LedgerHeadEntity).find()).map((h) => h.log));
    const lines: string[] = [];
    for (const log of [...logs].sort()) {
      const checkpoints = (await db.getRepository(CheckpointEntity).find({ where: { log }, order: { size: 'ASC' } })).map((c) => ({ size: c.size, note: c.note }));
      const head = await db.getRepository(LedgerHeadEntity).findOneByOrFail({ log });
      const result = await auditLog(genesis, log, databaseEntries(db, log), checkpoints);
      const latest = checkpoints.at(-1);
      if (head.size !== result.size) throw new AuditFault(log, 'head', `says ${head.size} entries, the log has ${result.size}`);
      if (head.size > 0 && head.rootHash !== result.rootHash) throw new AuditFault(log, 'head', 'root does not match the entries');
      const cosigned = latest ? `, latest ${cosignatureReport(genesis, log, latest.note)}` : '';
      lines.push(`log ${log}: ${result.size} entries, root ${result.rootHash}, ${result.checkpoints} checkpoints, ${result.dids} DIDs${cosigned}: ok`);
    }
    return lines;
  } finally {
    await db.destroy();
  }
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TILE_LIMITS.timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

async function* httpEntries(base: string, log: string): AsyncIterable<StoredEntry> {
  let start: number | null = 0;
  while (start !== null) {
    const page = (await getJson(`${base}/ledger/${log}/entries?start=${start}&limit=${PAGE}`)) as { entries: StoredEntry[]; next: number | null };
    yield* page.entries;
    start = page.next;
  }
}

/** Checks every other region's cosignature on a checkpoint; a bad one is a fault, a missing one is said. */
function cosignatureReport(genesis: Genesis, log: string, note: string): string {
  const parts = genesis.regions
    .filter((r) => r.id !== log)
    .map((r) => {
      let cosigned;
      try {
        cosigned = verifyCosignature(note, r.cosignerKey);
      } catch (error) {
        throw new AuditFault(log, 'checkpoint', `the cosignature of ${r.id} does not verify (${(error as Error).message})`);
      }
      return cosigned ? `cosigned by ${r.id} at ${new Date(cosigned.time * 1000).toISOString()}` : `not yet cosigned by ${r.id}`;
    });
  // The independent witnesses of the genesis (docs/tiles.md), checked the same way.
  for (const w of genesis.witnesses) {
    let cosigned;
    try {
      cosigned = verifyCosignature(note, w.key);
    } catch (error) {
      throw new AuditFault(log, 'checkpoint', `the cosignature of witness ${w.name} does not verify (${(error as Error).message})`);
    }
    parts.push(cosigned ? `witnessed by ${w.name} at ${new Date(cosigned.time * 1000).toISOString()}` : `not yet witnessed by ${w.name}`);
  }
  return parts.join(', ') || 'no other region';
}

async function auditUrl(base: string, genesis: Genesis): Promise<string[]> {
  const lines: string[] = [];
  for (const region of genesis.regions) {
    const response = await fetch(`${base}/ledger/${region.id}/checkpoint`);
    if (response.status === 404) {
      lines.push(`log ${region.id}: not held by ${base}`);
      continue;
    }
    if (!response.ok) throw new Error(`GET ${base}/ledger/${region.id}/checkpoint: HTTP ${response.status}`);
    const note = await response.text();
    const size = Number(note.split('\n')[1]);
    const checkpoints: StoredCheckpoint[] = [{ size, note }];
    const result = await auditLog(genesis, region.id, httpEntries(base, region.id), checkpoints);
    if (result.size !== size) throw new AuditFault(region.id, `checkpoint ${size}`, `the region serves ${result.size} entries`);
    lines.push(`log ${region.id}: ${result.size} entries, root ${result.rootHash}, checkpoint verified, ${result.dids} DIDs, ${cosignatureReport(genesis, region.id, note)}: ok`);
  }
  return lines;
}

/**
 * Audits a tlog-tiles mirror (docs/tiles.md): the checkpoint's signature first (its size bounds
 * what is read), then every entry from the entry bundles against the level-0 tiles, the upper
 * tiles against the ones below, the rebuilt root against the checkpoint, and every entry as the
 * database audit checks it.
 */
async function auditTiles(location: string, genesis: Genesis): Promise<string[]> {
  const lines: string[] = [];
  for (const base of tileBases(location)) {
    const get = tileGetter(base);
    const note = (await get('checkpoint', TILE_LIMITS.checkpoint))?.toString('utf8');
    if (note === undefined) throw new Error(`${base} has no checkpoint`);
    const region = genesis.regions.find((r) => logOrigin(r.id) === note.split('\n', 1)[0]);
    if (!region) throw new AuditFault(note.split('\n', 1)[0]!.slice(0, 100), 'checkpoint', `the origin is not a log of network ${genesis.network}`);
    let size: number;
    try {
      size = parseCheckpoint(verifyNote(note, [region.logKey]).text).size;
    } catch (error) {
      throw new AuditFault(region.id, 'checkpoint', `signature or format does not verify against the genesis log key (${(error as Error).message})`);
    }
    let result;
    try {
      result = await auditLog(genesis, region.id, tiledEntries(get, size), [{ size, note }]);
    } catch (error) {
      if (error instanceof TileFault) throw new AuditFault(region.id, error.where, error.message.slice(error.where.length + 1));
      throw error;
    }
    lines.push(`log ${region.id}: ${result.size} entries, root ${result.rootHash}, checkpoint and tiles verified, ${result.dids} DIDs, ${cosignatureReport(genesis, region.id, note)}: ok`);
  }
  return lines;
}

/** The genesis given, or (with a warning) the keys served at `keysUrl`. */
async function genesisFor(file: string | undefined, keysUrl: string | undefined): Promise<Genesis> {
  if (file) {
    const { readFileSync } = await import('node:fs');
    return parseGenesis(JSON.parse(readFileSync(file, 'utf8')));
  }
  if (!keysUrl) throw new Error('a tiles mirror in a directory needs --genesis network.json (the keys it is checked against)');
  process.stderr.write(`ledger:audit: no --genesis given; trusting the keys served at ${keysUrl}\n`);
  const keys = (await getJson(keysUrl)) as { network: string; regions: unknown[] };
  return parseGenesis({ v: 1, network: keys.network, regions: keys.regions });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, url: { type: 'string' }, genesis: { type: 'string' } } });
  let lines: string[];
  if (values['data-dir']) {
    lines = await auditDatabase(values['data-dir']);
  } else if (values.url) {
    const tiles = isTilesLocation(values.url);
    const base = tiles ? values.url : values.url.replace(/\/+$/, '');
    // Without --genesis, the keys a region serves (a tiles base /tlog/<log>/ is two levels below them).
    const keysUrl = /^https?:\/\//.test(base) ? (tiles ? new URL('../../ledger/keys', base.replace(/\/*$/, '/')).toString() : `${base}/ledger/keys`) : undefined;
    const genesis = await genesisFor(values.genesis, keysUrl);
    lines = tiles ? await auditTiles(base, genesis) : await auditUrl(base, genesis);
  } else {
    throw new Error(USAGE);
  }
  process.stdout.write(`${[...lines, 'audit passed'].join('\n')}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof AuditFault) process.stderr.write(`ledger:audit: FAULT: ${error.message}\n`);
  else process.stderr.write(`ledger:audit: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
