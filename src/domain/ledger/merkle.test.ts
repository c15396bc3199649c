import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof, leafHash, MerkleFrontier, rootHash, SubtreeMemo, verifyConsistency, verifyInclusion } from './merkle.js';

const vectors = JSON.parse(readFileSync(new URL('../../../test/vectors/ledger/merkle.json', import.meta.url), 'utf8')) as {
  leaves: string[];
  emptyRoot: string;
  roots: string[];
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const goldenLeaves = vectors.leaves.map((l) => leafHash(Buffer.from(l, 'hex')));
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
const flip = (bytes: Uint8Array, at: number) => {
  const copy = bytes.slice();
  copy[at % copy.length]! ^= 1 << at % 8;
  return copy;
};

describe('RFC 9162 tree hashes', () => {
  it('match the reference roots for every size of the test tree', () => {
    expect(hex(rootHash([]))).toBe(vectors.emptyRoot);
    vectors.roots.forEach((root, i) => expect(hex(rootHash(goldenLeaves.slice(0, i + 1)))).toBe(root));
  });

  it('the frontier agrees with the full computation at every size, through its stored form', () => {
    const leaves = leavesOf(300);
    let frontier = MerkleFrontier.empty();
    for (let n = 1; n <= 300; n++) {
      frontier.append(leaves[n - 1]!);
      if (n % 17 === 0) frontier = MerkleFrontier.fromJSON(JSON.parse(JSON.stringify(frontier.toJSON())));
      expect(frontier.size).toBe(n);
      expect(hex(frontier.root())).toBe(hex(rootHash(leaves.slice(0, n))));
    }
  });
});

describe('inclusion proofs', () => {
  it('verify for every leaf of every tree up to 64 leaves', () => {
    const leaves = leavesOf(64);
    for (let size = 1; size <= 64; size++) {
      const root = rootHash(leaves.slice(0, size));
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(leaves, index, size);
        expect(verifyInclusion({ leafHash: leaves[index]!, index, size, proof, rootHash: root })).toBe(true);
      }
    }
  });

  it('verify in trees up to 300 leaves, and fail with any flipped byte', () => {
    const leaves = leavesOf(300);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), (size, i, at) => {
        const index = i % size;
        const root = rootHash(leaves.slice(0, size));
        const proof = inclusionProof(leaves, index, size);
        const claim = { leafHash: leaves[index]!, index, size, proof, rootHash: root };
        expect(verifyInclusion(claim)).toBe(true);
        expect(verifyInclusion({ ...claim, leafHash: flip(claim.leafHash, at) })).toBe(false);
        expect(verifyInclusion({ ...claim, rootHash: flip(root, at) })).toBe(false);
        if (proof.length > 0) {
          const p = at % proof.length;
          expect(verifyInclusion({ ...claim, proof: proof.map((h, j) => (j === p ? flip(h, at) : h)) })).toBe(false);
          expect(verifyInclusion({ ...claim, proof: proof.slice(1) })).toBe(false);
        }
        if (size > 1) expect(verifyInclusion({ ...claim, index: (index + 1) % size })).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});

describe('consistency proofs', () => {
  it('verify for every pair of sizes up to 64', () => {
    const leaves = leavesOf(64);
    const roots = Array.from({ length: 65 }, (_, n) => rootHash(leaves.slice(0, n)));
    for (let to = 1; to <= 64; to++) {
      for (let from = 1; from <= to; from++) {
        const proof = consistencyProof(leaves, from, to);
        expect(verifyConsistency({ from, to, fromRoot: roots[from]!, toRoot: roots[to]!, proof })).toBe(true);
      }
    }
  });

  it('verify in trees up to 300 leaves, and fail with any flipped byte', () => {
    const leaves = leavesOf(300);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.nat(), fc.nat(), (to, f, at) => {
        const from = 1 + (f % (to - 1));
        const claim = { from, to, fromRoot: rootHash(leaves.slice(0, from)), toRoot: rootHash(leaves.slice(0, to)), proof: consistencyProof(leaves, from, to) };
        expect(verifyConsistency(claim)).toBe(true);
        expect(verifyConsistency({ ...claim, fromRoot: flip(claim.fromRoot, at) })).toBe(false);
        expect(verifyConsistency({ ...claim, toRoot: flip(claim.toRoot, at) })).toBe(false);
        const p = at % claim.proof.length;
        expect(verifyConsistency({ ...claim, proof: claim.proof.map((h, j) => (j === p ? flip(h, at) : h)) })).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('a rewritten history is not consistent', () => {
    const leaves = leavesOf(20);
    const forked = [...leaves.slice(0, 5), leafHash(Buffer.from('forged')), ...leaves.slice(6)];
    const proof = consistencyProof(forked, 8, 20);
    expect(verifyConsistency({ from: 8, to: 20, fromRoot: rootHash(leaves.slice(0, 8)), toRoot: rootHash(forked), proof })).toBe(false);
  });
});

describe('proofs served with remembered subtree hashes (SubtreeMemo)', () => {
  const leaves = Array.from({ length: 1500 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

  it('are the proofs computed from the leaves alone, as the log grows and the memo is reused', () => {
    const memo = new SubtreeMemo();
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1500 }), fc.nat(), fc.nat(), (to, a, b) => {
        const from = 1 + (a % to);
        const index = b % to;
        expect(consistencyProof(leaves, from, to, memo)).toEqual(consistencyProof(leaves, from, to));
        expect(inclusionProof(leaves, index, to, memo)).toEqual(inclusionProof(leaves, index, to));
      }),
      { numRuns: 80, seed: 9162 },
    );
    // Only complete, aligned subtrees of 256 leaves or more are kept: at most 5 + 2 + 1 for 1,500 leaves.
    expect(memo.size).toBeGreaterThan(0);
    expect(memo.size).toBeLessThanOrEqual(8);
  });

  it('forgets everything past its bound instead of growing', () => {
    const memo = new SubtreeMemo(2);
    consistencyProof(leaves, 700, 1500, memo);
    expect(memo.size).toBeLessThanOrEqual(2);
    expect(consistencyProof(leaves, 700, 1500, memo)).toEqual(consistencyProof(leaves, 700, 1500));
  });
});
