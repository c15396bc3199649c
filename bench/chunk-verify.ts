/**
 * `node dist/bench/chunk-verify.js [entries] [rounds]`: the CPU a catching-up region spends per
 * entry verifying a chunk of wallet-signed DID creates (verifyChunk, in this process, as the
 * chunk worker runs it), beside an Ed25519 verification in the same process. Each round
 * verifies entries never seen before (new keys, new DIDs), as catch-up does, so no cache of a
 * key or a signature checked earlier helps. Prints the median round in CPU µs per entry
 * (process.cpuUsage: it holds on a shared machine where wall-clock rates do not).
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { base58 } from '@scure/base';
import canonicalize from 'canonicalize';
import { entryLeafHash, MerkleFrontier, type LedgerEntry } from '../src/domain/ledger/index.js';
import { deriveDid, type DidOperation } from '../src/domain/did/index.js';
import { verifyChunk, type ServedEntry } from '../src/domain/replication/mirror.js';

const size = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 7);
const jcs = (v: unknown) => (canonicalize as unknown as (x: unknown) => string)(v);

/** A create as a wallet signs it (the shape of bench/profile.ts and bench/run.ts). */
function walletCreate(): DidOperation {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  const didKey = `did:key:z${base58.encode(new Uint8Array([0xed, 0x01, ...Buffer.from(x, 'base64url')]))}`;
  const unsigned = { type: 'create', prev: null, home: 'eu', rotationKeys: [didKey], document: { verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } }], assertionMethod: ['#key-1'] } };
  return { ...unsigned, sig: sign(null, Buffer.from(jcs(unsigned)), privateKey).toString('base64url') } as DidOperation;
}

/** A chunk of `n` creates at indexes start…, as a peer serves them (JSON that went over the wire). */
function chunkOf(start: number, n: number): ServedEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const operation = walletCreate();
    const index = start + i;
    const entry: LedgerEntry = { v: 1, log: 'eu', index, time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, index)).toISOString(), kind: 'did-op', payload: { did: deriveDid(operation), operation } as unknown as Record<string, unknown> };
    return JSON.parse(JSON.stringify({ index, leafHash: Buffer.from(entryLeafHash(entry)).toString('base64'), entry })) as ServedEntry;
  });
}

const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function ed25519VerifyMicros(): number {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const data = Buffer.from(jcs({ type: 'create', prev: null, home: 'eu' }));
  const signature = sign(null, data, privateKey);
  const n = 5000;
  for (let i = 0; i < 500; i++) verify(null, data, publicKey, signature);
  const before = cpuMicros();
  for (let i = 0; i < n; i++) verify(null, data, publicKey, signature);
  return (cpuMicros() - before) / n;
}

async function main(): Promise<void> {
  const noChains = async () => new Map();
  // Warm-up round (JIT), not counted.
  await verifyChunk('eu', { size: 0, frontier: MerkleFrontier.empty() }, chunkOf(0, Math.min(size, 500)), noChains);
  const perEntry: number[] = [];
  let position = 0;
  for (let r = 0; r < rounds; r++) {
    const served = chunkOf(position, size);
    const frontier = MerkleFrontier.empty();
    // The chunk starts at `position`: a frontier of that size (its hashes do not matter to the cost).
    for (let i = 0; i < position; i++) frontier.append(new Uint8Array(32));
    const before = cpuMicros();
    const chunk = await verifyChunk('eu', { size: position, frontier }, served, noChains);
    perEntry.push((cpuMicros() - before) / size);
    if (chunk.entries.length !== size) throw new Error(`verified ${chunk.entries.length} of ${size} entries`);
    position += size;
  }
  const ed = ed25519VerifyMicros();
  const entry = median(perEntry);
  process.stdout.write(
    `chunk-verify: ${rounds} rounds of ${size} creates, CPU ${entry.toFixed(1)} µs/entry (median; rounds ${perEntry.map((x) => x.toFixed(0)).join(' ')}), ` +
      `Ed25519 verify ${ed.toFixed(1)} µs, ratio ${(entry / ed).toFixed(2)}, one thread ${Math.round(1e6 / entry)} entries/s\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`chunk-verify: ${(error as Error).stack}\n`);
  process.exit(1);
});
