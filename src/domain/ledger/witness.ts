import { DomainError } from '../errors.js';
import { parseCheckpoint } from './checkpoint.js';
import { cosignCheckpoint } from './cosignature.js';
import { verifyConsistency } from './merkle.js';
import { parseNote, verifyNote, type SignerKey, type VerifierKey } from './note.js';

/** What a witness remembers of one log: the latest checkpoint it cosigned (C2SP tlog-witness). */
export interface WitnessRecord {
  readonly size: number;
  /** Standard base64 root hash. */
  readonly rootHash: string;
}

/** Where a witness keeps its records, durably. `compareAndSet` is atomic: it writes only if the record is still `expected`. */
export interface WitnessStore {
  latest(origin: string): Promise<WitnessRecord | undefined>;
  compareAndSet(origin: string, expected: WitnessRecord | undefined, next: WitnessRecord): Promise<boolean>;
}

/** A log a witness cosigns: its origin line and the keys whose signatures it trusts. */
export interface WitnessedLog {
  readonly origin: string;
  readonly keys: readonly VerifierKey[];
}

/** The statuses of C2SP tlog-witness add-checkpoint refusals. */
export type RefusalStatus = 400 | 403 | 404 | 409 | 422;

/** A refused add-checkpoint: its HTTP status; for a 409 on the old size, the size the witness holds. */
export class WitnessRefusal extends DomainError {
  constructor(
    readonly status: RefusalStatus,
    message: string,
    readonly latestSize?: number,
  ) {
    super(status === 404 ? 'NOT_FOUND' : status === 403 ? 'FORBIDDEN' : status === 409 ? 'CONFLICT' : status === 422 ? 'INVALID_PROOF' : 'INVALID_INPUT', message);
  }
}

/** Longest request body a witness reads: a checkpoint note with a few signatures and 63 proof lines. */
export const MAX_ADD_CHECKPOINT_BYTES = 16 * 1024;
const MAX_PROOF_LINES = 63;

interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: Uint8Array[];
  readonly note: string;
}

/** Parses `old <size>\n`, up to 63 base64 hash lines, a blank line, then the signed checkpoint. */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  if (body.length > MAX_ADD_CHECKPOINT_BYTES) throw new WitnessRefusal(400, `a request is at most ${MAX_ADD_CHECKPOINT_BYTES} bytes`);
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw new WitnessRefusal(400, 'the request has no blank line before the checkpoint');
  const [first, ...proofLines] = body.slice(0, blank).split('\n');
  const old = /^old (0|[1-9][0-9]*)$/.exec(first ?? '');
  if (!old || !Number.isSafeInteger(Number(old[1]))) throw new WitnessRefusal(400, 'the first line is not "old <size>" (decimal, no leading zeros)');
  if (proofLines.length > MAX_PROOF_LINES) throw new WitnessRefusal(400, `more than ${MAX_PROOF_LINES} consistency proof lines`);
  const proof = proofLines.map((line) => {
    const hash = Buffer.from(line, 'base64');
    if (hash.length !== 32 || hash.toString('base64') !== line) throw new WitnessRefusal(400, 'a consistency proof line is not a base64 SHA-256 hash');
    return new Uint8Array(hash);
  });
  return { oldSize: Number(old[1]), proof, note: body.slice(blank + 2) };
}

/**
 * C2SP tlog-witness add-checkpoint: verifies the checkpoint's signature against the log's trusted
 * keys, that it extends the latest checkpoint this witness cosigned of that origin (the old size
 * must be that size; the consistency proof must verify; the same size must have the same root),
 * records it atomically, and answers this witness's cosignature line(s), each ending in a newline.
 */
export async function addCheckpoint(body: string, logs: readonly WitnessedLog[], store: WitnessStore, cosigner: SignerKey, now: number): Promise<string> {
  const request = parseAddCheckpoint(body);
  let text: string;
  try {
    text = parseNote(request.note).text;
  } catch (error) {
    throw new WitnessRefusal(400, `not a signed checkpoint (${(error as Error).message})`);
  }
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(text);
  } catch (error) {
    throw new WitnessRefusal(400, `not a checkpoint (${(error as Error).message})`);
  }
  const log = logs.find((l) => l.origin === checkpoint.origin);
  if (!log) throw new WitnessRefusal(404, `this witness does not witness the log "${checkpoint.origin.slice(0, 100)}"`);
  try {
    verifyNote(request.note, log.keys);
  } catch (error) {
    throw new WitnessRefusal(403, `the checkpoint carries no valid signature of a key trusted for ${log.origin} (${(error as Error).message})`);
  }
  if (request.oldSize > checkpoint.size) throw new WitnessRefusal(400, `old size ${request.oldSize} is larger than the checkpoint size ${checkpoint.size}`);
  const latest = await store.latest(log.origin);
  const latestSize = latest?.size ?? 0;
  if (request.oldSize !== latestSize) throw new WitnessRefusal(409, `the latest checkpoint cosigned of ${log.origin} has size ${latestSize}, not ${request.oldSize}`, latestSize);
  const root = Buffer.from(checkpoint.rootHash).toString('base64');
  if (request.oldSize === 0) {
    if (request.proof.length > 0) throw new WitnessRefusal(422, 'a consistency proof from size 0 is empty');
  } else if (request.oldSize === checkpoint.size) {
    if (latest!.rootHash !== root) throw new WitnessRefusal(409, `a checkpoint of ${log.origin} at size ${checkpoint.size} with another root was cosigned before (a fork)`, latestSize);
    if (request.proof.length > 0) throw new WitnessRefusal(422, 'a consistency proof between equal sizes is empty');
  } else if (!verifyConsistency({ from: request.oldSize, to: checkpoint.size, fromRoot: new Uint8Array(Buffer.from(latest!.rootHash, 'base64')), toRoot: checkpoint.rootHash, proof: request.proof })) {
    throw new WitnessRefusal(422, `the consistency proof from size ${request.oldSize} to ${checkpoint.size} does not verify: the checkpoint does not extend the one cosigned before`);
  }
  if (!(await store.compareAndSet(log.origin, latest, { size: checkpoint.size, rootHash: root }))) {
    const moved = (await store.latest(log.origin))?.size ?? 0;
    throw new WitnessRefusal(409, `the latest checkpoint cosigned of ${log.origin} moved to size ${moved} meanwhile`, moved);
  }
  return `${cosignCheckpoint(text, cosigner, now)}\n`;
}
