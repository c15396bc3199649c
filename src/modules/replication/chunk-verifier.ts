import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChainItem } from '../../domain/did/index.js';
import { MerkleFrontier } from '../../domain/ledger/index.js';
import { MirrorFault, verifyChunk, type ChainsReader, type ChunkOptions, type ChunkStart, type MirrorFaultKind, type ServedEntry, type VerifiedChunk, type VerifiedEntry } from '../../domain/replication/mirror.js';

/** A chunk to verify, as posted to the worker. */
export interface ChunkTask {
  readonly id: number;
  readonly log: string;
  readonly start: { size: number; frontier: { size: number; hashes: string[] } };
  readonly served: readonly unknown[];
  /** The stored chain of every DID the chunk's operations name (empty when it has none). */
  readonly chains: [string, readonly ChainItem[]][];
  /** The encoded genesis governance key of the log's region. */
  readonly governanceKey?: string;
}

export type ChunkReply =
  | { readonly id: number; readonly entries: VerifiedEntry[]; readonly frontier: { size: number; hashes: string[] } }
  | { readonly id: number; readonly error: { fault: MirrorFaultKind | undefined; message: string } };

/** How a chunk is verified beyond verifyChunk's own options. */
export interface SpeculativeOptions extends ChunkOptions {
  /**
   * Settles once every chunk before this one is stored. A chunk verified ahead of its turn
   * (its start is the frontier its predecessors claim) that has to fall back to in-process
   * verification waits for it, so that fallback reads the chains as stored up to its start.
   */
  readonly inTurn?: Promise<unknown> | undefined;
}

/**
 * The DIDs verifyChunk will ask the chains of: those of the did-op entries (a prescan of
 * untrusted input: only strings count). A chunk whose worker verification passed touched no
 * other DID: a chain the prescan missed is a worker error, and the chunk is then verified in
 * process, in turn.
 */
export function didsNamed(served: readonly ServedEntry[]): string[] {
  const dids = new Set<string>();
  for (const item of served) {
    const entry = (item as { entry?: { kind?: unknown; payload?: { did?: unknown } } } | null)?.entry;
    if (entry?.kind === 'did-op' && typeof entry.payload?.did === 'string') dids.add(entry.payload.did);
  }
  return [...dids];
}

/** Worker threads for chunk verification: one per core (the event loop mostly waits meanwhile), at most this many. */
const MAX_WORKERS = 4;

interface PooledWorker {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (reply: ChunkReply) => void; reject: (error: Error) => void }>;
}

/**
 * Verifies catch-up chunks on a pool of worker threads when the region runs from its build (the
 * worker is compiled JavaScript beside this file), in process otherwise (tests on sources): the
 * event loop then only reads chains, posts and stores, and several consecutive chunks are
 * verified at once (the caller accepts them in order). A worker that fails or dies is replaced
 * by in-process verification of that chunk, in its turn: the result is the same, only the event
 * loop pays.
 */
export class ChunkVerifier {
  private readonly workers: (PooledWorker | undefined)[];
  private nextId = 0;

  private constructor(
    private readonly workerFile: string | undefined,
    size: number,
  ) {
    this.workers = Array.from({ length: workerFile ? size : 0 }, () => undefined);
  }

  static create(workers = Math.min(MAX_WORKERS, Math.max(1, availableParallelism()))): ChunkVerifier {
    const file = fileURLToPath(new URL('./chunk-worker.js', import.meta.url));
    return new ChunkVerifier(import.meta.url.endsWith('.js') && existsSync(file) ? file : undefined, workers);
  }

  /** Whether chunks go to worker threads (false: in process). */
  get threaded(): boolean {
    return this.workerFile !== undefined;
  }

  /** How many chunks verify at once (1 in process). */
  get parallelism(): number {
    return Math.max(1, this.workers.length);
  }

  async verify(log: string, start: ChunkStart, served: readonly ServedEntry[], chainsOf: ChainsReader, options: SpeculativeOptions = {}): Promise<VerifiedChunk> {
    const inProcess = async () => {
      await options.inTurn;
      return verifyChunk(log, start, served, chainsOf, options);
    };
    if (!this.threaded) return inProcess();
    const dids = didsNamed(served);
    const chains = dids.length > 0 ? await chainsOf(dids) : new Map<string, readonly ChainItem[]>();
    const pooled = this.leastBusy();
    const id = this.nextId++;
    const task: ChunkTask = {
      id,
      log,
      start: { size: start.size, frontier: start.frontier.toJSON() },
      served,
      chains: dids.map((did) => [did, chains.get(did) ?? []]),
      ...(options.governanceKey ? { governanceKey: options.governanceKey.encoded } : {}),
    };
    let reply: ChunkReply;
    try {
      reply = await new Promise<ChunkReply>((resolve, reject) => {
        pooled.pending.set(id, { resolve, reject });
        pooled.worker.postMessage(task);
      });
    } catch {
      // The worker died: this chunk is verified here instead.
      return inProcess();
    }
    if ('error' in reply) {
      if (reply.error.fault) throw new MirrorFault(reply.error.fault, reply.error.message);
      // Not a verdict on the peer's entries (a chain the prescan missed): verified here instead.
      return inProcess();
    }
    return { entries: reply.entries, frontier: MerkleFrontier.fromJSON(reply.frontier) };
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0, this.workers.length, ...this.workers.map(() => undefined));
    await Promise.all(workers.map((pooled) => pooled?.worker.terminate()));
  }

  /** The worker with the fewest chunks in hand, started if need be. */
  private leastBusy(): PooledWorker {
    let best = 0;
    for (let i = 0; i < this.workers.length; i++) {
      const pooled = this.workers[i];
      if (!pooled) {
        best = i;
        break;
      }
      if (pooled.pending.size < this.workers[best]!.pending.size) best = i;
    }
    return (this.workers[best] ??= this.start(best));
  }

  private start(slot: number): PooledWorker {
    const worker = new Worker(this.workerFile!);
    worker.unref();
    const pooled: PooledWorker = { worker, pending: new Map() };
    worker.on('message', (reply: ChunkReply) => {
      pooled.pending.get(reply.id)?.resolve(reply);
      pooled.pending.delete(reply.id);
    });
    const fail = (error: Error) => {
      if (this.workers[slot] === pooled) this.workers[slot] = undefined;
      for (const { reject } of pooled.pending.values()) reject(error);
      pooled.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the chunk worker exited with code ${code}`)));
    return pooled;
  }
}
