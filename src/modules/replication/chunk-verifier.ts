import { existsSync } from 'node:fs';
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

/** The DIDs verifyChunk will ask the chains of: those of the did-op entries (a prescan of untrusted input: only strings count). */
function didsNamed(served: readonly ServedEntry[]): string[] {
  const dids = new Set<string>();
  for (const item of served) {
    const entry = (item as { entry?: { kind?: unknown; payload?: { did?: unknown } } } | null)?.entry;
    if (entry?.kind === 'did-op' && typeof entry.payload?.did === 'string') dids.add(entry.payload.did);
  }
  return [...dids];
}

/**
 * Verifies catch-up chunks on a worker thread when the region runs from its build (the worker
 * is compiled JavaScript beside this file), in process otherwise (tests on sources): the event
 * loop then only reads chains, posts and stores, and the next chunk is fetched while this one is
 * verified. A worker that fails or dies is replaced by in-process verification of that chunk:
 * the result is the same, only the event loop pays.
 */
export class ChunkVerifier {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (reply: ChunkReply) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  private constructor(private readonly workerFile: string | undefined) {}

  static create(): ChunkVerifier {
    const file = fileURLToPath(new URL('./chunk-worker.js', import.meta.url));
    return new ChunkVerifier(import.meta.url.endsWith('.js') && existsSync(file) ? file : undefined);
  }

  /** Whether chunks go to a worker thread (false: in process). */
  get threaded(): boolean {
    return this.workerFile !== undefined;
  }

  async verify(log: string, start: ChunkStart, served: readonly ServedEntry[], chainsOf: ChainsReader, options: ChunkOptions = {}): Promise<VerifiedChunk> {
    const worker = this.ensureWorker();
    if (!worker) return verifyChunk(log, start, served, chainsOf, options);
    const dids = didsNamed(served);
    const chains = dids.length > 0 ? await chainsOf(dids) : new Map<string, readonly ChainItem[]>();
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
        this.pending.set(id, { resolve, reject });
        worker.postMessage(task);
      });
    } catch {
      // The worker died: this chunk is verified here instead.
      return verifyChunk(log, start, served, chainsOf, options);
    }
    if ('error' in reply) {
      if (reply.error.fault) throw new MirrorFault(reply.error.fault, reply.error.message);
      // Not a verdict on the peer's entries (a chain the prescan missed): verified here instead.
      return verifyChunk(log, start, served, chainsOf, options);
    }
    return { entries: reply.entries, frontier: MerkleFrontier.fromJSON(reply.frontier) };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || !this.workerFile) return this.worker;
    const worker = new Worker(this.workerFile);
    worker.unref();
    worker.on('message', (reply: ChunkReply) => {
      this.pending.get(reply.id)?.resolve(reply);
      this.pending.delete(reply.id);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the chunk worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
