import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/region.js';

// The build as an operator runs it (npm test builds first): network:init, then one region from
// the environment. The Swagger CLI plugin only runs in the build, so the OpenAPI checks live here.
const dist = (file: string) => join(process.cwd(), 'dist/src', file);
const dir = mkdtempSync(join(tmpdir(), 'isthmus-built-'));
let child: ChildProcess;
let base: string;
let output = '';

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const init = spawnSync(process.execPath, [dist('cli/network-init.js'), '--data-dir', dir, '--regions', `eu=${base},ap=http://127.0.0.1:1`], { encoding: 'utf8' });
  expect(init.status, init.stderr).toBe(0);
  child = spawn(process.execPath, [dist('main.js')], {
    env: {
      PATH: process.env.PATH,
      REGION_ID: 'eu',
      PORT: String(port),
      DATA_DIR: dir,
      ADMIN_TOKEN: 'x'.repeat(40),
      KEY_ENCRYPTION_SECRET: 'ab'.repeat(32),
      LOG_LEVEL: 'info',
    },
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the built region did not become ready:\n${output}`);
}, 60_000);

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('the built service', () => {
  it('network:init wrote the genesis and a private key file only its owner reads', () => {
    expect(existsSync(join(dir, 'network.json'))).toBe(true);
    expect(statSync(join(dir, 'keys/eu.json')).mode & 0o077).toBe(0);
    const again = spawnSync(process.execPath, [dist('cli/network-init.js'), '--data-dir', dir, '--regions', `eu=${base}`], { encoding: 'utf8' });
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/refusing to overwrite/);
  });

  it('network:init --per-region lays out one DATA_DIR per region, each with only its own keys', () => {
    const out = mkdtempSync(join(tmpdir(), 'isthmus-split-'));
    try {
      const split = spawnSync(process.execPath, [dist('cli/network-init.js'), '--per-region', '--data-dir', out, '--regions', 'eu=http://a:1,ap=http://b:2'], { encoding: 'utf8' });
      expect(split.status, split.stderr).toBe(0);
      for (const [id, other] of [['eu', 'ap'], ['ap', 'eu']]) {
        expect(existsSync(join(out, id, 'network.json'))).toBe(true);
        expect(existsSync(join(out, id, 'keys', `${id}.json`))).toBe(true);
        expect(existsSync(join(out, id, 'keys', `${other}.json`))).toBe(false);
      }
      expect(readFileSync(join(out, 'eu/network.json'), 'utf8')).toBe(readFileSync(join(out, 'ap/network.json'), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('serves an OpenAPI document with the DTO schemas the build generated', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    for (const path of [
      '/health/ready',
      '/admin/issuers',
      '/1.0/create',
      '/1.0/operations',
      '/1.0/identifiers/{did}',
      '/ledger/{region}/checkpoint',
      '/ledger/{region}/proof/inclusion',
      '/ledger/status',
      '/metrics',
      '/credentials/issue',
      '/credentials/verify',
      '/presentations/verify',
      '/credentials/status',
      '/status-lists/{id}',
      '/policy',
      '/trust/issuers',
      '/trust/issuers/{did}',
      '/trust/withdrawals',
      '/ledger/alarms/{id}/clear',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(Object.keys(doc.components.schemas.IssuerCreatedDto!.properties!)).toEqual(['id', 'name', 'apiKey']);
    expect(doc.components.schemas.CreateIssuerDto!.properties!).toHaveProperty('name');
    expect(Object.keys(doc.components.schemas.IssueOptionsDto!.properties!)).toEqual(expect.arrayContaining(['format', 'selectivelyDisclosable', 'holder', 'vct', 'status']));
    expect(Object.keys(doc.components.schemas.UpdateStatusRequestDto!.properties!)).toEqual(['credentialId', 'credentialStatus']);
    // W3C VC API: the known verification options are described, and any other is accepted (reported as a warning).
    expect(Object.keys(doc.components.schemas.VerifyOptionsDto!.properties!)).toEqual(expect.arrayContaining(['clockSkewSeconds', 'challenge', 'domain', 'requireStatus', 'requireSchema']));
    expect(doc.components.schemas.VerifyOptionsDto!.properties!).not.toHaveProperty('unknownOptions');
    expect(doc.components.schemas.VerifyRequestDto!.properties!.options).toMatchObject({ additionalProperties: true, allOf: [{ $ref: '#/components/schemas/VerifyOptionsDto' }] });
    expect(Object.keys(doc.components.schemas.VerificationResultDto!.properties!).sort()).toEqual(['checks', 'credential', 'errors', 'verified', 'warnings']);
    const docs = await fetch(`${base}/docs`);
    expect(docs.status).toBe(200);
  });

  it('logs JSON lines with request ids and never the bearer token', async () => {
    await fetch(`${base}/admin/issuers`, { method: 'POST', headers: { authorization: `Bearer ${'x'.repeat(40)}`, 'content-type': 'application/json', 'x-request-id': 'trace-77' }, body: '{"name":"Leiden"}' });
    await new Promise((r) => setTimeout(r, 200));
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => JSON.parse(l).requestId === 'trace-77')).toBe(true);
    expect(output).not.toContain('x'.repeat(40));
    expect(output).not.toMatch(/isk_[A-Za-z0-9_-]{20}/);
  });

  it('does not log a bearer token put in a query string', async () => {
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJxdWVyeSJ9.c2lnbmF0dXJlLW9mLWEtdG9rZW4';
    await fetch(`${base}/health/live?access_token=${'q'.repeat(40)}&start=1`, { headers: { 'x-request-id': 'query-1' } });
    await fetch(`${base}/health/live?t=${jwt}`, { headers: { 'x-request-id': 'query-2' } });
    await fetch(`${base}/no/such/route?apiKey=isk_${'k'.repeat(30)}`, { headers: { 'x-request-id': 'query-3' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(output).toContain('query-1');
    expect(output).toContain('access_token=[redacted]&start=1');
    expect(output).not.toContain('q'.repeat(40));
    expect(output).not.toContain(jwt);
    expect(output).not.toContain('k'.repeat(30));
  });

  it('starts without a warning from the framework (e.g. two OpenAPI schemas of one name, of which the document keeps one)', () => {
    const boot = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(boot.filter((line) => line.level >= 40 && !/replication round failed/.test(line.msg)).map((line) => line.msg)).toEqual([]);
  });

  it('does not log the other region’s replication polls request by request at info level', async () => {
    await fetch(`${base}/ledger/eu/checkpoint`, { headers: { 'x-request-id': 'poll-31' } });
    await fetch(`${base}/health/live`, { headers: { 'x-request-id': 'live-31' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(output).toContain('live-31');
    expect(output).not.toContain('poll-31');
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
