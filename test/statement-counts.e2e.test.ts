import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { walletCreate } from './support/wallet.js';
import { dbOf, waitFor } from './support/network.js';
import { postJson } from './support/http.js';
import { ADMIN_TOKEN, startRegion, testNetwork, type TestRegion } from './support/region.js';

/**
 * SQL statements per request on the hot paths (docs/performance.md). The counts are
 * deterministic, so they are asserted exactly: a duplicate read that creeps back fails here.
 * One region alone (no peer to poll), counted from the request until its answer, with the
 * batched work of earlier requests (issuance anchors, record inserts) settled first.
 */
let region: TestRegion;
let db: DataSource;
let apiKey: string;
let did: string;
const statements: string[] = [];
let counting = false;

beforeAll(async () => {
  region = await startRegion({ regionId: 'eu', network: testNetwork([{ id: 'eu', url: 'http://127.0.0.1:3911' }]), listen: true });
  db = dbOf(region);
  const logger = db.logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (query, parameters, runner) => {
    if (counting) statements.push(query);
    return logQuery(query, parameters, runner);
  };
  apiKey = (await postJson(region.url!, '/admin/issuers', { name: 'Counted' }, ADMIN_TOKEN)).body.apiKey;
  did = (await postJson(region.url!, '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
});
afterAll(async () => {
  await region?.close();
});

/** Nothing queued for the ledger: the outbox of issuance anchors is empty. */
async function settled(): Promise<void> {
  await waitFor(async () => (await db.query('SELECT COUNT(*) AS n FROM credential_anchor_pending'))[0].n == 0, 'anchors to be appended');
  await new Promise((r) => setTimeout(r, 30));
}

async function counted<T>(request: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  await settled();
  statements.length = 0;
  counting = true;
  try {
    const result = await request();
    return { result, statements: [...statements] };
  } finally {
    counting = false;
  }
}

const credential = () => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential'],
  issuer: did,
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'MSc' },
});

describe('SQL statements per request', () => {
  it('issue vc+jwt', async () => {
    await postJson(region.url!, '/credentials/issue', { credential: credential() }, apiKey); // warm caches
    const { result, statements } = await counted(() => postJson(region.url!, '/credentials/issue', { credential: credential() }, apiKey));
    expect(result.status).toBe(201);
    // The tenant's API key at most once a second (ISSUER_KEY_TTL_MS; usually remembered from the
    // warm-up), the DID's newest ledger index (its chain and record are cached by it), then one
    // transaction of the issuance record and the anchor outbox (both batched across concurrent
    // issuances: one transaction per event-loop turn).
    const tables = statements.map(table);
    expect(tables[0] === 'issuer' ? tables.slice(1) : tables).toEqual(['ledger_entry', expect.stringMatching(/^(BEGIN|START TRANSACTION)/), 'credential_record', 'credential_anchor_pending', 'COMMIT']);
  });

  it('verify vc+jwt with 2 status entries', async () => {
    const issued = await postJson(region.url!, '/credentials/issue', { credential: credential(), options: { status: ['revocation', 'suspension'] } }, apiKey);
    expect(issued.status).toBe(201);
    await postJson(region.url!, '/credentials/verify', { verifiableCredential: issued.body.verifiableCredential });
    const { result, statements } = await counted(() => postJson(region.url!, '/credentials/verify', { verifiableCredential: issued.body.verifiableCredential }));
    expect(result.status).toBe(200);
    // The issuer's newest index (chain, keys and deactivation from it), where the newest version of
    // both status lists is (one query), the newest trust list of each region.
    expect(statements).toHaveLength(3);
    expect(statements.map(table)).toEqual(['ledger_entry', 'ledger_entry', 'ledger_entry']);
  });

  it('resolve did:isthmus', async () => {
    await fetch(`${region.url}/1.0/identifiers/${did}`);
    const { result, statements } = await counted(() => fetch(`${region.url}/1.0/identifiers/${did}`));
    expect(result.status).toBe(200);
    expect(statements.map(table)).toEqual(['ledger_entry']);
  });

  it('create did:isthmus (wallet operation)', async () => {
    const { result, statements } = await counted(() => postJson(region.url!, '/1.0/operations', walletCreate('eu').operation));
    expect((result as { status: number }).status).toBe(201);
    // One transaction (head, the DID's entries, entry, head, checkpoint); the chain it wrote is
    // cached as written, so the answer reads only the DID's newest index.
    expect(statements).toEqual([expect.stringMatching(/^(BEGIN|START TRANSACTION)/), expect.anything(), expect.anything(), expect.anything(), expect.anything(), expect.anything(), 'COMMIT', expect.anything()]);
    expect(statements.slice(1, 6).map(table)).toEqual(['ledger_head', 'ledger_entry', 'ledger_entry', 'ledger_head', 'checkpoint']);
    expect(table(statements[7]!)).toBe('ledger_entry');
  });

  it('concurrent creates share one transaction and one read of their DIDs', async () => {
    const creates = Array.from({ length: 8 }, () => walletCreate('eu').operation);
    const { result, statements } = await counted(() => Promise.all(creates.map((operation) => postJson(region.url!, '/1.0/operations', operation))));
    expect(result.map((r) => (r as { status: number }).status)).toEqual(creates.map(() => 201));
    const transactions = statements.filter((s) => /^(BEGIN|START TRANSACTION)/.test(s)).length;
    const didReads = statements.filter((s) => table(s) === 'ledger_entry' && /"did" IN/.test(s) && !/MAX\(/.test(s)).length;
    // However the 8 requests fell into batches (group commit), each batch read the entries of its creates' DIDs once.
    expect(didReads).toBe(transactions);
  });
});

/** The table a statement reads or writes first. */
function table(statement: string): string {
  return /(?:FROM|INTO|UPDATE)\s+"(\w+)"/.exec(statement)?.[1] ?? statement;
}
