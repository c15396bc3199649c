import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveDid, didKeyFromPublicKey, signOperationWithKey, type ChainItem } from '../did/index.js';
import { consistencyProof, entryLeafHash, MerkleFrontier, type LedgerEntry } from '../ledger/index.js';
import { checkChunkPrefix, MirrorFault, verifyChunk, type ServedEntry, type SignedCheckpoint } from './mirror.js';

/** A served did-op entry creating a fresh DID at `index` of log eu. */
function servedCreate(index: number): ServedEntry {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  const operation = signOperationWithKey(
    { type: 'create', prev: null, home: 'eu', rotationKeys: [didKeyFromPublicKey(publicKey)], document: { verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } }], authentication: ['#key-1'] } },
    privateKey,
  );
  const entry: LedgerEntry = { v: 1, log: 'eu', index, time: new Date(Date.UTC(2025, 0, 1, 0, 0, index)).toISOString(), kind: 'did-op', payload: { did: deriveDid(operation), operation } as unknown as Record<string, unknown> };
  return { index, leafHash: Buffer.from(entryLeafHash(entry)).toString('base64'), entry: JSON.parse(JSON.stringify(entry)) };
}

const leavesOf = (served: readonly ServedEntry[]) => served.map((s) => new Uint8Array(Buffer.from(s.leafHash, 'base64')));
const noChains = async () => new Map<string, ChainItem[]>();

describe('catch-up in chunks: a chunk is stored only when it is a prefix of the signed tree', () => {
  const log = Array.from({ length: 10 }, (_, i) => servedCreate(i));
  const leaves = leavesOf(log);
  const signed = MerkleFrontier.empty();
  for (const leaf of leaves) signed.append(leaf);
  const checkpoint: SignedCheckpoint = { note: '', body: '', size: 10, rootHash: signed.root() };

  it('accepts the chunks of the signed log, each proved against the checkpoint', async () => {
    let start = { size: 0, frontier: MerkleFrontier.empty() };
    for (const end of [4, 8, 10]) {
      const chunk = await verifyChunk('eu', start, log.slice(start.size, end), noChains);
      expect(chunk.entries.map((e) => e.index)).toEqual(Array.from({ length: end - start.size }, (_, i) => start.size + i));
      checkChunkPrefix('eu', chunk.frontier, checkpoint, end < 10 ? consistencyProof(leaves, end, 10) : []);
      start = { size: end, frontier: chunk.frontier };
    }
  });

  it('refuses a chunk whose middle entry differs from the signed log, although the entry itself is valid', async () => {
    const forged = [...log.slice(0, 2), servedCreate(2), log[3]!];
    // Every entry of the forged chunk is well formed and validly signed: only the signed root can tell.
    const chunk = await verifyChunk('eu', { size: 0, frontier: MerkleFrontier.empty() }, forged, noChains);
    // The peer serves the honest proof from 4 to 10; it cannot make one for the forged prefix.
    expect(() => checkChunkPrefix('eu', chunk.frontier, checkpoint, consistencyProof(leaves, 4, 10))).toThrow(MirrorFault);
    expect(() => checkChunkPrefix('eu', chunk.frontier, checkpoint, consistencyProof(leaves, 4, 10))).toThrow(/not a prefix of its checkpoint at size 10/);
  });

  it('refuses a last chunk that does not end on the signed root, and a proof that does not verify', async () => {
    const start = { size: 8, frontier: MerkleFrontier.empty() };
    for (const leaf of leaves.slice(0, 8)) start.frontier.append(leaf);
    const forged = await verifyChunk('eu', start, [log[8]!, { ...servedCreate(9) }], noChains);
    expect(() => checkChunkPrefix('eu', forged.frontier, checkpoint, [])).toThrow(/not a prefix/);
    const honest = await verifyChunk('eu', { size: 0, frontier: MerkleFrontier.empty() }, log.slice(0, 4), noChains);
    const proof = consistencyProof(leaves, 4, 10);
    const flipped = proof.map((h, i) => (i === 0 ? h.map((b, j) => (j === 0 ? b ^ 1 : b)) : h));
    expect(() => checkChunkPrefix('eu', honest.frontier, checkpoint, flipped)).toThrow(/not a prefix/);
  });

  it('refuses an entry served at the wrong position or with a leaf hash that is not its own', async () => {
    await expect(verifyChunk('eu', { size: 0, frontier: MerkleFrontier.empty() }, [log[1]!], noChains)).rejects.toThrow(/entry 0: served as index 1/);
    await expect(verifyChunk('eu', { size: 0, frontier: MerkleFrontier.empty() }, [{ ...log[0]!, leafHash: log[1]!.leafHash }], noChains)).rejects.toThrow(/leaf hash does not match/);
  });

  it('checks an operation against the chain as stored plus the chunk before it: a second create of a DID is refused', async () => {
    const again = { ...log[0]!, index: 1, entry: { ...(log[0]!.entry as LedgerEntry), index: 1 } };
    const withLeaf = { ...again, leafHash: Buffer.from(entryLeafHash(again.entry as LedgerEntry)).toString('base64') };
    await expect(verifyChunk('eu', { size: 0, frontier: MerkleFrontier.empty() }, [log[0]!, withLeaf], noChains)).rejects.toThrow(/entry 1: invalid DID operation/);
  });
});
