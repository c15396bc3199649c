/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read loosely here */
/**
 * `node dist/bench/profile.js <scenario> [requests]`: one region (a network of one, from the
 * build, SQLite) under autocannon load on one endpoint, with `--cpu-prof`. Prints the region's
 * CPU time per request (from /proc, so it holds on a shared machine where wall-clock rates do
 * not) and where that time goes: self time by package and by function, and time inclusive of
 * callees by package (docs/performance.md). Scenarios: live, resolve, create, issue, issue-sd,
 * verify, verify-sd, verify-status, verify-dc; issue-8, issue-sd-8, issue-dc-8 (8 claims, as bench/run.ts issues them). The profile is left in PROFILE_DIR (default a temporary directory).
 * PROFILE=0 runs the region without the profiler: the CPU per request is then the region's own,
 * not inflated by sampling (use it to compare before and after; use the profile to find where).
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base58 } from '@scure/base';
import canonicalize from 'canonicalize';
import { cannon, cpuSeconds, freePort } from './support.js';

const scenario = process.argv[2] ?? 'issue';
const amount = Number(process.argv[3] ?? 4000);
const jcs = (v: unknown) => (canonicalize as unknown as (x: unknown) => string)(v);

function walletCreate(): string {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  const didKey = `did:key:z${base58.encode(new Uint8Array([0xed, 0x01, ...Buffer.from(x, 'base64url')]))}`;
  const unsigned = { type: 'create', prev: null, home: 'eu', rotationKeys: [didKey], document: { verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } }], assertionMethod: ['#key-1'] } };
  return JSON.stringify({ ...unsigned, sig: sign(null, Buffer.from(jcs(unsigned)), privateKey).toString('base64url') });
}

const post = async (url: string, body: unknown, token?: string) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, any>;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'isthmus-profile-'));
  const profiles = process.env.PROFILE_DIR ?? join(dir, 'profiles');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const init = spawnSync(process.execPath, ['dist/src/cli/network-init.js', '--per-region', '--data-dir', dir, '--regions', `eu=${url}`], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const spawnedAt = performance.now();
  const profiling = process.env.PROFILE !== '0';
  const region = spawn(process.execPath, [...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`] : []), 'dist/src/main.js'], {
    stdio: 'inherit',
    env: { PATH: process.env.PATH, REGION_ID: 'eu', PORT: String(port), DATA_DIR: join(dir, 'eu'), ADMIN_TOKEN: 'b'.repeat(40), KEY_ENCRYPTION_SECRET: 'cd'.repeat(32), LOG_LEVEL: 'silent' },
  });
  for (;;) {
    try {
      if ((await fetch(`${url}/health/live`)).ok) break;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const { apiKey } = await post(`${url}/admin/issuers`, { name: 'Profile' }, 'b'.repeat(40));
  const did = (await post(`${url}/1.0/create?method=isthmus`, {}, apiKey)).didState.did as string;
  const credential = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: did, credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'MSc' } };
  const issue = { url: `${url}/credentials/issue`, method: 'POST' as const, headers: { authorization: `Bearer ${apiKey}` } };
  const verifyBodies = async (options: Record<string, unknown>) => {
    const bodies: string[] = [];
    await cannon({ ...issue, body: { credential, options }, amount: 500, onBody: (b) => void bodies.push(JSON.stringify({ verifiableCredential: JSON.parse(b).verifiableCredential })) });
    return bodies;
  };
  const load: Record<string, () => Promise<Parameters<typeof cannon>[0]>> = {
    live: async () => ({ url: `${url}/health/live`, amount }),
    resolve: async () => {
      const dids: string[] = [];
      await cannon({ url: `${url}/1.0/operations`, method: 'POST', bodies: Array.from({ length: 600 }, walletCreate), amount: 500, onBody: (b) => void dids.push(JSON.parse(b).didState.did) });
      return { url, paths: dids.map((d) => `/1.0/identifiers/${d}`), amount };
    },
    create: async () => ({ url: `${url}/1.0/operations`, method: 'POST', bodies: Array.from({ length: amount + 100 }, walletCreate), amount, expect: (s) => s === 201 }),
    issue: async () => ({ ...issue, body: { credential }, amount, expect: (s) => s === 201 }),
    'issue-sd': async () => ({ ...issue, body: { credential, options: { format: 'vc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/degree'] } }, amount, expect: (s) => s === 201 }),
    verify: async () => ({ url: `${url}/credentials/verify`, method: 'POST', bodies: await verifyBodies({}), amount }),
    'verify-sd': async () => ({ url: `${url}/credentials/verify`, method: 'POST', bodies: await verifyBodies({ format: 'vc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/degree'] }), amount }),
    'verify-status': async () => ({ url: `${url}/credentials/verify`, method: 'POST', bodies: await verifyBodies({ status: ['revocation', 'suspension'] }), amount }),
  };
  // dc+sd-jwt as bench/run.ts issues it: 8 selectively disclosable claims, all disclosed.
  load['verify-dc'] = async () => {
    const subject = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`claim${i}`, `value ${i}`]));
    const bodies: string[] = [];
    const options = { format: 'dc+sd-jwt', selectivelyDisclosable: Object.keys(subject).map((k) => `/credentialSubject/${k}`) };
    await cannon({ ...issue, body: { credential: { ...credential, credentialSubject: { ...credential.credentialSubject, ...subject } }, options }, amount: 500, onBody: (b) => void bodies.push(JSON.stringify({ verifiableCredential: JSON.parse(b).verifiableCredential })) });
    return { url: `${url}/credentials/verify`, method: 'POST', bodies, amount };
  };
  // Issuance as bench/run.ts measures it: 8 claims, all selectively disclosable in the SD-JWT formats.
  const eight = { ...credential, credentialSubject: { ...credential.credentialSubject, ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`claim${i}`, `value ${i}`])) } };
  const eightPointers = Array.from({ length: 8 }, (_, i) => `/credentialSubject/claim${i}`);
  load['issue-8'] = async () => ({ ...issue, body: { credential: eight }, amount, expect: (s) => s === 201 });
  load['issue-sd-8'] = async () => ({ ...issue, body: { credential: eight, options: { format: 'vc+sd-jwt', selectivelyDisclosable: eightPointers } }, amount, expect: (s) => s === 201 });
  load['issue-dc-8'] = async () => ({ ...issue, body: { credential: eight, options: { format: 'dc+sd-jwt', selectivelyDisclosable: eightPointers } }, amount, expect: (s) => s === 201 });
  if (!load[scenario]) throw new Error(`no scenario ${scenario}: ${Object.keys(load).join(', ')}`);
  const options = await load[scenario]();
  // Warm-up (not counted); creates need bodies of their own.
  await cannon({ ...(scenario === 'create' ? await load.create!() : options), amount: Math.min(1000, amount) });
  const before = cpuSeconds(region.pid!);
  const window = [(performance.now() - spawnedAt) * 1000];
  const result = await cannon(options);
  window.push((performance.now() - spawnedAt) * 1000);
  const cpu = cpuSeconds(region.pid!) - before;
  const exited = new Promise((r) => region.once('exit', r));
  region.kill('SIGTERM');
  await exited;
  process.stdout.write(`${scenario}: ${result.total} requests, ${Math.round(result.perSecond)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, region CPU ${Math.round((cpu * 1e6) / result.total)} µs/request\n`);
  if (!profiling) return;
  const file = readdirSync(profiles).find((f) => f.endsWith('.cpuprofile'));
  if (file) summarize(join(profiles, file), window as [number, number]);
}

/** Self and inclusive time by package and function, idle excluded, of the samples in the measured window (µs since spawn, give or take the profiler's start). */
function summarize(file: string, [from, to]: [number, number]): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const pkg = (url: string) => {
    if (!url) return '(native)';
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return m[1]!;
    if (url.startsWith('node:')) return url.split('/')[0]!;
    return /dist\/(src\/[^/]+(?:\/[^/]+)?)/.exec(url)?.[1] ?? url.slice(-40);
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  let at = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const t = profile.timeDeltas[i] ?? 0;
    at += t;
    if (node.callFrame.functionName === '(idle)' || at < from || at > to) return;
    total += t;
    const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + t);
    add(self, pkg(node.callFrame.url));
    add(fns, `${node.callFrame.functionName || '(anonymous)'} ${pkg(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = pkg(byId.get(cur)!.callFrame.url);
      if (!seen.has(k)) add(inclusive, k);
      seen.add(k);
    }
  });
  const show = (m: Map<string, number>, title: string, n: number) => {
    process.stdout.write(`\n${title} (% of busy time)\n`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(6)}%  ${k}\n`);
  };
  process.stdout.write(`profile ${file}: ${(total / 1e6).toFixed(2)} s busy under load\n`);
  show(self, 'self time by package', 15);
  show(inclusive, 'inclusive time by package', 15);
  show(fns, 'self time by function', 25);
}

main().catch((error: unknown) => {
  process.stderr.write(`profile: ${(error as Error).stack}\n`);
  process.exit(1);
});
