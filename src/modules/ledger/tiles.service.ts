import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../domain/errors.js';
import { parseCheckpoint, parseNote } from '../../domain/ledger/index.js';
import { encodeEntryBundle, encodeTile, fullTileRoot, parseTilePath, TILE_WIDTH, tileHashes, tileServable, type TileRef } from '../../domain/ledger/tiles.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';

/** A tile or entry bundle as served: its bytes and whether it is full (immutable) or partial. */
export interface ServedTile {
  readonly bytes: Buffer;
  readonly full: boolean;
}

/**
 * The logs this region holds as C2SP tlog-tiles (docs/tiles.md): the latest checkpoint it signed
 * or accepted, and the hash tiles and entry bundles of the tree that checkpoint commits to, never
 * beyond it (a mirror serves only what it verified against a signed checkpoint).
 */
@Injectable()
export class TilesService {
  /** Roots of full tiles, by log, level and index: 32 bytes per 256 entries, computed once (the log is append-only). */
  private readonly roots = new Map<string, Uint8Array>();

  constructor(
    private readonly repository: LedgerRepository,
    private readonly ledger: LedgerService,
  ) {}

  /** The latest checkpoint note of `log` here, with the tree size it commits to. */
  async checkpoint(log: string): Promise<{ note: string; size: number }> {
    const note = await this.ledger.checkpoint(log);
    return { note, size: parseCheckpoint(parseNote(note).text).size };
  }

  /** The tile at `path` (below `tile/`), if the tree of the latest checkpoint holds it. */
  async tile(log: string, path: string): Promise<ServedTile> {
    const ref = parseTilePath(path);
    const { size } = await this.checkpoint(log);
    if (!tileServable(ref, size)) throw new NotFoundError(`log "${log}" has no tile ${path} at its checkpoint size ${size}`);
    return { bytes: await this.bytes(log, ref), full: ref.width === TILE_WIDTH };
  }

  /** The bytes of a tile that exists (the caller checked it against a checkpoint size). */
  async bytes(log: string, ref: TileRef): Promise<Buffer> {
    if (ref.level === 'entries') {
      const rows = await this.repository.entries(log, ref.index * TILE_WIDTH, ref.width);
      return encodeEntryBundle(rows.map((row) => Buffer.from(row.entry, 'utf8')));
    }
    const end = (ref.index * TILE_WIDTH + ref.width) * TILE_WIDTH ** ref.level;
    const leaves = await this.ledger.leafHashes(log, end);
    return encodeTile(await this.hashes(log, leaves, ref.level, ref.index, ref.width));
  }

  private async hashes(log: string, leaves: readonly Uint8Array[], level: number, index: number, width: number): Promise<Uint8Array[]> {
    if (level === 0) return tileHashes(leaves, 0, index, width);
    const out: Uint8Array[] = [];
    for (let i = 0; i < width; i++) out.push(await this.rootOf(log, leaves, level - 1, index * TILE_WIDTH + i));
    return out;
  }

  /**
   * The root of the full tile `index` of `level`: what it contributes to the level above
   * (memoized: it never changes). A root not computed yet costs 255 hashes per level below; the
   * event loop is yielded after each, so a first read of an upper tile never holds it long.
   */
  private async rootOf(log: string, leaves: readonly Uint8Array[], level: number, index: number): Promise<Uint8Array> {
    const key = `${log}/${level}/${index}`;
    let root = this.roots.get(key);
    if (!root) {
      root = fullTileRoot(await this.hashes(log, leaves, level, index, TILE_WIDTH));
      this.roots.set(key, root);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return root;
  }
}
