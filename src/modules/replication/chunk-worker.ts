import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { ChainItem } from '../../domain/did/index.js';
import { MerkleFrontier, parseVerifierKey } from '../../domain/ledger/index.js';
import { MirrorFault, verifyChunk, type ServedEntry } from '../../domain/replication/mirror.js';
import type { ChunkReply, ChunkTask } from './chunk-verifier.js';

/**
 * The verification of catch-up chunks, off the region's event loop (chunk-verifier.ts): entries,
 * operation signatures, trust entries and the frontier, by the same pure verifyChunk as in
 * process. The chains the chunk touches come with the task, read by the main thread.
 */
/**
 * Niceness of a verification thread: when the machine's cores are all busy, the region's event
 * loop (nice 0) runs before its verifiers, so /health/live and reads keep answering while a
 * catch-up takes whatever CPU is left. Linux only (a thread's own id from /proc/thread-self);
 * elsewhere the worker keeps the process's priority.
 */
const WORKER_NICE = 5;
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').at(-1)), WORKER_NICE);
} catch {
  // not Linux, or not allowed: same priority as the event loop
}

parentPort!.on('message', (task: ChunkTask) => {
  void run(task).then((reply) => parentPort!.postMessage(reply));
});

async function run(task: ChunkTask): Promise<ChunkReply> {
  try {
    const chains = new Map<string, readonly ChainItem[]>(task.chains);
    const chunk = await verifyChunk(task.log, { size: task.start.size, frontier: MerkleFrontier.fromJSON(task.start.frontier) }, task.served as ServedEntry[], async (dids) => {
      const missing = dids.find((did) => !chains.has(did));
      if (missing !== undefined) throw new Error(`the chain of ${missing} was not sent with the chunk`);
      return chains;
    }, { governanceKey: task.governanceKey === undefined ? undefined : parseVerifierKey(task.governanceKey) });
    return { id: task.id, entries: chunk.entries, frontier: chunk.frontier.toJSON() };
  } catch (error) {
    return { id: task.id, error: { fault: error instanceof MirrorFault ? error.kind : undefined, message: (error as Error).message } };
  }
}
