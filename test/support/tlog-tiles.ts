/**
 * An independent reader of a C2SP tlog-tiles log, written from the specification
 * (https://c2sp.org/tlog-tiles) and sharing no code with src/: tile paths, partial tiles, entry
 * bundle framing, the Merkle tree hashes of RFC 6962/9162. Tests read the served and exported
 * logs with it, as an outside monitor would.
 */
import { createHash } from 'node:crypto';

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leaf = (data: Uint8Array): Buffer => sha256(Buffer.from([0]), data);
const node = (left: Uint8Array, right: Uint8Array): Buffer => sha256(Buffer.from([1]), left, right);

/** MTH(D[n]) of RFC 6962 2.1 over already hashed leaves, by its recursive definition. */
export function merkleTreeHash(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return sha256();
  if (hashes.length === 1) return hashes[0]!;
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return node(merkleTreeHash(hashes.slice(0, k)), merkleTreeHash(hashes.slice(k)));
}

/** `<N>`: zero-padded 3-digit elements, all but the last starting with `x`. */
export function indexPath(n: number): string {
  const digits = String(n).padStart(Math.ceil(Math.max(String(n).length, 1) / 3) * 3, '0');
  const elements = digits.match(/.{3}/g)!;
  return elements.map((e, i) => (i === elements.length - 1 ? e : `x${e}`)).join('/');
}

export const hashTilePath = (level: number, n: number, width: number): string => `tile/${level}/${indexPath(n)}${width === 256 ? '' : `.p/${width}`}`;
export const bundlePath = (n: number, width: number): string => `tile/entries/${indexPath(n)}${width === 256 ? '' : `.p/${width}`}`;

/** Splits an entry bundle: big-endian uint16 length, then that many bytes, until the end. */
export function splitBundle(bundle: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) throw new Error('bundle truncated in a length');
    const length = bundle.readUInt16BE(at);
    if (at + 2 + length > bundle.length) throw new Error('bundle truncated in an entry');
    out.push(bundle.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return out;
}

/** The tiles of a tree of `size` at `level`: full ones, then the partial one of width floor(size/256^level) mod 256 (if any). */
export function tilesAt(level: number, size: number): { n: number; width: number }[] {
  const hashes = Math.floor(size / 256 ** level);
  const out: { n: number; width: number }[] = [];
  for (let n = 0; n < Math.floor(hashes / 256); n++) out.push({ n, width: 256 });
  if (hashes % 256 > 0) out.push({ n: Math.floor(hashes / 256), width: hashes % 256 });
  return out;
}

export interface ReadLog {
  readonly size: number;
  readonly root: Buffer;
  /** Every entry, in order, as the bundles carry it. */
  readonly entries: Buffer[];
  /** Paths fetched, with the bytes answered. */
  readonly fetched: Map<string, Buffer>;
}

/**
 * Reads the whole tree of `size` through `get` (a path below the log prefix → bytes): every
 * level-0 tile and entry bundle; checks each entry hashes to its leaf, each hash of every upper
 * level tile is the MTH of the full tile below it, and returns the root rebuilt from the leaves.
 */
export async function readTiledLog(get: (path: string) => Promise<Buffer>, size: number): Promise<ReadLog> {
  const fetched = new Map<string, Buffer>();
  const fetch = async (path: string) => {
    const bytes = await get(path);
    fetched.set(path, bytes);
    return bytes;
  };
  const leaves: Buffer[] = [];
  const entries: Buffer[] = [];
  for (const { n, width } of tilesAt(0, size)) {
    const tile = await fetch(hashTilePath(0, n, width));
    if (tile.length !== width * 32) throw new Error(`${hashTilePath(0, n, width)}: ${tile.length} bytes, not ${width * 32}`);
    const bundle = splitBundle(await fetch(bundlePath(n, width)));
    if (bundle.length !== width) throw new Error(`${bundlePath(n, width)}: ${bundle.length} entries, not ${width}`);
    bundle.forEach((entry, i) => {
      const expected = tile.subarray(i * 32, (i + 1) * 32);
      if (!leaf(entry).equals(expected)) throw new Error(`entry ${n * 256 + i} does not hash to its leaf in ${hashTilePath(0, n, width)}`);
      leaves.push(Buffer.from(expected));
      entries.push(entry);
    });
  }
  // Upper levels: each hash is the MTH of the 256 hashes of a full tile one level below.
  let below = new Map<number, Buffer>(tilesAt(0, size).filter((t) => t.width === 256).map((t) => [t.n, fetched.get(hashTilePath(0, t.n, 256))!]));
  for (let level = 1; Math.floor(size / 256 ** level) > 0; level++) {
    const here = new Map<number, Buffer>();
    for (const { n, width } of tilesAt(level, size)) {
      const tile = await fetch(hashTilePath(level, n, width));
      if (tile.length !== width * 32) throw new Error(`${hashTilePath(level, n, width)}: ${tile.length} bytes`);
      for (let i = 0; i < width; i++) {
        const child = below.get(n * 256 + i);
        if (!child) throw new Error(`no full tile ${level - 1}/${n * 256 + i} below`);
        const hashes = Array.from({ length: 256 }, (_, j) => child.subarray(j * 32, (j + 1) * 32));
        if (!merkleTreeHash(hashes).equals(tile.subarray(i * 32, (i + 1) * 32))) throw new Error(`hash ${i} of ${hashTilePath(level, n, width)} is not the MTH of tile ${level - 1}/${n * 256 + i}`);
      }
      if (width === 256) here.set(n, tile);
    }
    below = here;
  }
  return { size, root: merkleTreeHash(leaves), entries, fetched };
}

/** Size and root hash of a checkpoint note's body (origin, size, base64 root). */
export function checkpointOf(note: string): { origin: string; size: number; root: Buffer } {
  const [origin, size, root] = note.split('\n');
  return { origin: origin!, size: Number(size), root: Buffer.from(root!, 'base64') };
}
