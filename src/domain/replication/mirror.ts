import { parseAnchorPayload } from '../credentials/anchor.js';
import { deriveDid, foldChain, foldNext, parseOperation, type ChainItem, type FoldedDid } from '../did/index.js';
import { canonicalJson, leafHash, MerkleFrontier, parseCheckpoint, parseLedgerEntry, verifyConsistency, verifyNote, type LedgerEntry, type VerifierKey } from '../ledger/index.js';
import { logOrigin } from '../network/genesis.js';
import { statusListRef } from '../status/status-list-entry.js';
import { checkTrustEntry } from '../trust/trust-entry.js';
import { describeBytes, peerReason } from './bounds.js';

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
    throw new MirrorFault('forged-checkpoint', `the checkpoint of log ${log} does not verify against its genesis log key (${peerReason(error)})`);
  }
  let body;
  try {
    body = parseCheckpoint(text);
  } catch (error) {
    throw new MirrorFault('forged-checkpoint', `the checkpoint of log ${log} is malformed (${peerReason(error)})`);
  }
  if (body.origin !== logOrigin(log)) throw new MirrorFault('forged-checkpoint', `the checkpoint of log ${log} has another origin (${describeBytes(body.origin)})`);
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

/** Reads the accepted chains of several DIDs at once (one query for a whole chunk); a DID with none may be absent. */
export type ChainsReader = (dids: readonly string[]) => Promise<ReadonlyMap<string, readonly ChainItem[]>>;

/** Where a chunk starts: the size and verified frontier of the log as stored before it. */
export interface ChunkStart {
  readonly size: number;
  readonly frontier: MerkleFrontier;
}

export interface VerifiedChunk {
  readonly entries: VerifiedEntry[];
  /** The frontier after the chunk: its root is the tree the chunk ends. */
  readonly frontier: MerkleFrontier;
}

export interface ChunkOptions {
  /** The genesis governance key of the log's region: every `trust` entry must be signed by it. */
  readonly governanceKey?: VerifierKey | undefined;
  /** Called between entries: lets the caller yield its event loop during a long chunk. */
  readonly pause?: (() => Promise<void> | undefined) | undefined;
}

/** What one entry adds to the mirror's rows beyond the common fields: its DID and its ref. */
interface KindCheck {
  readonly did: string | null;
  readonly ref: string | null;
}

/**
 * Verifies a contiguous run of served entries that starts where the mirror's log ends:
 * positions, leaf hashes, each entry by its kind (DID operations against the DID's chain as
 * stored plus the entries before it in the run, trust entries against the governance key),
 * extending the frontier. It does not say whether the run belongs to a signed tree: the caller
 * proves that (checkChunkPrefix, or the root comparison of verifyEntries) before storing it.
 */
export async function verifyChunk(log: string, start: ChunkStart, served: readonly ServedEntry[], chainsOf: ChainsReader, options: ChunkOptions = {}): Promise<VerifiedChunk> {
  const frontier = start.frontier.copy();
  if (frontier.size !== start.size) throw new Error(`the frontier has size ${frontier.size}, not ${start.size}`);
  const parsed: { entry: LedgerEntry; jcs: string; leaf: Uint8Array; item: ServedEntry }[] = [];
  for (const [i, item] of served.entries()) {
    const index = start.size + i;
    const fault = (why: string) => new MirrorFault('invalid-entries', `log ${log} entry ${index}: ${why}`);
    if (typeof item !== 'object' || item === null) throw fault('served as something other than an object');
    if (item.index !== index) throw fault(`served as index ${Number.isSafeInteger(item.index) ? item.index : 'something other than an integer'}`);
    let entry: LedgerEntry;
    try {
      entry = parseLedgerEntry(item.entry);
    } catch (error) {
      throw fault(`malformed entry (${peerReason(error)})`);
    }
    if (entry.log !== log || entry.index !== index) throw fault(`the entry names another log or index (${describeBytes(String(entry.log))}, index ${Number(entry.index)})`);
    // One canonical form per entry: stored as is and hashed into the leaf.
    const jcs = canonicalJson(entry);
    const leaf = leafHash(Buffer.from(jcs, 'utf8'));
    if (Buffer.from(leaf).toString('base64') !== item.leafHash) throw fault('the leaf hash does not match the entry');
    parsed.push({ entry, jcs, leaf, item });
    // Parsing and hashing a chunk is work too: yield as the verification below does.
    const paused = options.pause?.();
    if (paused) await paused;
  }
  // The chains of every DID the chunk touches, read at once; then kept in memory as the chunk extends them.
  const dids = [...new Set(parsed.filter((p) => p.entry.kind === 'did-op').map((p) => (p.entry.payload as { did?: unknown }).did).filter((did): did is string => typeof did === 'string'))];
  const stored = dids.length > 0 ? await chainsOf(dids) : new Map<string, readonly ChainItem[]>();
  const chains = new Map<string, { state: FoldedDid | null; last: ChainItem | undefined }>();
  const chainOf = (did: string) => {
    let chain = chains.get(did);
    if (!chain) {
      const items = stored.get(did) ?? [];
      chain = { state: items.length === 0 ? null : foldChain(items), last: items.at(-1) };
      chains.set(did, chain);
    }
    return chain;
  };
  const out: VerifiedEntry[] = [];
  for (const { entry, jcs, leaf, item } of parsed) {
    const check = checkEntryKind(log, entry, chainOf, options.governanceKey);
    frontier.append(leaf);
    out.push({ index: entry.index, kind: entry.kind, did: check.did, ref: check.ref, time: entry.time, entryJcs: jcs, leafHash: item.leafHash, rootHash: frontier.rootBase64() });
    const paused = options.pause?.();
    if (paused) await paused;
  }
  return { entries: out, frontier };
}

/** The checks of one entry by its kind; a new kind adds a case here. */
function checkEntryKind(log: string, entry: LedgerEntry, chainOf: (did: string) => { state: FoldedDid | null; last: ChainItem | undefined }, governanceKey: VerifierKey | undefined): KindCheck {
  const fault = (why: string) => new MirrorFault('invalid-entries', `log ${log} entry ${entry.index}: ${why}`);
  switch (entry.kind) {
    case 'did-op': {
      try {
        const payload = entry.payload as { did?: unknown; operation?: unknown };
        const operation = parseOperation(payload.operation);
        if (typeof payload.did !== 'string') throw new Error('the entry names no DID');
        const did = payload.did;
        if (operation.home !== log) throw new Error(`the operation is homed in another region (${describeBytes(String(operation.home))})`);
        if (operation.type === 'create' && deriveDid(operation) !== did) throw new Error(`the operation belongs to another DID than the entry names (${describeBytes(did)})`);
        const chain = chainOf(did);
        const item: ChainItem = { operation, time: new Date(entry.time), log, index: entry.index };
        chain.state = foldNext(chain.state, item, did, chain.last);
        chain.last = item;
        return { did, ref: chain.state.lastOperationHash };
      } catch (error) {
        throw fault(`invalid DID operation (${peerReason(error)})`);
      }
    }
    case 'trust':
      try {
        return { did: null, ref: checkTrustEntry(entry.payload, log, governanceKey?.publicKey).id };
      } catch (error) {
        throw fault(`invalid trust entry (${peerReason(error)})`);
      }
    // A status list's versions share its id as ref: how a verifier finds the newest one.
    case 'status-list': {
      const ref = statusListRef(entry.payload);
      if (ref === null) throw fault('the status-list payload is malformed');
      return { did: null, ref };
    }
    // Anchors are looked up by digest (credential_anchor, filled with the entry): refuse what could not be.
    case 'anchor':
      if (parseAnchorPayload(entry.payload) === undefined) throw fault('the anchor payload is malformed (1 to 256 distinct base64url SHA-256 digests)');
      return { did: null, ref: null };
    default:
      return { did: null, ref: null };
  }
}

/**
 * Proves that a verified chunk, ending at `size` with the given frontier, is a prefix of the
 * peer's signed checkpoint: the chunk's root is the checkpoint's (the last chunk), or the peer's
 * consistency proof from `size` to the checkpoint verifies against both roots.
 */
export function checkChunkPrefix(log: string, frontier: MerkleFrontier, checkpoint: SignedCheckpoint, proof: readonly Uint8Array[]): void {
  const size = frontier.size;
  const ok =
    size === checkpoint.size
      ? same(frontier.root(), checkpoint.rootHash)
      : size < checkpoint.size && verifyConsistency({ from: size, to: checkpoint.size, fromRoot: frontier.root(), toRoot: checkpoint.rootHash, proof });
  if (!ok) {
    throw new MirrorFault('invalid-entries', `the entries of log ${log} up to size ${size} are not a prefix of its checkpoint at size ${checkpoint.size}`);
  }
}

/**
 * Verifies served entries accepted.size … checkpoint.size-1 in one piece: verifyChunk, then
 * that they give exactly the signed root. Nothing is returned unless everything verifies.
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
  const chainsOf: ChainsReader = async (dids) => new Map(await Promise.all(dids.map(async (did) => [did, await chainOf(did)] as const)));
  const chunk = await verifyChunk(log, accepted, served, chainsOf, { governanceKey });
  if (!same(chunk.frontier.root(), checkpoint.rootHash)) {
    throw new MirrorFault('invalid-entries', `the entries of log ${log} do not give the root of its checkpoint at size ${checkpoint.size}`);
  }
  return chunk.entries;
}
