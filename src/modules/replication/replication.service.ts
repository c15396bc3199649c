import { performance } from 'node:perf_hooks';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.module.js';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { appendSignatures, cosignCheckpoint, MerkleFrontier, parseCheckpoint, parseNote, rootHash, verifyCosignature } from '../../domain/ledger/index.js';
import type { GenesisRegion } from '../../domain/network/genesis.js';
import { boundEvidence, clip, MAX_DETAIL, peerReason } from '../../domain/replication/bounds.js';
import { checkChunkPrefix, checkConsistency, classifyCheckpoint, MirrorFault, stopsReplication, verifyChunk, verifyPeerCheckpoint, type AcceptedState, type ChunkStart, type ServedEntry, type SignedCheckpoint, type VerifiedChunk } from '../../domain/replication/mirror.js';
import { ChunkVerifier, didsNamed } from './chunk-verifier.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { NetworkService } from '../network/network.service.js';
import { chainItems } from '../registry/chain-items.js';
import type { ChainItem } from '../../domain/did/index.js';
import type { LedgerEntryEntity } from '../ledger/ledger.entity.js';
import { NotFoundError } from '../../domain/errors.js';
import type { LedgerAlarmEntity } from './alarm.entity.js';
import { PeerAnswerTooLargeError, PeerClient, PeerUnavailableError } from './peer-client.js';
import { ReplicationRepository } from './replication.repository.js';

/** Hint-triggered rounds of one log start at least this far apart. */
const HINT_MIN_GAP_MS = 200;

/** What this region knows of a peer log's progress, for /ledger/status and metrics. */
interface PeerProgress {
  seenSize: number;
  behindSince: number | null;
  lastSyncAt: string | null;
  lastError: string | null;
  cosignedOwnSize: number;
  /** The catch-up under way: entries stored of the range from … target, since startedAt. */
  catchUp: CatchUp | null;
}

interface CatchUp {
  readonly from: number;
  stored: number;
  readonly target: number;
  readonly startedAt: number;
}

/** Entries per chunk: one page of the peer's entries endpoint, one transaction (short: SQLite writes hold the event loop), one consistency proof. */
const CHUNK = 500;
/** Entries per storage transaction: a chunk is stored in a few short ones, the event loop yielded between them. */
const STORE_BATCH = 100;
/** Longest stretch of verification work between two yields of the event loop. */
const SLICE_MS = 8;

const yieldEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A pause function that yields the event loop once `sliceMs` of work has run since the last yield. */
function timeSlicer(sliceMs: number): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < sliceMs) return undefined;
    return yieldEventLoop().then(() => {
      since = performance.now();
    });
  };
}

/** A chunk as fetched: its served entries, where it ends, and the consistency proof from there to the checkpoint. */
interface FetchedChunk {
  readonly served: ServedEntry[];
  readonly end: number;
  readonly proof: Uint8Array[];
}

/** A chunk verified ahead of its turn (ReplicationService.catchUp). */
interface AheadChunk extends FetchedChunk {
  /** The frontier it was verified from: the one the chunks before it claim. */
  readonly start: MerkleFrontier;
  /** The DIDs its entries name (the prescan) and the chunks before it not stored when it was sent. */
  readonly names: ReadonlySet<string>;
  /** Emptied once it is stored: chunks must not keep every chunk before them alive. */
  earlier: readonly AheadChunk[];
  readonly verified: Promise<VerifiedChunk>;
  /** Settled when it is stored (resolved) or dropped (rejected). */
  readonly stored: Deferred;
  /** The DIDs its verified entries touched, once stored. */
  readonly touched: Set<string>;
}

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** The leaf hash a served entry claims, as 32 bytes (zeros when it is not even that: the chunk then fails its own verification). */
function claimedLeaf(item: ServedEntry): Uint8Array {
  const claimed = typeof (item as { leafHash?: unknown } | null)?.leafHash === 'string' ? Buffer.from(item.leafHash, 'base64') : undefined;
  return claimed?.length === 32 ? new Uint8Array(claimed) : new Uint8Array(32);
}

/** Entries per second stored so far by a catch-up, or null before the first chunk. */
export function catchUpRate(catchUp: CatchUp): number | null {
  const seconds = (Date.now() - catchUp.startedAt) / 1000;
  return catchUp.stored > catchUp.from && seconds > 0 ? (catchUp.stored - catchUp.from) / seconds : null;
}

/**
 * Mirrors every other region's log: pull the peer's checkpoint, verify it against the genesis,
 * prove it consistent with what was accepted, fetch and verify every new entry, store them and
 * the checkpoint (with this region's cosignature) in one transaction. Also collects the peer's
 * cosignatures of this region's own log. A push hint triggers a pull soon (coalesced: one
 * round running and one pending at most, rounds at least HINT_MIN_GAP_MS apart, and none while
 * the last round failed); the timer alone guarantees catch-up.
 */
@Injectable()
export class ReplicationService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly peers: readonly GenesisRegion[];
  private readonly progress = new Map<string, PeerProgress>();
  private readonly blocked = new Set<string>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  private readonly lastStart = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly rerun = new Set<string>();
  private stopped = false;
  private readonly chunks = ChunkVerifier.create();

  constructor(
    @Inject(REGION_CONFIG) private readonly config: RegionConfig,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly network: NetworkService,
    private readonly client: PeerClient,
    private readonly ledger: LedgerRepository,
    private readonly repository: ReplicationRepository,
    private readonly writer: LedgerWriter,
    private readonly metrics: MetricsService,
  ) {
    this.peers = network.genesis.regions.filter((r) => r.id !== network.self.id);
    for (const peer of this.peers) this.progress.set(peer.id, { seenSize: 0, behindSince: null, lastSyncAt: null, lastError: null, cosignedOwnSize: 0, catchUp: null });
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const peer of this.peers) {
      if (await this.repository.isBlocked(peer.id)) {
        this.blocked.add(peer.id);
        this.metrics.alarm.set({ log: peer.id }, 1);
      }
    }
    this.writer.onAppended(() => {
      for (const peer of this.peers) void this.client.hint(peer.id, peer.url, this.network.self.id);
    });
    for (const peer of this.peers) this.schedule(peer.id, 0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    await Promise.allSettled([...this.running.values()]);
    await this.chunks.close();
  }

  /**
   * A hint that the peer's log grew (anyone may send one: it carries no data). Pulls soon,
   * coalesced with a running or pending round; ignored while the last round failed, so a
   * faulty peer's hints cannot make this region pull faster than its timer.
   */
  trigger(log: string): boolean {
    const progress = this.progress.get(log);
    if (!progress) return false;
    if (progress.lastError === null) this.pullSoon(log);
    return true;
  }

  private pullSoon(log: string): void {
    if (this.running.has(log)) this.rerun.add(log);
    else this.schedule(log, Math.max(0, (this.lastStart.get(log) ?? 0) + HINT_MIN_GAP_MS - Date.now()));
  }

  /**
   * An operator clears an alarm once its cause is dealt with (docs/operations.md): the evidence
   * stays; when no blocking alarm of the log remains open, replication of it resumes, on every
   * replica at its next round.
   */
  async clearAlarm(id: number): Promise<LedgerAlarmEntity> {
    const cleared = await this.repository.clearAlarm(id, new Date().toISOString());
    if (!cleared) throw new NotFoundError(`no open ledger alarm ${id}`);
    // The next round (now) sees that no blocking alarm of the log is open and resumes it.
    this.pullSoon(cleared.log);
    this.log.warn({ log: cleared.log, alarm: id, kind: cleared.kind }, 'ledger alarm cleared by an operator');
    return cleared;
  }

  isBlocked(log: string): boolean {
    return this.blocked.has(log);
  }

  progressOf(log: string): Readonly<PeerProgress> | undefined {
    return this.progress.get(log);
  }

  /** One timer per log: a round already due sooner is left as it is. */
  private schedule(log: string, delay: number): void {
    if (this.stopped) return;
    const due = Date.now() + delay;
    const pending = this.timers.get(log);
    if (pending && pending.due <= due) return;
    clearTimeout(pending?.timer);
    this.timers.set(log, { due, timer: setTimeout(() => void this.run(log), delay) });
  }

  private async run(log: string): Promise<void> {
    this.timers.delete(log);
    if (this.running.has(log)) return this.running.get(log);
    this.lastStart.set(log, Date.now());
    const round = this.round(log).finally(() => {
      this.running.delete(log);
      if (this.rerun.delete(log) && this.progress.get(log)!.lastError === null) this.pullSoon(log);
      else this.schedule(log, this.config.replicationIntervalMs);
    });
    this.running.set(log, round);
    return round;
  }

  private async round(log: string): Promise<void> {
    const peer = this.network.region(log)!;
    const progress = this.progress.get(log)!;
    try {
      // Another replica of this region may have had the alarm cleared: the database decides.
      if (this.blocked.has(log) && !(await this.repository.isBlocked(log))) {
        this.blocked.delete(log);
        this.metrics.alarm.set({ log }, 0);
      }
      if (!this.blocked.has(log)) await this.pull(peer, progress);
      await this.collectCosignatures(peer, progress);
      progress.lastError = null;
      progress.lastSyncAt = new Date().toISOString();
    } catch (error) {
      await this.fail(log, progress, error);
    }
    // Every promise of a round is awaited here, so stopping the app never leaves one dangling.
    await this.updateGauges(log, progress).catch(() => undefined);
  }

  private async accepted(log: string): Promise<AcceptedState> {
    const head = await this.ledger.head(log);
    return {
      size: head.size,
      frontier: MerkleFrontier.fromJSON(head.frontier),
      rootAt: async (size) => {
        if (size === 0) return rootHash([]);
        const row = await this.ledger.entry(log, size - 1);
        return row ? new Uint8Array(Buffer.from(row.rootHash, 'base64')) : undefined;
      },
    };
  }

  private async pull(peer: GenesisRegion, progress: PeerProgress): Promise<void> {
    const accepted = await this.accepted(peer.id);
    let note: string | undefined;
    try {
      note = await this.client.checkpoint(peer.id, peer.url, peer.id);
    } catch (error) {
      if (!(error instanceof PeerAnswerTooLargeError)) throw error;
      // No checkpoint note is that large: the peer serves something else, kept only as a digest.
      const fault = new MirrorFault('forged-checkpoint', `the checkpoint of log ${peer.id} is larger than ${error.limit} bytes (first ${error.prefix})`);
      await this.alarm(peer.id, fault, accepted, `not kept: more than ${error.limit} bytes, first ${error.prefix}`);
      throw fault;
    }
    if (note === undefined) return;
    let checkpoint: SignedCheckpoint | undefined;
    try {
      checkpoint = verifyPeerCheckpoint(note, peer.id, peer.logKey);
      progress.seenSize = Math.max(progress.seenSize, checkpoint.size);
      const position = await classifyCheckpoint(peer.id, checkpoint, accepted);
      if (position === 'behind') return;
      if (position === 'current') {
        const stored = await this.repository.checkpointAt(peer.id, checkpoint.size);
        if (!stored) await this.storeChunk(peer.id, accepted, { entries: [], frontier: accepted.frontier }, checkpoint);
        else await this.adoptWitnessCosignatures(peer.id, stored.note, checkpoint);
        return;
      }
      const proof = accepted.size === 0 ? [] : await this.client.consistency(peer.id, peer.url, peer.id, accepted.size, checkpoint.size);
      checkConsistency(peer.id, accepted, checkpoint, proof);
      await this.catchUp(peer, progress, accepted, checkpoint);
    } catch (error) {
      if (error instanceof MirrorFault) await this.alarm(peer.id, error, accepted, note);
      throw error;
    } finally {
      progress.catchUp = null;
    }
  }

  /**
   * Fetches, verifies and stores the entries from the accepted size up to the (verified,
   * consistent) checkpoint in chunks of at most CHUNK entries, each proved a prefix of the
   * signed tree before it is stored: memory stays bounded whatever the gap (the chunks being
   * verified, one more in flight), a crash loses at most what was not stored yet.
   *
   * Consecutive chunks are verified at once, one per worker thread (ChunkVerifier.parallelism):
   * chunk k+1 starts from the frontier chunk k's served leaf hashes claim, with the chains the
   * database holds, before chunk k is verified. It is stored only in order, once chunk k passed
   * and was stored (its verified frontier is then the claimed one, each leaf hash having been
   * checked); a failure stops the catch-up there and everything verified after it is dropped. A
   * chunk naming a DID that an earlier chunk not yet stored also names waits for that chunk to
   * be stored before its chains are read, so DID chains across chunks fold in order.
   */
  private async catchUp(peer: GenesisRegion, progress: PeerProgress, accepted: AcceptedState, checkpoint: SignedCheckpoint): Promise<void> {
    progress.catchUp = { from: accepted.size, stored: accepted.size, target: checkpoint.size, startedAt: Date.now() };
    const pause = timeSlicer(SLICE_MS);
    // One chunk more than workers, so none idles while the event loop stores the chunk before
    // (in process, the next chunk is verified between the store's batches: the same order of work).
    const window = this.chunks.parallelism + 1;
    const ahead: AheadChunk[] = [];
    const claimed = accepted.frontier.copy();
    let start: ChunkStart = accepted;
    let next = start.size < checkpoint.size ? this.fetchChunk(peer, start.size, checkpoint) : undefined;
    try {
      while (!this.stopped && (next || ahead.length > 0)) {
        while (next && ahead.length < window) {
          const fetched = await next;
          next = fetched.end < checkpoint.size ? this.fetchChunk(peer, fetched.end, checkpoint) : undefined;
          ahead.push(this.verifyAhead(peer, fetched, claimed, ahead, pause));
        }
        const head = ahead[0]!;
        let chunk = await head.verified;
        // Its chains may have been read before the chunks ahead of it were stored: none of those may have touched a DID it names that their prescan missed.
        if (head.earlier.some((earlier) => [...earlier.touched].some((did) => !earlier.names.has(did) && head.names.has(did)))) {
          chunk = await verifyChunk(peer.id, start, head.served, (dids) => this.chainsOf(dids), { governanceKey: peer.governanceKey, pause });
        }
        // Verified from the frontier its predecessors claimed: it must be the one they proved.
        if (chunk.entries[0] && chunk.entries[0].index !== start.size) throw new Error(`chunk verified from ${chunk.entries[0].index}, not from the stored size ${start.size}`);
        if (head.start.size !== start.size || JSON.stringify(head.start.toJSON()) !== JSON.stringify(start.frontier.toJSON())) {
          throw new Error(`chunk at ${head.start.size} was verified from another frontier than the stored one`);
        }
        // Only a proved prefix of the signed tree is stored.
        checkChunkPrefix(peer.id, chunk.frontier, checkpoint, head.proof);
        if (!(await this.storeChunk(peer.id, start, chunk, head.end === checkpoint.size ? checkpoint : undefined))) break;
        for (const entry of chunk.entries) if (entry.kind === 'did-op' && entry.did !== null) head.touched.add(entry.did);
        ahead.shift();
        head.earlier = [];
        head.stored.resolve();
        progress.catchUp.stored = head.end;
        this.metrics.logSize.set({ log: peer.id }, head.end);
        this.metrics.lagEntries.set({ log: peer.id }, Math.max(0, progress.seenSize - head.end));
        const rate = catchUpRate(progress.catchUp);
        this.metrics.catchUpRate.set({ log: peer.id }, rate ?? 0);
        this.metrics.catchUpEta.set({ log: peer.id }, rate ? (checkpoint.size - head.end) / rate : 0);
        start = { size: head.end, frontier: chunk.frontier };
        await yieldEventLoop();
      }
    } finally {
      // What was verified after the last stored chunk is dropped; chunks waiting for their turn stop waiting.
      for (const dropped of ahead) dropped.stored.reject(new Error('an earlier chunk was not stored'));
      this.metrics.catchUpRate.set({ log: peer.id }, 0);
      this.metrics.catchUpEta.set({ log: peer.id }, 0);
      if (start.size > accepted.size) this.log.info({ log: peer.id, from: accepted.size, to: start.size }, 'replicated entries');
    }
  }

  /**
   * Starts verifying a fetched chunk from the frontier `claimed` (extended here by the chunk's
   * served leaf hashes, for the chunk after it), ahead of the chunks in `earlier` being stored.
   */
  private verifyAhead(peer: GenesisRegion, fetched: FetchedChunk, claimed: MerkleFrontier, earlier: readonly AheadChunk[], pause: () => Promise<void> | undefined): AheadChunk {
    const start = claimed.copy();
    for (const item of fetched.served) claimed.append(claimedLeaf(item));
    const before = [...earlier];
    const inTurn = before.at(-1)?.stored.promise ?? Promise.resolve();
    const names = new Set(didsNamed(fetched.served));
    const chainsOf = async (names: readonly string[]) => {
      // A DID an earlier chunk also names: its chain is read once that chunk is stored.
      if (before.some((chunk) => names.some((did) => chunk.names.has(did)))) await inTurn;
      return this.chainsOf(names);
    };
    const verified = this.chunks.verify(peer.id, { size: start.size, frontier: start }, fetched.served, chainsOf, { governanceKey: peer.governanceKey, pause, inTurn });
    // A chunk dropped after an earlier failure is never awaited.
    verified.catch(() => undefined);
    return { ...fetched, start, names, earlier: before, verified, stored: deferred(), touched: new Set() };
  }

  /**
   * The entries from `from` (at most CHUNK) and the consistency proof from their end to the
   * checkpoint. Started ahead of need, so its failure is observed only when it is awaited.
   */
  private fetchChunk(peer: GenesisRegion, from: number, checkpoint: SignedCheckpoint): Promise<FetchedChunk> {
    const end = Math.min(from + CHUNK, checkpoint.size);
    const fetched = (async () => {
      const [served, proof] = await Promise.all([
        this.client.entries(peer.id, peer.url, peer.id, from, end).catch((error: unknown) => {
          if (error instanceof PeerAnswerTooLargeError) throw new MirrorFault('invalid-entries', `log ${peer.id} served one entry of more than ${error.limit} bytes after index ${from}`);
          throw error;
        }),
        end < checkpoint.size ? this.client.consistency(peer.id, peer.url, peer.id, end, checkpoint.size) : Promise.resolve([]),
      ]);
      if (served.length !== end - from) throw new MirrorFault('invalid-entries', `log ${peer.id} served ${served.length} entries where ${end - from} were due from ${from}`);
      return { served, end, proof };
    })();
    fetched.catch(() => undefined);
    return fetched;
  }

  /** The stored chains of the DIDs a chunk touches, in one query. */
  private async chainsOf(dids: readonly string[]): Promise<Map<string, ChainItem[]>> {
    const byDid = new Map<string, LedgerEntryEntity[]>();
    for (const row of await this.ledger.didEntriesOf(dids)) byDid.set(row.did!, [...(byDid.get(row.did!) ?? []), row]);
    return new Map([...byDid].map(([did, rows]) => [did, chainItems(rows)]));
  }

  /**
   * Stores one verified chunk and moves the head under the log's lock, in transactions of at
   * most STORE_BATCH entries with the event loop yielded between them (a SQLite transaction
   * holds the event loop while it runs): every prefix of a proved prefix of the signed tree is
   * one too, so each batch moves the head to a size that may be served. With the checkpoint it
   * ends on (the last chunk), the last batch stores that too, cosigned. False when another
   * replica of this region moved the head first (the next round re-reads).
   */
  private async storeChunk(log: string, start: ChunkStart, chunk: VerifiedChunk, checkpoint: SignedCheckpoint | undefined): Promise<boolean> {
    const cosignature = checkpoint && cosignCheckpoint(checkpoint.body, this.network.keys.cosignerKey, Math.floor(Date.now() / 1000));
    const frontier = start.frontier.copy();
    let size = start.size;
    let offset = 0;
    do {
      const batch = chunk.entries.slice(offset, offset + STORE_BATCH);
      offset += batch.length;
      for (const e of batch) frontier.append(new Uint8Array(Buffer.from(e.leafHash, 'base64')));
      const last = offset === chunk.entries.length;
      const from = size;
      const stored = await this.ledger.withLogLock(log, async (tx, head) => {
        if (head.size !== from) return false;
        if (batch.length > 0) {
          await this.ledger.insertEntries(
            tx,
            batch.map((e) => ({ log, index: e.index, kind: e.kind, did: e.did, ref: e.ref, time: e.time, entry: e.entryJcs, leafHash: e.leafHash, rootHash: e.rootHash })),
            { log, size: frontier.size, rootHash: frontier.rootBase64(), frontier: JSON.stringify(frontier.toJSON()), updatedAt: batch.at(-1)!.time },
          );
        }
        if (checkpoint && last) {
          await this.ledger.insertCheckpoint(tx, { log, size: checkpoint.size, rootHash: Buffer.from(checkpoint.rootHash).toString('base64'), note: appendSignatures(checkpoint.note, [cosignature!]), createdAt: new Date().toISOString() });
        }
        return true;
      });
      if (!stored) return false;
      size = frontier.size;
      if (!last) await yieldEventLoop();
    } while (offset < chunk.entries.length);
    return true;
  }

  /**
   * The cosignatures of the genesis witnesses (docs/tiles.md) reach the writer after the mirror
   * stored its checkpoint: those that verify over the same checkpoint body are added to the
   * mirror's note, so both regions serve them.
   */
  private async adoptWitnessCosignatures(log: string, storedNote: string, checkpoint: SignedCheckpoint): Promise<void> {
    if (this.network.genesis.witnesses.length === 0 || parseNote(storedNote).text !== checkpoint.body) return;
    const lines: string[] = [];
    for (const witness of this.network.genesis.witnesses) {
      try {
        if (verifyCosignature(storedNote, witness.key) || !verifyCosignature(checkpoint.note, witness.key)) continue;
      } catch {
        continue;
      }
      lines.push(parseNote(checkpoint.note).signatures.find((s) => s.name === witness.key.name && s.keyId === witness.key.keyId)!.line);
    }
    if (lines.length > 0) await this.repository.updateCheckpointNote(log, checkpoint.size, appendSignatures(storedNote, lines));
  }

  /** Takes the peer's cosignature of this region's checkpoint and adds it to our note. */
  private async collectCosignatures(peer: GenesisRegion, progress: PeerProgress): Promise<void> {
    const self = this.network.self.id;
    const note = await this.client.checkpoint(peer.id, peer.url, self);
    if (note === undefined) return;
    let cosigned, text, signatures, size;
    try {
      cosigned = verifyCosignature(note, peer.cosignerKey);
      if (!cosigned) return;
      ({ text, signatures } = parseNote(note));
      ({ size } = parseCheckpoint(text));
    } catch (error) {
      throw new PeerUnavailableError(peer.id, `region ${peer.id} serves a copy of log ${self} whose cosignature does not verify (${peerReason(error)})`);
    }
    const own = await this.repository.checkpointAt(self, size);
    if (!own || parseNote(own.note).text !== text) {
      throw new Error(`region ${peer.id} cosigned a checkpoint of ${self} at size ${size} that this region did not sign`);
    }
    const line = signatures.find((s) => s.name === peer.cosignerKey.name && s.keyId === peer.cosignerKey.keyId)!.line;
    const updated = appendSignatures(own.note, [line]);
    if (updated !== own.note) await this.repository.updateCheckpointNote(self, size, updated);
    progress.cosignedOwnSize = Math.max(progress.cosignedOwnSize, size);
  }

  private async alarm(log: string, fault: MirrorFault, accepted: AcceptedState, offending: string): Promise<void> {
    this.metrics.verifyFailures.inc({ log, kind: fault.kind });
    const acceptedNote = (await this.repository.checkpointAt(log, accepted.size))?.note ?? null;
    const blocking = stopsReplication(fault.kind);
    const detail = clip(fault.message, MAX_DETAIL);
    const opened = await this.repository.raiseAlarm({ log, kind: fault.kind, detail, evidence: boundEvidence({ accepted: acceptedNote, offending }), blocking, at: new Date().toISOString() });
    if (blocking) {
      this.blocked.add(log);
      this.metrics.alarm.set({ log }, 1);
    }
    // The same fault seen again only counts on the open alarm (and in the metric).
    if (opened) this.log.error({ log, kind: fault.kind, detail }, blocking ? 'replication stopped: ledger alarm' : 'refused what the peer served');
  }

  private async fail(log: string, progress: PeerProgress, error: unknown): Promise<void> {
    progress.lastError = clip(error instanceof Error ? error.message : String(error), MAX_DETAIL);
    if (!(error instanceof PeerUnavailableError) && !(error instanceof MirrorFault)) this.log.error({ err: error, log }, 'replication round failed');
    else this.log.warn({ log, error: progress.lastError }, 'replication round failed');
  }

  private async updateGauges(log: string, progress: PeerProgress): Promise<void> {
    const head = await this.ledger.head(log);
    const behind = Math.max(0, progress.seenSize - head.size);
    if (behind === 0) progress.behindSince = null;
    else progress.behindSince ??= Date.now();
    this.metrics.logSize.set({ log }, head.size);
    this.metrics.lagEntries.set({ log }, behind);
    this.metrics.lagSeconds.set({ log }, progress.behindSince === null ? 0 : (Date.now() - progress.behindSince) / 1000);
  }
}
