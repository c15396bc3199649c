import { existsSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { addCheckpoint, MAX_ADD_CHECKPOINT_BYTES, WitnessRefusal, type WitnessedLog, type WitnessRecord, type WitnessStore } from '../domain/ledger/witness.js';
import type { SignerKey } from '../domain/ledger/note.js';

/**
 * A witness's records in one JSON file (`{"<origin>": {"size": n, "rootHash": "…"}}`), written
 * whole to a temporary file, synced and renamed over the old one before a cosignature is
 * answered. Compare-and-set runs one at a time in this process (one process owns the file).
 */
export class FileWitnessStore implements WitnessStore {
  private records: Record<string, WitnessRecord>;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly path: string) {
    this.records = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, WitnessRecord>) : {};
  }

  latest(origin: string): Promise<WitnessRecord | undefined> {
    return Promise.resolve(Object.hasOwn(this.records, origin) ? this.records[origin] : undefined);
  }

  compareAndSet(origin: string, expected: WitnessRecord | undefined, next: WitnessRecord): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      const current = Object.hasOwn(this.records, origin) ? this.records[origin] : undefined;
      if (current?.size !== expected?.size || current?.rootHash !== expected?.rootHash) return false;
      const records = { ...this.records, [origin]: { size: next.size, rootHash: next.rootHash } };
      const temporary = `${this.path}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
      const fd = openSync(temporary, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.path);
      this.records = records;
      return true;
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export interface WitnessServerOptions {
  readonly key: SignerKey;
  readonly logs: readonly WitnessedLog[];
  readonly store: WitnessStore;
}

/**
 * A standalone C2SP tlog-witness over plain HTTP: `POST /add-checkpoint` only, the same checks
 * and cosignatures as a region's (src/domain/ledger/witness.ts). Refusals are one text line with
 * the spec's status; a 409 on the old size answers that size as text/x.tlog.size.
 */
export function createWitnessServer({ key, logs, store }: WitnessServerOptions): Server {
  const server = createServer((request, response) => {
    const answer = (status: number, contentType: string, body: string) => {
      response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
    };
    if (request.url !== '/add-checkpoint') return answer(404, 'text/plain; charset=utf-8', 'not found: this witness serves POST /add-checkpoint\n');
    if (request.method !== 'POST') return answer(405, 'text/plain; charset=utf-8', 'use POST\n');
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_ADD_CHECKPOINT_BYTES) {
        answer(413, 'text/plain; charset=utf-8', `at most ${MAX_ADD_CHECKPOINT_BYTES} bytes\n`);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (response.headersSent) return;
      addCheckpoint(Buffer.concat(chunks).toString('utf8'), logs, store, key, Math.floor(Date.now() / 1000)).then(
        (lines) => answer(200, 'text/plain; charset=utf-8', lines),
        (error: unknown) => {
          if (error instanceof WitnessRefusal) {
            if (error.status === 409) return answer(409, 'text/x.tlog.size', `${error.latestSize ?? 0}\n`);
            return answer(error.status, 'text/plain; charset=utf-8', `${error.message}\n`);
          }
          answer(500, 'text/plain; charset=utf-8', 'internal error\n');
        },
      );
    });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}
