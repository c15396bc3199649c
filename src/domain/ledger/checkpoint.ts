import { InvalidCheckpointError } from '../errors.js';

/** A C2SP tlog-checkpoint body: origin, tree size, root hash, optional extension lines. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
}

export function formatCheckpoint({ origin, size, rootHash, extensions = [] }: Checkpoint): string {
  if (origin === '' || /[\n]/.test(origin)) throw new InvalidCheckpointError('a checkpoint origin is one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new InvalidCheckpointError(`tree size ${size} is not a non-negative integer`);
  if (rootHash.length !== 32) throw new InvalidCheckpointError('a root hash is 32 bytes');
  for (const line of extensions) if (line === '' || line.includes('\n')) throw new InvalidCheckpointError('an extension is one non-empty line');
  return [origin, String(size), Buffer.from(rootHash).toString('base64'), ...extensions].join('\n') + '\n';
}

/** Parses a checkpoint body strictly: decimal size without leading zeros, 32-byte root. */
export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw new InvalidCheckpointError('a checkpoint body ends with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new InvalidCheckpointError('a checkpoint has an origin, a size and a root hash line');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw new InvalidCheckpointError('the checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) {
    throw new InvalidCheckpointError(`tree size "${sizeLine}" is not a decimal number without leading zeros`);
  }
  const rootHash = Buffer.from(rootLine, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== rootLine) throw new InvalidCheckpointError('the root hash is not 32 bytes of standard base64');
  if (extensions.some((e) => e === '')) throw new InvalidCheckpointError('a checkpoint has an empty line');
  return { origin, size: Number(sizeLine), rootHash: new Uint8Array(rootHash), extensions };
}
