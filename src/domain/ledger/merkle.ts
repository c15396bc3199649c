import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors.js';

/** RFC 9162 section 2.1: leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right). */
export function leafHash(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(Buffer.from([0])).update(data).digest());
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(Buffer.from([1])).update(left).update(right).digest());
}

const EMPTY_ROOT = new Uint8Array(createHash('sha256').digest());

/** The largest power of two strictly less than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes (RFC 9162 2.1.1); the empty tree's root is SHA-256 of nothing. */
export function rootHash(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT.slice();
  const frontier = MerkleFrontier.empty();
  for (const leaf of leaves) frontier.append(leaf);
  return frontier.root();
}

/**
 * Hashes of complete subtrees of one log (2^h leaves from a multiple of 2^h), remembered across
 * proofs: a log only grows, so they never change. With it a proof hashes O(256 · log n) nodes
 * instead of O(n): serving a proof to a catching-up peer or a verifier stays cheap at any size.
 */
export class SubtreeMemo {
  /** Only subtrees of at least this many leaves are kept (one per 256 leaves and level above). */
  static readonly MIN_LEAVES = 256;
  private readonly hashes = new Map<string, Uint8Array>();

  constructor(private readonly max = 1 << 20) {}

  get size(): number {
    return this.hashes.size;
  }

  /** @internal */
  lookup(start: number, n: number, compute: () => Uint8Array): Uint8Array {
    if (n < SubtreeMemo.MIN_LEAVES || (n & (n - 1)) !== 0 || start % n !== 0) return compute();
    const key = `${start}+${n}`;
    const known = this.hashes.get(key);
    if (known) return known;
    const hash = compute();
    if (this.hashes.size >= this.max) this.hashes.clear();
    this.hashes.set(key, hash);
    return hash;
  }
}

/** MTH of leaves[start, end), recursively as the RFC defines it. */
function subtreeRoot(leaves: readonly Uint8Array[], start: number, end: number, memo?: SubtreeMemo): Uint8Array {
  const n = end - start;
  if (n === 1) return leaves[start]!;
  const k = split(n);
  const compute = () => nodeHash(subtreeRoot(leaves, start, start + k, memo), subtreeRoot(leaves, start + k, end, memo));
  return memo ? memo.lookup(start, n, compute) : compute();
}

function checkSize(leaves: readonly Uint8Array[], size: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > leaves.length) {
    throw new InvalidInputError(`${what} ${size} is not a tree size of these ${leaves.length} leaves`);
  }
}

/** PATH(m, D[n]) of RFC 9162 2.1.3.1: the audit path of leaf `index` in the tree of `size`. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number, size: number, memo?: SubtreeMemo): Uint8Array[] {
  checkSize(leaves, size, 'size');
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new InvalidInputError(`index ${index} is not below the tree size ${size}`);
  const path: Uint8Array[] = [];
  let start = 0;
  let end = size;
  let m = index;
  const stack: Uint8Array[] = [];
  while (end - start > 1) {
    const k = split(end - start);
    if (m < k) {
      stack.push(subtreeRoot(leaves, start + k, end, memo));
      end = start + k;
    } else {
      stack.push(subtreeRoot(leaves, start, start + k, memo));
      start += k;
      m -= k;
    }
  }
  // The path lists siblings from the leaf upwards.
  for (let i = stack.length - 1; i >= 0; i--) path.push(stack[i]!);
  return path;
}

/** PROOF(m, D[n]) of RFC 9162 2.1.4.1: proves the tree of size `from` is a prefix of `to`. */
export function consistencyProof(leaves: readonly Uint8Array[], from: number, to: number, memo?: SubtreeMemo): Uint8Array[] {
  checkSize(leaves, to, 'size');
  if (!Number.isSafeInteger(from) || from < 1 || from > to) throw new InvalidInputError(`from ${from} must be between 1 and ${to}`);
  if (from === to) return [];
  const out: Uint8Array[] = [];
  const subproof = (m: number, start: number, end: number, complete: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!complete) out.push(subtreeRoot(leaves, start, end, memo));
      return;
    }
    const k = split(n);
    if (m <= k) {
      subproof(m, start, start + k, complete);
      out.push(subtreeRoot(leaves, start + k, end, memo));
    } else {
      subproof(m - k, start + k, end, false);
      out.push(subtreeRoot(leaves, start, start + k, memo));
    }
  };
  subproof(from, 0, to, true);
  return out;
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

export interface InclusionClaim {
  readonly leafHash: Uint8Array;
  readonly index: number;
  readonly size: number;
  readonly proof: readonly Uint8Array[];
  readonly rootHash: Uint8Array;
}

/** RFC 9162 2.1.3.2. A wrong proof is `false`, never an exception. */
export function verifyInclusion({ leafHash: leaf, index, size, proof, rootHash: root }: InclusionClaim): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

export interface ConsistencyClaim {
  readonly from: number;
  readonly to: number;
  readonly fromRoot: Uint8Array;
  readonly toRoot: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

/** RFC 9162 2.1.4.2 (with the trivial cases: equal sizes, and the empty tree). */
export function verifyConsistency({ from, to, fromRoot, toRoot, proof }: ConsistencyClaim): boolean {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) return false;
  if (from === to) return proof.length === 0 && equal(fromRoot, toRoot);
  if (from === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = (from & (from - 1)) === 0 ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return equal(fr, fromRoot) && equal(sr, toRoot) && sn === 0;
}

/**
 * The right edge of a growing tree: the roots of its complete subtrees, largest first. Appends
 * and roots cost O(log n), so a log's root is kept without reloading its leaves.
 */
export class MerkleFrontier {
  private constructor(
    private readonly hashes: Uint8Array[],
    private count: number,
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier([], 0);
  }

  /** From the stored form: `{size, hashes}` (base64), or the bare hash list with size implied. */
  static fromJSON(stored: { size: number; hashes: string[] } | string[]): MerkleFrontier {
    const { size, hashes } = Array.isArray(stored) ? { size: -1, hashes: stored } : stored;
    const decoded = hashes.map((h) => new Uint8Array(Buffer.from(h, 'base64')));
    if (decoded.some((h) => h.length !== 32)) throw new InvalidInputError('a frontier hash is not 32 bytes');
    if (size >= 0 && popcount(size) !== decoded.length) throw new InvalidInputError(`a frontier of size ${size} has ${popcount(size)} hashes, not ${decoded.length}`);
    if (size < 0 && decoded.length > 0) throw new InvalidInputError('a non-empty frontier needs its size');
    return new MerkleFrontier(decoded, Math.max(size, 0));
  }

  toJSON(): { size: number; hashes: string[] } {
    return { size: this.count, hashes: this.hashes.map((h) => Buffer.from(h).toString('base64')) };
  }

  copy(): MerkleFrontier {
    return new MerkleFrontier(this.hashes.slice(), this.count);
  }

  get size(): number {
    return this.count;
  }

  append(leaf: Uint8Array): void {
    let hash = leaf;
    // Each trailing 1 bit of the old size is a complete subtree that merges with the new one.
    for (let n = this.count; n % 2 === 1; n = Math.floor(n / 2)) hash = nodeHash(this.hashes.pop()!, hash);
    this.hashes.push(hash);
    this.count += 1;
  }

  root(): Uint8Array {
    if (this.hashes.length === 0) return EMPTY_ROOT.slice();
    let root = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) root = nodeHash(this.hashes[i]!, root);
    return root;
  }

  rootBase64(): string {
    return Buffer.from(this.root()).toString('base64');
  }
}

function popcount(n: number): number {
  let bits = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) bits += v % 2;
  return bits;
}
