import { parseCheckpoint } from '../ledger/checkpoint.js';
import { verifyCosignature } from '../ledger/cosignature.js';
import { parseNote, verifyNote } from '../ledger/note.js';
import { verifyConsistency, verifyInclusion } from '../ledger/merkle.js';
import type { GenesisRegion } from '../network/genesis.js';

/** One signature of a checkpoint, checked against the genesis keys. */
export interface CheckpointSigner {
  readonly region: string;
  readonly role: 'log' | 'cosigner';
  readonly keyName: string;
  /** `verified`: the signature checks; `failed`: it is there and does not; `absent`: not signed by this key. */
  readonly result: 'verified' | 'failed' | 'absent';
  /** A cosignature's time (RFC 3339). */
  readonly time?: string;
}

export interface CheckpointView {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: string;
  readonly signers: readonly CheckpointSigner[];
  /** Signature lines by keys the genesis does not know (shown by name only). */
  readonly unknownSigners: readonly string[];
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

function check<T>(verify: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: verify() };
  } catch {
    return { ok: false };
  }
}

/** Who signed and cosigned a checkpoint note of `log`, each signature verified against the genesis. */
export function checkpointView(note: string, log: string, regions: readonly GenesisRegion[]): CheckpointView {
  const { text, signatures } = parseNote(note);
  const checkpoint = parseCheckpoint(text);
  const writer = regions.find((r) => r.id === log);
  const signers: CheckpointSigner[] = [];
  if (writer) {
    const present = signatures.some((s) => s.name === writer.logKey.name && s.keyId === writer.logKey.keyId);
    const verified = check(() => verifyNote(note, [writer.logKey]));
    signers.push({ region: writer.id, role: 'log', keyName: writer.logKey.name, result: !present ? 'absent' : verified.ok ? 'verified' : 'failed' });
  }
  for (const region of regions.filter((r) => r.id !== log)) {
    const cosigned = check(() => verifyCosignature(note, region.cosignerKey));
    signers.push({
      region: region.id,
      role: 'cosigner',
      keyName: region.cosignerKey.name,
      result: !cosigned.ok ? 'failed' : cosigned.value === undefined ? 'absent' : 'verified',
      ...(cosigned.ok && cosigned.value ? { time: new Date(cosigned.value.time * 1000).toISOString() } : {}),
    });
  }
  const known = new Set(regions.flatMap((r) => [`${r.logKey.name}+${r.logKey.keyId}`, `${r.cosignerKey.name}+${r.cosignerKey.keyId}`]));
  const unknownSigners = signatures.filter((s) => !known.has(`${s.name}+${s.keyId}`)).map((s) => s.name);
  return { origin: checkpoint.origin, size: checkpoint.size, rootHash: b64(checkpoint.rootHash), signers, unknownSigners };
}

/** The outcome of checking that the tree of size `from` is a prefix of the checkpoint's tree. */
export interface ConsistencyResult {
  readonly from: number;
  readonly to: number;
  readonly fromRoot: string;
  readonly proof: readonly string[];
  readonly verified: boolean;
}

/** RFC 9162 consistency of two roots (base64) with a proof (base64 hashes), checked with the domain Merkle code. */
export function checkConsistency(from: number, to: number, fromRoot: string, toRoot: string, proof: readonly string[]): ConsistencyResult {
  const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'base64'));
  const verified = check(() => verifyConsistency({ from, to, fromRoot: bytes(fromRoot), toRoot: bytes(toRoot), proof: proof.map(bytes) }));
  return { from, to, fromRoot, proof, verified: verified.ok && verified.value };
}

/** An inclusion proof as GET /ledger/{region}/proof/inclusion answers it. */
export interface InclusionProofJson {
  readonly index: number;
  readonly size: number;
  readonly leafHash: string;
  readonly rootHash: string;
  readonly proof: readonly string[];
}

/**
 * Whether the proof puts the leaf into the tree whose root a signed checkpoint states: the proof
 * is recomputed with the domain Merkle code, not taken on trust.
 */
export function inclusionVerified(proof: InclusionProofJson, checkpointRoot: string): boolean {
  const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'base64'));
  if (proof.rootHash !== checkpointRoot) return false;
  const verified = check(() => verifyInclusion({ leafHash: bytes(proof.leafHash), index: proof.index, size: proof.size, proof: proof.proof.map(bytes), rootHash: bytes(checkpointRoot) }));
  return verified.ok && verified.value;
}
