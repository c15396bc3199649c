/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read loosely here */
/**
 * `npm run bench`: the performance suite (docs/performance.md). Both regions run as real
 * processes from the build on loopback, each with its own SQLite database (or PostgreSQL with
 * BENCH_DATABASE_URL), each pinned to a core of its own with taskset where the machine has one
 * per region. Measured HTTP load comes from autocannon in a process of its own (bench/load.ts),
 * pinned to a core the region under test is not on; setup requests (warm-ups aside) and the
 * in-flight sections run in this process, unpinned. Baselines are measured in the same run and
 * every figure is reported as a ratio to them, with the target it should meet: throughput at
 * saturation (closed loop) against its floor, p99 at a fixed offered load (open loop at the
 * floor's rate) against its bound. BENCH_ONLY=did-create,resolve,... runs a subset of the sections
 * (baselines always run). Writes bench/results/latest.json and latest.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { base58 } from '@scure/base';
import canonicalize from 'canonicalize';
import { SDJwtInstance } from '@sd-jwt/core';
import { createAgent } from '@veramo/core';
import { CredentialProviderJWT } from '@veramo/credential-jwt';
import { CredentialPlugin } from '@veramo/credential-w3c';
import { DIDManager, MemoryDIDStore } from '@veramo/did-manager';
import { getDidKeyResolver, KeyDIDProvider } from '@veramo/did-provider-key';
import { DIDResolverPlugin } from '@veramo/did-resolver';
import { KeyManager, MemoryKeyStore, MemoryPrivateKeyStore } from '@veramo/key-manager';
import { KeyManagementSystem } from '@veramo/kms-local';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { Resolver } from 'did-resolver';
import { CompactSign, compactVerify } from 'jose';
import { Bitstring } from '@digitalbazaar/bitstring';
import pg from 'pg';
import { cpuSeconds, inFlight, measure, onCore, percentile, placement, type BenchContext, type LoadResult, type LoadSpec, type Row } from './support.js';
import { benchDataIntegrity } from './data-integrity.js';
import { benchIssuanceFlow } from './wallets-issuance.js';
import { benchPresentationFlow } from './wallets-presentation.js';

const root = process.cwd();
const dist = (file: string) => join(root, 'dist/src', file);
const jcs = (v: unknown) => (canonicalize as unknown as (x: unknown) => string)(v);

const rows: Row[] = [];
const ADMIN_TOKEN = 'b'.repeat(40);

/** The sections BENCH_ONLY names (all when unset); baselines always run. */
const SECTIONS = ['did-create', 'replication-lag', 'resolve', 'credentials', 'status', 'wallets', 'data-integrity', 'catch-up'] as const;
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
for (const name of only ?? []) if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`BENCH_ONLY: no section ${name} (sections: ${SECTIONS.join(', ')})`);
const selected = (name: (typeof SECTIONS)[number]) => !only || only.includes(name);

/** A row with its target checked: `ratio ≥ minRatio` (a throughput) or `p99 < maxP99` ms (a latency at a fixed offered load). */
function targeted(row: Row, goal: { minRatio: number } | { maxP99: number }): Row {
  if ('minRatio' in goal) return { ...row, target: `ratio ≥ ${goal.minRatio}`, met: (row.ratio ?? 0) >= goal.minRatio };
  return { ...row, target: `p99 < ${goal.maxP99} ms`, met: (row.p99 ?? Infinity) < goal.maxP99 };
}

/**
 * Placement, with taskset and at least two cores: eu on the first core, ap on the second, the
 * measured load on a third where there is one, else on the core of the region not under test
 * (idle but for replication while the other is measured). Otherwise nothing is pinned.
 */
const { taskset, cores } = placement();
const PINNED = taskset !== undefined && cores.length >= 2;
const REGION_CORES: Record<string, number | undefined> = { eu: cores[0], ap: cores[1] };
const clientCore = (region: string): number | undefined => (PINNED ? (cores[2] ?? (region === 'eu' ? cores[1] : cores[0])) : undefined);
/** Measured load on `region`, from a process of its own off that region's core. */
const load = (region: string, spec: LoadSpec) => measure(spec, { taskset, core: clientCore(region) });
/** A row's p50 and p99 from a measured run, and how busy its client was. */
const latency = (result: LoadResult): Pick<Row, 'p50' | 'p99' | 'client'> => ({ p50: result.p50, p99: result.p99, client: result.clientBusy });
/**
 * Requests sent before each closed-loop throughput row starts counting: the region's JIT and
 * caches warm, as in a service that has run for a while (a cold 1–2 s run measured start-up).
 */
const WARMUP = { create: 500, issue: 500, verify: 1000 } as const;
/** A fixed offered load: `seconds` of requests at `rate` after a half-second warm-up at that rate. */
const paced = (rate: number, seconds = 2) => ({ rate, amount: Math.ceil(rate * seconds), warmup: Math.ceil(rate / 2) });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function opsPerSecond(run: () => void, seconds = 1): number {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    run();
    n++;
  }
  return n / seconds;
}



function walletCreate(): { operation: unknown } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  const didKey = `did:key:z${base58.encode(new Uint8Array([0xed, 0x01, ...Buffer.from(x, 'base64url')]))}`;
  const unsigned = {
    type: 'create',
    prev: null,
    home: 'eu',
    rotationKeys: [didKey],
    document: { verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } }], assertionMethod: ['#key-1'] },
  };
  return { operation: { ...unsigned, sig: sign(null, Buffer.from(jcs(unsigned)), privateKey).toString('base64url') } };
}

/** A new, empty PostgreSQL database per region and run: a database belongs to one genesis, and each run makes a new one. */
async function freshBenchDatabase(id: string): Promise<string> {
  const admin = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS isthmus_bench_${id} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE isthmus_bench_${id}`);
  } finally {
    await admin.end();
  }
  return `${process.env.BENCH_DATABASE_URL!.replace(/\/[^/]*$/, '')}/isthmus_bench_${id}`;
}

async function startRegions(): Promise<{ urls: Record<string, string>; children: ChildProcess[]; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'isthmus-bench-'));
  const databases: Record<string, string | undefined> = {};
  for (const id of ['eu', 'ap']) databases[id] = process.env.BENCH_DATABASE_URL ? await freshBenchDatabase(id) : undefined;
  const ports = { eu: await freePort(), ap: await freePort() };
  const urls = { eu: `http://127.0.0.1:${ports.eu}`, ap: `http://127.0.0.1:${ports.ap}` };
  const init = spawnSync(process.execPath, [dist('cli/network-init.js'), '--per-region', '--data-dir', dir, '--regions', `eu=${urls.eu},ap=${urls.ap}`], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const spawnRegion = (id: 'eu' | 'ap', pinned = PINNED) =>
    spawn(...onCore(taskset, pinned ? REGION_CORES[id] : undefined, [process.execPath, ...(process.env.BENCH_REGION_ARGS?.split(' ').filter(Boolean) ?? []), dist('main.js')]), {
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        REGION_ID: id,
        PORT: String(ports[id]),
        DATA_DIR: join(dir, id),
        ADMIN_TOKEN,
        KEY_ENCRYPTION_SECRET: 'cd'.repeat(32),
        LOG_LEVEL: 'silent',
        REPLICATION_INTERVAL_MS: '1000',
        ...(databases[id] ? { DATABASE_URL: databases[id] } : {}),
      },
    });
  const children = (['eu', 'ap'] as const).map((id) => spawnRegion(id));
  restartRegion = async (id, pinned = PINNED) => {
    const index = id === 'eu' ? 0 : 1;
    const old = children[index]!;
    if (old.exitCode === null && old.signalCode === null) {
      const exited = new Promise((r) => old.once('exit', r));
      old.kill('SIGTERM');
      await exited;
    }
    children[index] = spawnRegion(id, pinned);
    return children[index];
  };
  stopRegion = async (id) => {
    const child = children[id === 'eu' ? 0 : 1]!;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { urls, children, dir };
}

let restartRegion: (id: 'eu' | 'ap', pinned?: boolean) => Promise<ChildProcess> = () => Promise.reject(new Error('regions not started'));
let stopRegion: (id: 'eu' | 'ap') => Promise<void> = () => Promise.reject(new Error('regions not started'));

/**
 * Catch-up (issue 12): ap is stopped while eu takes GAP DID creates, then started again; the
 * rate is the gap over the time from ap answering again to ap holding eu's checkpoint, and
 * /health/live is polled every 20 ms throughout.
 */
async function benchCatchUp(urls: Record<string, string>, edVerify: number): Promise<void> {
  const GAP = 10_000;
  const euSize = async () => ((await (await fetch(`${urls.eu}/ledger/status`)).json()) as { logs: { log: string; size: number }[] }).logs.find((l) => l.log === 'eu')!.size;
  await stopRegion('ap');
  const creates = Array.from({ length: GAP }, walletCreate);
  await inFlight(creates.length, 32, async (i) => {
    const res = await fetch(`${urls.eu}/1.0/operations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creates[i]!.operation) });
    if (res.status !== 201) throw new Error(`append answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  });
  const target = await euSize();
  // Unpinned: a region catching up while its peer idles may use every core (its chunks are
  // verified on a worker thread beside the event loop); pinned to one core, the two share it.
  const ap = await restartRegion('ap', false);
  for (;;) {
    try {
      if ((await fetch(`${urls.ap}/health/live`)).ok) break;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const started = performance.now();
  // CPU of ap over the catch-up (every thread; the main thread alone from its own task entry):
  // the figure that holds when the machine is shared and the wall-clock rate does not.
  const cpuAtStart = cpuSeconds(ap.pid!);
  const mainAtStart = cpuSeconds(ap.pid!, ap.pid!);
  const latencies: number[] = [];
  let caughtUp = false;
  const probe = (async () => {
    while (!caughtUp) {
      const t = performance.now();
      await (await fetch(`${urls.ap}/health/live`)).arrayBuffer();
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  let reported = 0;
  for (;;) {
    const status = (await (await fetch(`${urls.ap}/ledger/status`)).json()) as { logs: { log: string; acceptedSize: number; catchUp: { entriesPerSecond: number | null } | null }[] };
    const eu = status.logs.find((l) => l.log === 'eu')!;
    reported = eu.catchUp?.entriesPerSecond ?? reported;
    if (eu.acceptedSize >= target) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(ap.pid!) - cpuAtStart;
  const mainCpu = cpuSeconds(ap.pid!, ap.pid!) - mainAtStart;
  caughtUp = true;
  await probe;
  latencies.sort((a, b) => a - b);
  const rate = GAP / seconds;
  rows.push({ what: `catch-up of ${GAP.toLocaleString('en-US')} DID creates in ap after an outage (fetch, verify, store in chunks)`, value: rate, unit: 'entries/s', baseline: 'Ed25519 verify', ratio: rate / edVerify });
  rows.push({ what: 'catch-up: rate ap reported on /ledger/status (last seen)', value: reported, unit: 'entries/s' });
  rows.push({ what: 'catch-up: CPU of ap per entry, every thread (/proc, its probes and status polls included)', value: (cpu * 1e6) / GAP, unit: 'µs' });
  rows.push({ what: 'catch-up: CPU of ap per entry, main thread (event loop)', value: (mainCpu * 1e6) / GAP, unit: 'µs' });
  rows.push({ what: `catch-up: GET /health/live on ap every 20 ms during it (${latencies.length} probes), worst`, value: latencies.at(-1) ?? 0, unit: 'ms', p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) });
}

async function asyncOpsPerSecond(run: () => Promise<void>, seconds = 1): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < end) {
    await run();
    n++;
  }
  return n / seconds;
}

/** What a team would otherwise build on: Veramo's credential plugin with its local KMS. */
async function veramoBaseline(): Promise<{ create: number; verify: number }> {
  const agent = createAgent<any>({
    plugins: [
      new KeyManager({ store: new MemoryKeyStore(), kms: { local: new KeyManagementSystem(new MemoryPrivateKeyStore()) } }),
      new DIDManager({ store: new MemoryDIDStore(), defaultProvider: 'did:key', providers: { 'did:key': new KeyDIDProvider({ defaultKms: 'local' }) } }),
      new DIDResolverPlugin({ resolver: new Resolver({ ...getDidKeyResolver() }) as never }),
      new CredentialPlugin([new CredentialProviderJWT()]),
    ],
  });
  const issuer = await agent.didManagerCreate({ provider: 'did:key', options: { keyType: 'Ed25519' } });
  const credential = {
    '@context': ['https://www.w3.org/2018/credentials/v1'],
    type: ['VerifiableCredential'],
    issuer: { id: issuer.did },
    credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'MSc' },
  };
  const made = await agent.createVerifiableCredential({ credential, proofFormat: 'jwt' });
  const create = await asyncOpsPerSecond(async () => void (await agent.createVerifiableCredential({ credential, proofFormat: 'jwt' })));
  const verify = await asyncOpsPerSecond(async () => {
    const result = await agent.verifyCredential({ credential: made });
    if (!result.verified) throw new Error('Veramo did not verify its own credential');
  });
  return { create, verify };
}

interface Floors {
  readonly edSign: number;
  readonly edVerify: number;
}

const json = async (url: string, body: unknown, token?: string) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

/** Until ap has accepted every entry of eu's log. */
async function mirrored(urls: Record<string, string>): Promise<void> {
  const target = ((await (await fetch(`${urls.eu}/ledger/status`)).json()) as { logs: { log: string; size: number }[] }).logs.find((l) => l.log === 'eu')!.size;
  for (;;) {
    const status = (await (await fetch(`${urls.ap}/ledger/status`)).json()) as { logs: { log: string; acceptedSize: number }[] };
    if (status.logs.find((l) => l.log === 'eu')!.acceptedSize >= target) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An issuer tenant and a DID of it in eu, known to ap. */
async function benchIssuer(ctx: BenchContext, name: string, options: Record<string, unknown> = {}): Promise<{ apiKey: string; did: string }> {
  const { apiKey } = (await json(`${ctx.urls.eu}/admin/issuers`, { name }, ctx.adminToken)).body;
  const did = (await json(`${ctx.urls.eu}/1.0/create?method=isthmus`, { options }, apiKey)).body.didState.did;
  await mirrored(ctx.urls);
  return { apiKey, did };
}

/** Issuance/s in eu and verification/s in ap per format, over HTTP, 32 connections. */
async function benchCredentials(ctx: BenchContext, floors: Floors, veramo: { create: number; verify: number }): Promise<void> {
  const { urls } = ctx;
  const { apiKey, did } = await benchIssuer(ctx, 'Bench University', { verificationMethodType: 'Multikey' });
  const subject = Object.fromEntries([['id', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'], ...Array.from({ length: 8 }, (_, i) => [`claim${i}`, `value ${i}`])]);
  const credential = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'BenchCredential'], issuer: did, credentialSubject: subject };
  const sdPointers = Object.keys(subject).filter((k) => k !== 'id').map((k) => `/credentialSubject/${k}`);
  const plain: { issue?: number; verify?: number } = {};
  for (const format of ['vc+jwt', 'vc+sd-jwt', 'dc+sd-jwt', 'jwt_vc_json'] as const) {
    const options = { format, ...(format.includes('sd-jwt') ? { selectivelyDisclosable: sdPointers } : {}) };
    const issued = await load('eu', { url: `${urls.eu}/credentials/issue`, method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: { credential, options }, warmup: WARMUP.issue, amount: 3000, statuses: [201], keep: 1000 });
    const tokens = issued.answers.map((body) => JSON.stringify({ verifiableCredential: (JSON.parse(body) as { verifiableCredential: unknown }).verifiableCredential }));
    plain.issue ??= issued.perSecond;
    const issueRow: Row = { what: `issue ${format} over HTTP (eu), 32 connections`, value: issued.perSecond, unit: 'req/s', baseline: 'Ed25519 sign', ratio: issued.perSecond / floors.edSign, ...latency(issued) };
    ctx.row(format === 'vc+jwt' ? targeted(issueRow, { minRatio: 0.2 }) : issueRow);
    if (format !== 'vc+jwt') ctx.row(targeted({ what: `issue ${format}: ratio to issue vc+jwt`, value: issued.perSecond / plain.issue, unit: '×', baseline: 'issue vc+jwt', ratio: issued.perSecond / plain.issue }, { minRatio: 0.75 }));
    ctx.row({ what: `issue ${format}: ratio to Veramo createVerifiableCredential in-process`, value: issued.perSecond / veramo.create, unit: '×', baseline: 'Veramo create' });
    await mirrored(urls);
    const verified = await load('ap', { url: `${urls.ap}/credentials/verify`, method: 'POST', bodies: tokens, warmup: WARMUP.verify, amount: 4000 });
    plain.verify ??= verified.perSecond;
    ctx.row({ what: `verify ${format} over HTTP (ap, issuer region idle), 32 connections`, value: verified.perSecond, unit: 'req/s', baseline: 'Ed25519 verify', ratio: verified.perSecond / floors.edVerify, ...latency(verified) });
    if (format !== 'vc+jwt') ctx.row(targeted({ what: `verify ${format}: ratio to verify vc+jwt`, value: verified.perSecond / plain.verify, unit: '×', baseline: 'verify vc+jwt', ratio: verified.perSecond / plain.verify }, { minRatio: 0.75 }));
    ctx.row({ what: `verify ${format}: ratio to Veramo verifyCredential in-process`, value: verified.perSecond / veramo.verify, unit: '×', baseline: 'Veramo verify' });
  }
}

/** Status: issuance with status entries, status updates/s (batched into list versions), verification/s with status checks. */
async function benchStatus(ctx: BenchContext, floors: Floors, appendsPerSecond: number | undefined): Promise<void> {
  const { urls } = ctx;
  // The floor of a status check: decoding a 131,072-bit list with the library and testing a bit.
  const list = new Bitstring({ length: 131_072 });
  list.set(4242, true);
  const encoded = await list.encodeBits();
  const decode = await asyncOpsPerSecond(async () => void (await Bitstring.decodeBits({ encoded })));
  ctx.row({ what: 'baseline: Bitstring Status List decode + bit test (@digitalbazaar/bitstring)', value: decode, unit: 'ops/s' });
  const { apiKey, did } = await benchIssuer(ctx, 'Bench Status University');
  const credential = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'BenchCredential'], issuer: did, credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', claim: 'value' } };
  const issue = { url: `${urls.eu}/credentials/issue`, method: 'POST' as const, headers: { authorization: `Bearer ${apiKey}` }, statuses: [201] };
  const issuedPlain = await load('eu', { ...issue, body: { credential, options: { format: 'vc+jwt' } }, warmup: WARMUP.issue, amount: 2000 });
  const issued = await load('eu', { ...issue, body: { credential, options: { format: 'vc+jwt', status: ['revocation', 'suspension'] } }, warmup: WARMUP.issue, amount: 2000, keep: 2000 });
  const made = issued.answers.map((body) => {
    const answer = JSON.parse(body) as { verifiableCredential: unknown; credentialId: string };
    return { vc: answer.verifiableCredential, id: answer.credentialId };
  });
  ctx.row({ what: 'issue vc+jwt with revocation + suspension entries (eu), 32 connections', value: issued.perSecond, unit: 'req/s', baseline: 'same without status', ratio: issued.perSecond / issuedPlain.perSecond, ...latency(issued) });
  const suspended = made.slice(0, 200);
  const updates = await load('eu', {
    url: `${urls.eu}/credentials/status`,
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}` },
    bodies: suspended.map((m) => JSON.stringify({ credentialId: m.id, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'suspended' }] })),
    amount: suspended.length,
    statuses: [200],
  });
  const listUrl = (JSON.parse(Buffer.from(String((made[0]!.vc as { id: string }).id).split(',')[1]!.split('.')[1]!, 'base64url').toString()) as { credentialStatus: { statusListCredential: string }[] }).credentialStatus[1]!.statusListCredential;
  const versions = Number(/\.(\d+)"$/.exec((await fetch(listUrl)).headers.get('etag') ?? '')?.[1]);
  ctx.row({
    what: `status updates (suspend) over HTTP, 32 connections; ${suspended.length} updates became ${versions - 1} list versions`,
    value: updates.perSecond,
    unit: 'req/s',
    ...(appendsPerSecond ? { baseline: 'DID create (append)', ratio: updates.perSecond / appendsPerSecond } : {}),
    ...latency(updates),
  });
  await mirrored(urls);
  const bodies = made.map((m) => JSON.stringify({ verifiableCredential: m.vc }));
  const checked = await load('ap', { url: `${urls.ap}/credentials/verify`, method: 'POST', bodies, warmup: WARMUP.verify, amount: 4000, statusPerRequest: made.map((_, j) => (j < suspended.length ? 400 : 200)) });
  ctx.row(targeted({ what: 'verify vc+jwt with 2 status checks over HTTP (ap), 32 connections', value: checked.perSecond, unit: 'req/s', baseline: 'Ed25519 verify', ratio: checked.perSecond / floors.edVerify, ...latency(checked) }, { minRatio: 0.4 }));
  const plainVerify = rows.find((r) => r.what.startsWith('verify vc+jwt over HTTP'));
  if (plainVerify) ctx.row({ what: 'verify vc+jwt with status checks: ratio to the same without status', value: checked.perSecond / plainVerify.value, unit: '×', baseline: 'verify vc+jwt' });
}

/** GET /health/live of one region: the HTTP floor of that region's process. */
async function trivial(region: string, url: string): Promise<LoadResult> {
  return load(region, { url: `${url}/health/live`, warmup: 5000, amount: 30_000 }); // the warm-up warms the service and the client
}

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  // Baselines: the floor under every figure, measured here and now.
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const message = Buffer.from('x'.repeat(200));
  const signature = sign(null, message, privateKey);
  const edSign = opsPerSecond(() => sign(null, message, privateKey));
  const edVerify = opsPerSecond(() => verify(null, message, publicKey, signature));
  const floors: Floors = { edSign, edVerify };
  rows.push({ what: 'baseline: node:crypto Ed25519 sign', value: edSign, unit: 'ops/s' });
  rows.push({ what: 'baseline: node:crypto Ed25519 verify', value: edVerify, unit: 'ops/s' });
  const keyResolver = new Resolver({ key: async (did) => ({ didResolutionMetadata: {}, didDocument: { id: did }, didDocumentMetadata: {} }) });
  const didKey = `did:key:z${base58.encode(new Uint8Array([0xed, 0x01, ...Buffer.alloc(32, 1)]))}`;
  const t0 = performance.now();
  for (let i = 0; i < 20000; i++) await keyResolver.resolve(didKey);
  const resolverFloor = 20000 / ((performance.now() - t0) / 1000);
  rows.push({ what: 'baseline: did-resolver in-process (trivial driver)', value: resolverFloor, unit: 'ops/s' });

  // Library floors for credentials, one at a time in this process.
  const joseKey = generateKeyPairSync('ed25519');
  const claims = new TextEncoder().encode(JSON.stringify({ vc: 'x'.repeat(400) }));
  const joseToken = await new CompactSign(claims).setProtectedHeader({ alg: 'EdDSA' }).sign(joseKey.privateKey);
  const joseSign = await asyncOpsPerSecond(async () => void (await new CompactSign(claims).setProtectedHeader({ alg: 'EdDSA' }).sign(joseKey.privateKey)));
  const joseVerify = await asyncOpsPerSecond(async () => void (await compactVerify(joseToken, joseKey.publicKey)));
  rows.push({ what: 'baseline: jose CompactSign EdDSA, one at a time', value: joseSign, unit: 'ops/s' });
  rows.push({ what: 'baseline: jose compactVerify EdDSA, one at a time', value: joseVerify, unit: 'ops/s' });
  const sd = new SDJwtInstance({ hasher: digest, saltGenerator: generateSalt, signAlg: 'EdDSA', signer: (data: string) => sign(null, Buffer.from(data), joseKey.privateKey).toString('base64url') });
  const sdClaims = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`claim${i}`, `value ${i}`]));
  const sdIssue = await asyncOpsPerSecond(async () => void (await sd.issue(sdClaims, { _sd: Object.keys(sdClaims) } as never)));
  rows.push({ what: 'baseline: @sd-jwt/core issue, 8 SD claims', value: sdIssue, unit: 'ops/s' });

  const veramo = selected('credentials') ? await veramoBaseline() : undefined;
  if (veramo) {
    rows.push({ what: 'baseline: Veramo 7 createVerifiableCredential (JWT, did:key)', value: veramo.create, unit: 'ops/s' });
    rows.push({ what: 'baseline: Veramo 7 verifyCredential (JWT, did:key)', value: veramo.verify, unit: 'ops/s' });
  }

  const { urls, children, dir } = await startRegions();
  for (const id of ['eu', 'ap']) {
    for (;;) {
      try {
        if ((await fetch(`${urls[id]}/health/live`)).ok) break;
      } catch {
        // starting
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** What a section in its own file gets: `await benchX(ctx)` is all it takes to wire it in. */
  const ctx: BenchContext = { urls, adminToken: ADMIN_TOKEN, row: (r) => void rows.push(r), measure: load };
  try {
    // A trivial endpoint over HTTP, per region: the HTTP floor of each region's process.
    const live: Record<string, LoadResult> = {};
    for (const id of ['eu', 'ap']) {
      live[id] = await trivial(id, urls[id]!);
      rows.push({ what: `baseline: GET /health/live over HTTP (${id}), 32 connections`, value: live[id].perSecond, unit: 'req/s', ...latency(live[id]) });
    }

    let appendsPerSecond: number | undefined;
    const dids: string[] = [];
    if (selected('did-create') || selected('replication-lag') || selected('resolve')) {
      const count = selected('did-create') || selected('replication-lag') ? 3000 : 300;
      // Every create is a new DID: the warm-up has bodies of its own.
      const bodies = Array.from({ length: WARMUP.create + count }, () => JSON.stringify(walletCreate().operation));
      const appends = await load('eu', { url: `${urls.eu}/1.0/operations`, method: 'POST', bodies, warmup: WARMUP.create, amount: count, statuses: [201], keep: count });
      const appendEnd = appends.endedAt - performance.timeOrigin;
      for (const body of appends.answers) dids.push((JSON.parse(body) as { didState: { did: string } }).didState.did);
      appendsPerSecond = appends.perSecond;
      if (selected('did-create')) {
        rows.push(targeted({ what: `DID create (append + checkpoint) over HTTP (eu): throughput at saturation, closed loop, 32 connections, ${count.toLocaleString('en-US')} creates (p99 here is queueing)`, value: appends.perSecond, unit: 'req/s', baseline: 'Ed25519 verify', ratio: appends.perSecond / edVerify, ...latency(appends) }, { minRatio: 0.2 }));
      }
      // Replication lag: from the end of the burst until ap has accepted every entry.
      await mirrored(urls);
      if (selected('replication-lag')) rows.push({ what: `replication lag eu → ap after a ${count.toLocaleString('en-US')}-append burst`, value: performance.now() - appendEnd, unit: 'ms' });
      if (selected('did-create')) {
        // p99 at the floor's rate: the target's throughput offered on a fixed schedule, each create new.
        const offered = paced(0.2 * edVerify);
        const creates = Array.from({ length: offered.amount + offered.warmup }, () => JSON.stringify(walletCreate().operation));
        const atRate = await load('eu', { url: `${urls.eu}/1.0/operations`, method: 'POST', bodies: creates, statuses: [201], ...offered });
        rows.push(targeted({ what: `DID create over HTTP (eu): p99 at a fixed offered load of ${Math.round(offered.rate).toLocaleString('en-US')} req/s (0.2 × Ed25519 verify), open loop; value: the rate answered`, value: atRate.perSecond, unit: 'req/s', baseline: 'offered rate', ratio: atRate.perSecond / offered.rate, ...latency(atRate) }, { maxP99: 50 }));
        await mirrored(urls);
      }
    }

    if (selected('resolve')) {
      for (const [region, label] of [['eu', 'home region'], ['ap', 'mirror region']] as const) {
        const paths = dids.map((did) => `/1.0/identifiers/${did}`);
        // The warm-up loads every chain once.
        const resolved = await load(region, { url: urls[region]!, paths, warmup: 2000, amount: 30_000, statuses: [200] });
        rows.push(targeted({ what: `resolve did:isthmus over HTTP (${label}): throughput at saturation, closed loop, 32 connections (p99 here is queueing)`, value: resolved.perSecond, unit: 'req/s', baseline: `GET /health/live (${region})`, ratio: resolved.perSecond / live[region]!.perSecond, ...latency(resolved) }, { minRatio: 0.45 }));
        const offered = paced(0.45 * live[region]!.perSecond);
        const atRate = await load(region, { url: urls[region]!, paths, statuses: [200], ...offered });
        rows.push(targeted({ what: `resolve did:isthmus over HTTP (${label}): p99 at a fixed offered load of ${Math.round(offered.rate).toLocaleString('en-US')} req/s (0.45 × its /health/live), open loop; value: the rate answered`, value: atRate.perSecond, unit: 'req/s', baseline: 'offered rate', ratio: atRate.perSecond / offered.rate, ...latency(atRate) }, { maxP99: 5 }));
      }
    }
    if (veramo) await benchCredentials(ctx, floors, veramo);
    if (selected('status')) await benchStatus(ctx, floors, appendsPerSecond);
    if (selected('wallets')) {
      await benchIssuanceFlow(ctx);
      await benchPresentationFlow(ctx);
    }
    if (selected('data-integrity')) await benchDataIntegrity(ctx);
    if (selected('catch-up')) await benchCatchUp(urls, edVerify);
    rows.push({ what: 'bench process RSS', value: process.memoryUsage().rss / 2 ** 20, unit: 'MiB' });
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    rmSync(dir, { recursive: true, force: true });
  }

  const fmt = (n: number | undefined, digits = 0) => (n === undefined ? '' : n.toLocaleString('en-US', { maximumFractionDigits: digits }));
  const table = [
    '| what | value | unit | baseline | ratio | p50 ms | p99 ms | client CPU | target | met |',
    '|---|---:|---|---|---:|---:|---:|---:|---|---|',
    ...rows.map((r) => `| ${r.what} | ${fmt(r.value, r.unit === '×' ? 2 : 0)} | ${r.unit} | ${r.baseline ?? ''} | ${r.ratio === undefined ? '' : fmt(r.ratio, 3)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.client === undefined ? '' : `${Math.round(r.client * 100)}%`} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`),
  ].join('\n');
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    database: process.env.BENCH_DATABASE_URL ? 'postgresql' : 'sqlite',
    cores: cores.length,
    loadAverage: loadAtStart.map((n) => Number(n.toFixed(2))),
    loadAverageAtEnd: loadavg().map((n) => Number(n.toFixed(2))),
    placement: PINNED
      ? `eu pinned to core ${cores[0]}, ap to core ${cores[1]} (taskset); measured load from a separate load-runner process (bench/load.ts) pinned to ${cores[2] === undefined ? `the core of the region not under test (rows measuring eu: core ${cores[1]}; rows measuring ap: core ${cores[0]})` : `core ${cores[2]}`}; setup requests and the in-flight sections (wallets, data-integrity, catch-up) from the bench process, unpinned`
      : `nothing pinned (${taskset === undefined ? 'no taskset' : `${cores.length} core`}): the regions, the load-runner process and the bench process share the cores`,
    sections: only ?? ['all'],
  };
  writeFileSync(join(root, 'bench/results/latest.json'), `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
  writeFileSync(
    join(root, 'bench/results/latest.md'),
    `# Isthmus bench, ${meta.date} (${meta.database}, Node ${meta.node})\n\n${meta.cores} cores; load average ${meta.loadAverage.join(', ')} at the start, ${meta.loadAverageAtEnd.join(', ')} at the end; sections: ${meta.sections.join(', ')}.\n\nPlacement: ${meta.placement}.\n\nLoad: throughput rows are a closed loop (autocannon, 32 keep-alive connections, each sending when its last answer is in): the rate is the region's at saturation, and their p99 is mostly queueing (≈ 32 ÷ rate). Rows “p99 at a fixed offered load” are an open loop at the rate the target asks for (requests on a fixed schedule, latency from the scheduled time): their p99 is the one the latency bounds are about. Client CPU: the load runner's CPU time over the run's wall time (100% = a whole core: the rate is then the client's limit as much as the region's).\n\n${table}\n`,
  );
  process.stdout.write(`${table}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
});
