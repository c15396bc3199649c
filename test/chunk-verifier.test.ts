import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveDid, didKeyFromPublicKey, operationHash, signOperationWithKey, type ChainItem, type DidOperation } from '../src/domain/did/index.js';
import { entryLeafHash, MerkleFrontier, type LedgerEntry } from '../src/domain/ledger/index.js';
import { verifyChunk, type ServedEntry } from '../src/domain/replication/mirror.js';

// The worker thread runs compiled JavaScript: the verifier (and the fault class it throws) come from the build (npm test builds first).
const built = async <T>(path: string): Promise<T> => (await import(/* @vite-ignore */ new URL(`../dist/src/${path}`, import.meta.url).href)) as T;
const { ChunkVerifier } = await built<typeof import('../src/modules/replication/chunk-verifier.js')>('modules/replication/chunk-verifier.js');
const { MirrorFault } = await built<typeof import('../src/domain/replication/mirror.js')>('domain/replication/mirror.js');

function served(index: number, operation: DidOperation): ServedEntry {
  const entry: LedgerEntry = { v: 1, log: 'eu', index, time: new Date(Date.UTC(2025, 0, 1, 0, 0, index)).toISOString(), kind: 'did-op', payload: { did: deriveDidOf(operation), operation } as unknown as Record<string, unknown> };
  return { index, leafHash: Buffer.from(entryLeafHash(entry)).toString('base64'), entry: JSON.parse(JSON.stringify(entry)) };
}

const dids = new Map<string, string>();
const deriveDidOf = (operation: DidOperation) => (operation.type === 'create' ? deriveDid(operation) : dids.get(operation.prev!)!);

function create(): { operation: DidOperation; key: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  const operation = signOperationWithKey({ type: 'create', prev: null, home: 'eu', rotationKeys: [didKeyFromPublicKey(publicKey)], document: { verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } }] } }, privateKey);
  dids.set(operationHash(operation), deriveDid(operation));
  return { operation, key: privateKey };
}

function update(previous: DidOperation, key: KeyObject): DidOperation {
  const operation = signOperationWithKey({ type: 'update', prev: operationHash(previous), home: 'eu', rotationKeys: previous.rotationKeys, document: { ...previous.document!, service: [{ id: '#hub', type: 'Hub', serviceEndpoint: 'https://hub.example' }] } }, key);
  dids.set(operationHash(operation), dids.get(operationHash(previous))!);
  return operation;
}

describe('catch-up chunks verified on a worker thread', () => {
  const verifier = ChunkVerifier.create();
  afterAll(() => verifier.close());

  // A DID created before the chunk (its chain is stored), then a chunk of creates and updates of both kinds.
  const stored = create();
  const storedItem: ChainItem = { operation: stored.operation, time: new Date(Date.UTC(2025, 0, 1)), log: 'eu', index: 0 };
  const start = { size: 1, frontier: MerkleFrontier.empty() };
  start.frontier.append(entryLeafHash((served(0, stored.operation).entry) as LedgerEntry));
  const fresh = Array.from({ length: 40 }, create);
  const chunk = [...fresh.map((c, i) => served(1 + i, c.operation)), served(41, update(fresh[3]!.operation, fresh[3]!.key)), served(42, update(stored.operation, stored.key))];
  const chainsOf = async (names: readonly string[]) => new Map(names.filter((did) => did === deriveDid(stored.operation)).map((did) => [did, [storedItem]]));

  it('runs from the build on a worker and gives what in-process verification gives', async () => {
    expect(verifier.threaded).toBe(true);
    const threaded = await verifier.verify('eu', start, chunk, chainsOf);
    const inProcess = await verifyChunk('eu', start, chunk, chainsOf);
    expect(threaded.entries).toEqual(inProcess.entries);
    expect(threaded.frontier.rootBase64()).toBe(inProcess.frontier.rootBase64());
    expect(threaded.entries.at(-1)).toMatchObject({ index: 42, kind: 'did-op', did: deriveDid(stored.operation) });
  });

  it('verifies consecutive chunks at once, the second from the frontier the first claims, as one chunk in process would', async () => {
    const pool = ChunkVerifier.create(2);
    try {
      expect(pool.parallelism).toBe(2);
      // Creates only: no DID of the second half depends on the first.
      const first = chunk.slice(0, 20);
      const second = chunk.slice(20, 40);
      const claimed = start.frontier.copy();
      for (const item of first) claimed.append(new Uint8Array(Buffer.from(item.leafHash, 'base64')));
      const [a, b] = await Promise.all([pool.verify('eu', start, first, chainsOf), pool.verify('eu', { size: 21, frontier: claimed }, second, chainsOf)]);
      const whole = await verifyChunk('eu', start, chunk.slice(0, 40), chainsOf);
      expect(a.frontier.toJSON()).toEqual(claimed.toJSON());
      expect([...a.entries, ...b.entries]).toEqual(whole.entries);
      expect(b.frontier.rootBase64()).toBe(whole.frontier.rootBase64());
    } finally {
      await pool.close();
    }
  });

  it('reports a forged entry as the same mirror fault as in process', async () => {
    const forged = structuredClone(chunk);
    const op = (forged[41]!.entry as { payload: { operation: { sig: string } } }).payload.operation;
    op.sig = `${op.sig.startsWith('A') ? 'B' : 'A'}${op.sig.slice(1)}`;
    const error = await verifier.verify('eu', start, forged, chainsOf).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MirrorFault);
    expect((error as InstanceType<typeof MirrorFault>).kind).toBe('invalid-entries');
    const expected = await verifyChunk('eu', start, forged, chainsOf).catch((e: unknown) => e);
    expect((error as Error).message).toBe((expected as Error).message);
  });

  it('an update whose stored chain the reader does not give is refused, not taken as a new chain', async () => {
    const error = await verifier.verify('eu', start, chunk, async () => new Map()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MirrorFault);
    expect((error as Error).message).toMatch(/entry 42: invalid DID operation/);
  });
});
