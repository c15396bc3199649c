import { InvalidInputError } from '../errors.js';
import { nodeHash } from './merkle.js';

/** C2SP tlog-tiles: tiles are 8 tree levels high, so a full tile holds 256 hashes (or entries). */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const HASH_SIZE = 32;

/** A tile (`level` 0–63) or an entry bundle (`level` 'entries'), `width` 1–256 (256 = full). */
export interface TileRef {
  readonly level: number | 'entries';
  readonly index: number;
  readonly width: number;
}

/** `<N>` of a tile path: 3-digit groups, all but the last prefixed with `x` (1234067 → x001/x234/067). */
export function tileIndexPath(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new InvalidInputError(`tile index ${index} is not a non-negative integer`);
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** The path of a tile below the log prefix: `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`. */
export function tilePath({ level, index, width }: TileRef): string {
  return `tile/${level}/${tileIndexPath(index)}${width === TILE_WIDTH ? '' : `.p/${width}`}`;
}

/**
 * Parses the part of a tile path after `tile/` strictly: level without leading zeros (0–63) or
 * `entries`, canonical index groups, width 1–255 without leading zeros. Anything else is refused.
 */
export function parseTilePath(path: string): TileRef {
  const match = /^(0|[1-9][0-9]?|entries)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!match) throw new InvalidInputError(`"${path}" is not a tile path (<L>/<N>[.p/<W>] or entries/<N>[.p/<W>])`);
  const [, levelText, groups, last, widthText] = match as unknown as [string, string, string, string, string | undefined];
  const level = levelText === 'entries' ? 'entries' : Number(levelText);
  if (level !== 'entries' && level > 63) throw new InvalidInputError(`tile level ${level} is above 63`);
  const digits = groups.split('/').filter((g) => g !== '').map((g) => g.slice(1)).concat(last);
  // No leading zero group: x000/001 would be a second name of 001.
  if (digits.length > 1 && digits[0] === '000') throw new InvalidInputError(`"${path}" is not the canonical tile index`);
  if (digits.length > 5) throw new InvalidInputError(`tile index of "${path}" is too large`);
  const index = Number(digits.join(''));
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (widthText !== undefined && width >= TILE_WIDTH) throw new InvalidInputError(`a partial tile is 1 to 255 wide, not ${width}`);
  return { level, index, width };
}

/** How many hashes of tree level `level` (in tiles) are complete in a tree of `size`: floor(size / 256^level). */
function completeAt(level: number, size: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** The width the tile `index` of `level` has in a tree of `size` (0: it does not exist yet). */
export function tileWidthAt(level: number | 'entries', index: number, size: number): number {
  const count = completeAt(level === 'entries' ? 0 : level, size);
  return Math.max(0, Math.min(TILE_WIDTH, count - index * TILE_WIDTH));
}

/** Whether the tile exists, with that exact width, in the tree of `size`: full tiles stay, a partial one only at its own size. */
export function tileServable(ref: TileRef, size: number): boolean {
  const width = tileWidthAt(ref.level, ref.index, size);
  return ref.width === TILE_WIDTH ? width === TILE_WIDTH : width >= ref.width;
}

/** Every tile and entry bundle of the tree of `size` (full ones and the partial ones of this size), bottom level first. */
export function tilesOfSize(size: number): TileRef[] {
  const out: TileRef[] = [];
  for (let level = 0; completeAt(level, size) > 0; level++) {
    const count = completeAt(level, size);
    for (let index = 0; index * TILE_WIDTH < count; index++) {
      const width = Math.min(TILE_WIDTH, count - index * TILE_WIDTH);
      out.push({ level, index, width });
      if (level === 0) out.push({ level: 'entries', index, width });
    }
  }
  return out;
}

/** MTH of a power-of-two run of hashes (a complete subtree). */
function completeRoot(hashes: readonly Uint8Array[], start: number, count: number): Uint8Array {
  if (count === 1) return hashes[start]!;
  const half = count / 2;
  return nodeHash(completeRoot(hashes, start, half), completeRoot(hashes, start + half, half));
}

/** The hash a full tile contributes to the level above: the MTH of its 256 hashes. */
export function fullTileRoot(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length !== TILE_WIDTH) throw new InvalidInputError(`a full tile has ${TILE_WIDTH} hashes, not ${hashes.length}`);
  return completeRoot(hashes, 0, TILE_WIDTH);
}

/**
 * The hashes of a tile, from the leaf hashes of the log (at least the tile's end): at level 0 the
 * leaf hashes themselves, above each hash is the MTH of 256^level consecutive leaves, computed as
 * the root of one full tile of the level below. `below` supplies level-1 tiles already computed.
 */
export function tileHashes(leaves: readonly Uint8Array[], level: number, index: number, width: number, below?: (index: number) => readonly Uint8Array[]): Uint8Array[] {
  if (level === 0) {
    const start = index * TILE_WIDTH;
    if (leaves.length < start + width) throw new InvalidInputError(`tile 0/${index} needs ${start + width} leaves, ${leaves.length} given`);
    return leaves.slice(start, start + width) as Uint8Array[];
  }
  const child = below ?? ((i: number) => tileHashes(leaves, level - 1, i, TILE_WIDTH));
  const out: Uint8Array[] = [];
  for (let i = 0; i < width; i++) out.push(fullTileRoot(child(index * TILE_WIDTH + i)));
  return out;
}

/** A tile's bytes: its hashes concatenated. */
export function encodeTile(hashes: readonly Uint8Array[]): Buffer {
  return Buffer.concat(hashes.map((h) => Buffer.from(h)));
}

/** An entry bundle: each entry's bytes behind its big-endian uint16 length. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.length > 0xffff) throw new InvalidInputError(`an entry of ${entry.length} bytes does not fit a tlog-tiles entry bundle (65535 at most)`);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(entry.length);
    parts.push(length, Buffer.from(entry));
  }
  return Buffer.concat(parts);
}

/** Splits an entry bundle into its entries; refuses a truncated one. */
export function decodeEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const bytes = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 2 > bytes.length) throw new InvalidInputError('entry bundle ends inside a length prefix');
    const length = bytes.readUInt16BE(at);
    if (at + 2 + length > bytes.length) throw new InvalidInputError('entry bundle ends inside an entry');
    out.push(new Uint8Array(bytes.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return out;
}

/** Splits a hash tile into its hashes; refuses a length that is not a whole number of hashes. */
export function decodeTile(tile: Uint8Array): Uint8Array[] {
  if (tile.length % HASH_SIZE !== 0) throw new InvalidInputError(`a tile of ${tile.length} bytes is not a whole number of hashes`);
  const out: Uint8Array[] = [];
  for (let at = 0; at < tile.length; at += HASH_SIZE) out.push(tile.slice(at, at + HASH_SIZE));
  return out;
}
