import { parseAnchorPayload } from '../credentials/anchor.js';
import { foldChain, parseOperation, validateNextOperation, type ChainItem, type FoldedDid } from '../did/index.js';
import { canonicalJson, entryLeafHash, MerkleFrontier, parseCheckpoint, parseLedgerEntry, verifyCosignature, verifyNote } from '../ledger/index.js';
import type { Genesis } from '../network/genesis.js';
import { logOrigin } from '../network/genesis.js';
import { parseStatusListEntry } from '../status/status-list-entry.js';
import { checkTrustEntry } from '../trust/trust-entry.js';

/** An entry as a store holds it (the database, or a region's HTTP entries endpoint). */
export interface StoredEntry {
  readonly index: number;
  /** The stored entry text (JCS) or object. */
  readonly entry: string | Record<string, unknown>;
  readonly leafHash: string;
  /** Root of the tree ending at this entry, when the store keeps it. */
  readonly rootHash?: string;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly note: string;
}

export interface AuditedLog {
  readonly log: string;
  readonly size: number;
  readonly rootHash: string;
  readonly checkpoints: number;
  readonly dids: number;
}

/** The first fault found: where, and what is wrong. */
export class AuditFault extends Error {
  constructor(
    readonly log: string,
    readonly where: string,
    problem: string,
  ) {
    super(`log ${log}, ${where}: ${problem}`);
    this.name = 'AuditFault';
  }
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * Re-verifies one log from scratch: entry positions and bytes, leaf hashes, every root, each
 * DID's operation chain (signatures, prev links, derivation), and every checkpoint's signature
 * and root. Throws an AuditFault naming the first problem.
 */
export async function auditLog(
  genesis: Genesis,
  log: string,
  entries: AsyncIterable<StoredEntry>,
  checkpoints: readonly StoredCheckpoint[],
): Promise<AuditedLog> {
  const region = genesis.regions.find((r) => r.id === log);
  if (!region) throw new AuditFault(log, 'log', 'is not a region of the genesis');
  const frontier = MerkleFrontier.empty();
  const roots: string[] = [b64(frontier.root())];
  const chains = new Map<string, { items: ChainItem[]; state: FoldedDid }>();
  for await (const stored of entries) {
    const where = `entry ${stored.index}`;
    if (stored.index !== frontier.size) throw new AuditFault(log, where, `expected index ${frontier.size} (gap or duplicate)`);
    let entry;
    try {
      entry = parseLedgerEntry(typeof stored.entry === 'string' ? JSON.parse(stored.entry) : stored.entry);
    } catch (error) {
      throw new AuditFault(log, where, `malformed entry (${(error as Error).message})`);
    }
    if (entry.log !== log || entry.index !== stored.index) throw new AuditFault(log, where, `entry says log ${entry.log} index ${entry.index}`);
    if (typeof stored.entry === 'string' && stored.entry !== canonicalJson(entry)) throw new AuditFault(log, where, 'stored bytes are not the JCS form of the entry');
    const leaf = entryLeafHash(entry);
    if (b64(leaf) !== stored.leafHash) throw new AuditFault(log, where, 'leaf hash does not match the entry');
    frontier.append(leaf);
    const root = b64(frontier.root());
    if (stored.rootHash !== undefined && stored.rootHash !== root) throw new AuditFault(log, where, 'stored root does not match the tree');
    roots.push(root);
    if (entry.kind === 'did-op') {
      try {
        const payload = entry.payload as { did?: unknown; operation?: unknown };
        const operation = parseOperation(payload.operation);
        const did = String(payload.did);
        const chain = chains.get(did);
        if (operation.home !== log) throw new Error(`operation is homed in ${operation.home}`);
        validateNextOperation(chain?.state ?? null, operation);
        const items = [...(chain?.items ?? []), { operation, time: new Date(entry.time), log, index: entry.index }];
        const state = foldChain(items);
        if (state.did !== did) throw new Error(`operation belongs to ${state.did}, not ${did}`);
        chains.set(did, { items, state });
      } catch (error) {
        throw new AuditFault(log, where, `invalid DID operation (${(error as Error).message})`);
      }
    }
    if (entry.kind === 'trust') {
      try {
        checkTrustEntry(entry.payload, log, region.governanceKey.publicKey);
      } catch (error) {
        throw new AuditFault(log, where, `invalid trust entry (${(error as Error).message})`);
      }
    }
    if (entry.kind === 'status-list' && parseStatusListEntry(entry.payload) === undefined) throw new AuditFault(log, where, 'malformed status-list entry');
    if (entry.kind === 'anchor' && parseAnchorPayload(entry.payload) === undefined) throw new AuditFault(log, where, 'malformed anchor entry');
  }
  for (const checkpoint of checkpoints) {
    const where = `checkpoint ${checkpoint.size}`;
    let body;
    try {
      body = parseCheckpoint(verifyNote(checkpoint.note, [region.logKey]).text);
    } catch (error) {
      throw new AuditFault(log, where, `signature or format does not verify against the genesis log key (${(error as Error).message})`);
    }
    if (body.origin !== logOrigin(log)) throw new AuditFault(log, where, `origin is ${body.origin}`);
    if (body.size !== checkpoint.size) throw new AuditFault(log, where, `note says size ${body.size}`);
    if (body.size > frontier.size) throw new AuditFault(log, where, `is beyond the ${frontier.size} stored entries`);
    if (b64(body.rootHash) !== roots[body.size]) throw new AuditFault(log, where, 'root does not match the stored entries');
    for (const other of genesis.regions.filter((r) => r.id !== log)) {
      try {
        verifyCosignature(checkpoint.note, other.cosignerKey);
      } catch (error) {
        throw new AuditFault(log, where, `the cosignature of ${other.id} does not verify (${(error as Error).message})`);
      }
    }
  }
  return { log, size: frontier.size, rootHash: roots[frontier.size]!, checkpoints: checkpoints.length, dids: chains.size };
}
