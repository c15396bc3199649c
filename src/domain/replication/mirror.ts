import { parseAnchorPayload } from '../credentials/anchor.js';
import { foldChain, operationHash, parseOperation, validateNextOperation, type ChainItem } from '../did/index.js';
import { canonicalJson, entryLeafHash, MerkleFrontier, parseCheckpoint, parseLedgerEntry, verifyConsistency, verifyNote, type VerifierKey } from '../ledger/index.js';
import { logOrigin } from '../network/genesis.js';
import { statusListRef } from '../status/status-list-entry.js';
import { checkTrustEntry } from '../trust/trust-entry.js';

/** Why a mirror refused what a peer served. */
export type MirrorFaultKind =
  /** The checkpoint's signature does not verify against the genesis log key. */
  | 'forged-checkpoint'
  /** Two validly signed checkpoints of the same size with different roots. */
  | 'equivocation'
  /** A validly signed checkpoint that is not an extension of what was accepted. */
  | 'inconsistent-checkpoint'
  /** Entries that do not verify (hashes, positions, signatures) or do not give the signed root. */
  | 'invalid-entries';

export class MirrorFault extends Error {
  constructor(
    readonly kind: MirrorFaultKind,
    message: string,
  ) {
    super(message);
    this.name = 'MirrorFault';
  }
}

/** Equivocation and inconsistency stop replication of a log; other faults are retried. */
export const stopsReplication = (kind: MirrorFaultKind): boolean => kind === 'equivocation' || kind === 'inconsistent-checkpoint';

export interface SignedCheckpoint {
  readonly note: string;
  readonly body: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
}

/** Verifies a peer's checkpoint note: log key signature from the genesis, origin, format. */
export function verifyPeerCheckpoint(note: string, log: string, logKey: VerifierKey): SignedCheckpoint {
  let text: string;
  try {
    text = verifyNote(note, [logKey]).text;
  } catch (error) {
    throw new MirrorFault('forged-checkpoint', `the checkpoint of log ${log} does not verify against its genesis log key: ${(error as Error).message}`);
  }
  let body;
  try {
    body = parseCheckpoint(text);
  } catch (error) {
    throw new MirrorFault('forged-checkpoint', `the checkpoint of log ${log} is malformed: ${(error as Error).message}`);
  }
  if (body.origin !== logOrigin(log)) throw new MirrorFault('forged-checkpoint', `the checkpoint of log ${log} has origin ${body.origin}`);
  return { note, body: text, size: body.size, rootHash: body.rootHash };
}

/** What the mirror has accepted of a log so far. */
export interface AcceptedState {
  readonly size: number;
  readonly frontier: MerkleFrontier;
  /** Root of the accepted tree at a given size ≤ size (for comparing an older checkpoint). */
  readonly rootAt: (size: number) => Promise<Uint8Array | undefined>;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/**
 * Compares a verified checkpoint with the accepted state: 'behind' (nothing new), 'ahead'
 * (entries to fetch), or a MirrorFault for equivocation. A checkpoint ahead must still be
 * proved consistent (checkConsistency) before its entries are trusted.
 */
export async function classifyCheckpoint(log: string, checkpoint: SignedCheckpoint, accepted: AcceptedState): Promise<'current' | 'behind' | 'ahead'> {
  if (checkpoint.size > accepted.size) return 'ahead';
  const root = checkpoint.size === accepted.size ? accepted.frontier.root() : await accepted.rootAt(checkpoint.size);
  if (root && !same(root, checkpoint.rootHash)) {
    throw new MirrorFault('equivocation', `log ${log} signed two different roots for size ${checkpoint.size}`);
  }
  return checkpoint.size === accepted.size ? 'current' : 'behind';
}

/** Checks an RFC 9162 consistency proof from the accepted tree to the new checkpoint. */
export function checkConsistency(log: string, accepted: AcceptedState, checkpoint: SignedCheckpoint, proof: readonly Uint8Array[]): void {
  if (accepted.size === 0) return;
  const ok = verifyConsistency({ from: accepted.size, to: checkpoint.size, fromRoot: accepted.frontier.root(), toRoot: checkpoint.rootHash, proof });
  if (!ok) {
    throw new MirrorFault('inconsistent-checkpoint', `the checkpoint of log ${log} at size ${checkpoint.size} is not consistent with the accepted size ${accepted.size}`);
  }
}

/** An entry as a peer serves it (GET /ledger/{log}/entries). */
export interface ServedEntry {
  readonly index: number;
  readonly leafHash: string;
  readonly entry: unknown;
}

export interface VerifiedEntry {
  readonly index: number;
  readonly kind: string;
  readonly did: string | null;
  readonly ref: string | null;
  readonly time: string;
  readonly entryJcs: string;
  readonly leafHash: string;
  readonly rootHash: string;
}

/** Reads a DID's accepted chain in the mirror (entries before this batch). */
export type ChainReader = (did: string) => Promise<ChainItem[]>;

/**
 * Verifies served entries accepted.size … checkpoint.size-1: positions, leaf hashes, each DID
 * operation against its chain, and finally that they give exactly the signed root. Nothing
 * is returned unless everything verifies.
 */
export async function verifyEntries(
  log: string,
  accepted: AcceptedState,
  checkpoint: SignedCheckpoint,
  served: readonly ServedEntry[],
  chainOf: ChainReader,
  /** The genesis governance key of the log's region: every `trust` entry must be signed by it. */
  governanceKey?: VerifierKey,
): Promise<VerifiedEntry[]> {
  const expected = checkpoint.size - accepted.size;
  if (served.length !== expected) throw new MirrorFault('invalid-entries', `log ${log} served ${served.length} entries where ${expected} were due`);
  const frontier = accepted.frontier.copy();
  const chains = new Map<string, ChainItem[]>();
  const out: VerifiedEntry[] = [];
  for (const [i, item] of served.entries()) {
    const index = accepted.size + i;
    const fault = (why: string) => new MirrorFault('invalid-entries', `log ${log} entry ${index}: ${why}`);
    if (item.index !== index) throw fault(`served as index ${item.index}`);
    let entry;
    try {
      entry = parseLedgerEntry(item.entry);
    } catch (error) {
      throw fault((error as Error).message);
    }
    if (entry.log !== log || entry.index !== index) throw fault(`the entry names log ${entry.log} index ${entry.index}`);
    const leaf = entryLeafHash(entry);
    if (Buffer.from(leaf).toString('base64') !== item.leafHash) throw fault('the leaf hash does not match the entry');
    let did: string | null = null;
    let ref: string | null = null;
    if (entry.kind === 'did-op') {
      try {
        const payload = entry.payload as { did?: unknown; operation?: unknown };
        const operation = parseOperation(payload.operation);
        did = String(payload.did);
        if (operation.home !== log) throw new Error(`the operation is homed in ${operation.home}`);
        const chain = chains.get(did) ?? (await chainOf(did));
        validateNextOperation(chain.length === 0 ? null : foldChain(chain), operation);
        const next = [...chain, { operation, time: new Date(entry.time), log, index }];
        if (foldChain(next).did !== did) throw new Error(`the operation belongs to another DID than ${did}`);
        chains.set(did, next);
        ref = operationHash(operation);
      } catch (error) {
        throw fault(`invalid DID operation (${(error as Error).message})`);
      }
    }
    if (entry.kind === 'trust') {
      try {
        ref = checkTrustEntry(entry.payload, log, governanceKey?.publicKey).id;
      } catch (error) {
        throw fault(`invalid trust entry (${(error as Error).message})`);
      }
    }
    // A status list's versions share its id as ref: how a verifier finds the newest one.
    if (entry.kind === 'status-list') {
      ref = statusListRef(entry.payload);
      if (ref === null) throw fault('the status-list payload is malformed');
    }
    // Anchors are looked up by digest (credential_anchor, filled with the entry): refuse what could not be.
    if (entry.kind === 'anchor' && parseAnchorPayload(entry.payload) === undefined) throw fault('the anchor payload is malformed (1 to 256 distinct base64url SHA-256 digests)');
    frontier.append(leaf);
    out.push({ index, kind: entry.kind, did, ref, time: entry.time, entryJcs: canonicalJson(entry), leafHash: item.leafHash, rootHash: frontier.rootBase64() });
  }
  if (!same(frontier.root(), checkpoint.rootHash)) {
    throw new MirrorFault('invalid-entries', `the entries of log ${log} do not give the root of its checkpoint at size ${checkpoint.size}`);
  }
  return out;
}
