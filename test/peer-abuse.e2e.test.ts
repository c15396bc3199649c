import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../src/database/data-source.js';
import { consistencyProof, entryLeafHash, formatCheckpoint, parseSignerKey, rootHash, signNote, type LedgerEntry } from '../src/domain/ledger/index.js';
import { generateNetwork } from '../src/domain/network/network-init.js';
import { dbOf, FAST_REPLICATION, waitFor } from './support/network.js';
import { walletCreate } from './support/wallet.js';
import { ADMIN_TOKEN, freePort, startRegion, type TestRegion } from './support/region.js';

/**
 * A real region (eu) whose genesis names a FAKE peer (ap): a node:http server that serves 1 MB
 * of garbage as its checkpoint and hints eu every 25 ms. Everything the peer controls must stay
 * bounded: storage, alarms, /ledger/status, logs, and the region keeps answering.
 */
const MB = 1024 * 1024;
const ATTACK_MS = 4000;

let region: TestRegion;
let peer: Server;
/** What the fake peer serves: garbage, or (a compromised peer with its real log key) a validly signed checkpoint and oversized answers. */
let mode: 'garbage' | 'compromised' | 'failing' | 'forged-chunk' = 'garbage';
/** In 'failing' mode, the status the fake home region answers a forwarded operation with. */
let failingStatus = 500;
let apLogKey = '';
const logLines: string[] = [];
const served = { checkpoints: 0, oversized: 0 };

/** Bytes the region's database takes: the SQLite file and its WAL, or the PostgreSQL database. */
async function databaseBytes(): Promise<number> {
  const db = dbOf(region);
  if (db.options.type === 'postgres') {
    const [row] = (await db.query('SELECT pg_database_size(current_database()) AS size')) as { size: string }[];
    return Number(row!.size);
  }
  const file = join(region.config.dataDir, SQLITE_FILE);
  return [file, `${file}-wal`].filter(existsSync).reduce((sum, f) => sum + statSync(f).size, 0);
}

/**
 * A compromised peer's log of FORGED_LOG real DID creates whose entry FORGED_AT (in the second
 * catch-up chunk) carries a forged signature: signed into its checkpoint and proofs all the same.
 */
const FORGED_LOG = 1000;
const FORGED_AT = 700;
let forgedLog: { entries: { index: number; leafHash: string; entry: LedgerEntry }[]; leaves: Uint8Array[] } | undefined;

function serveForgedLog(url: string, response: import('node:http').ServerResponse): boolean {
  if (!forgedLog) {
    const entries = Array.from({ length: FORGED_LOG }, (_, index) => {
      const { did, operation } = walletCreate('ap');
      if (index === FORGED_AT) operation.sig = `${String(operation.sig).startsWith('A') ? 'B' : 'A'}${String(operation.sig).slice(1)}`;
      const entry: LedgerEntry = { v: 1, log: 'ap', index, time: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, index)).toISOString(), kind: 'did-op', payload: { did, operation } };
      return { index, leafHash: Buffer.from(entryLeafHash(entry)).toString('base64'), entry };
    });
    forgedLog = { entries, leaves: entries.map((e) => new Uint8Array(Buffer.from(e.leafHash, 'base64'))) };
  }
  const { entries, leaves } = forgedLog;
  const { pathname, searchParams } = new URL(url, 'http://peer');
  const json = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (pathname === '/ledger/ap/checkpoint') {
    const body = formatCheckpoint({ origin: 'isthmus/ap', size: FORGED_LOG, rootHash: rootHash(leaves) });
    response.writeHead(200, { 'content-type': 'text/plain' }).end(signNote(body, [parseSignerKey(apLogKey)]));
  } else if (pathname === '/ledger/ap/entries') {
    const start = Number(searchParams.get('start'));
    json({ entries: entries.slice(start, start + Number(searchParams.get('limit'))) });
  } else if (pathname === '/ledger/ap/proof/consistency') {
    const proof = consistencyProof(leaves, Number(searchParams.get('from')), Number(searchParams.get('to')));
    json({ proof: proof.map((h) => Buffer.from(h).toString('base64')) });
  } else return false;
  return true;
}

beforeAll(async () => {
  const peerPort = await freePort();
  peer = createServer((request, response) => {
    if (mode === 'forged-chunk' && serveForgedLog(request.url!, response)) return;
    if (mode === 'compromised') {
      if (request.url === '/ledger/ap/checkpoint') {
        const body = formatCheckpoint({ origin: 'isthmus/ap', size: 1, rootHash: new Uint8Array(32).fill(3) });
        response.writeHead(200, { 'content-type': 'text/plain' }).end(signNote(body, [parseSignerKey(apLogKey)]));
        return;
      }
      // An entry page, or the answer to a forwarded operation, of 20 MB, dripped in 1 MB chunks.
      if (request.url!.startsWith('/ledger/ap/entries') || request.url === '/1.0/operations') {
        served.oversized += 1;
        response.writeHead(201, { 'content-type': 'application/json' });
        response.write('{"entries":[{"index":0,"leafHash":"","entry":"');
        let sent = 0;
        const drip = () => {
          if (response.destroyed || sent >= 20) return void response.end('"}]}');
          sent += 1;
          if (response.write('x'.repeat(MB))) setImmediate(drip);
          else response.once('drain', drip);
        };
        drip();
        return;
      }
    }
    if (mode === 'failing' && request.url === '/1.0/operations') {
      response.writeHead(failingStatus, { 'content-type': 'application/json', location: 'http://attacker.example/' }).end('{"stack":"Error: at internal"}');
      return;
    }
    if (request.method === 'GET' && request.url === '/ledger/ap/checkpoint') {
      served.checkpoints += 1;
      // Shaped like a note (text, blank line, one "signature" line) so a parser gets as far as
      // the 1 MB line; different each time, so nothing can deduplicate it by content.
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`isthmus/ap\n1\nAAAA\n\n${randomBytes(MB / 2).toString('hex')}\n`);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => peer.listen(peerPort, '127.0.0.1', resolve));
  const network = generateNetwork('isthmus-e2e', [
    { id: 'eu', url: 'http://127.0.0.1:9' },
    { id: 'ap', url: `http://127.0.0.1:${peerPort}` },
  ]);
  apLogKey = (network.keys.ap as { logKey: string }).logKey;
  region = await startRegion({ regionId: 'eu', network, listen: true, env: { ...FAST_REPLICATION, LOG_LEVEL: 'info' }, logLines });
});

afterAll(async () => {
  await region?.close();
  await new Promise((resolve) => peer?.close(resolve));
});

describe('a peer serving garbage and hinting every 25 ms', () => {
  it('cannot grow the database, the alarms, /ledger/status or the logs, nor slow the region', async () => {
    // Let the first round raise the alarm, so growth below is what the attack adds.
    await waitFor(async () => (await dbOf(region).query(`SELECT id FROM ledger_alarm WHERE log = 'ap'`)).length > 0, 'the first alarm');
    const before = await databaseBytes();
    const fetchesBefore = served.checkpoints;

    let hints = 0;
    const hinting = setInterval(() => {
      hints += 1;
      void fetch(`${region.url}/ledger/ap/hint`, { method: 'POST' }).catch(() => undefined);
    }, 25);
    const liveness: number[] = [];
    const deadline = Date.now() + ATTACK_MS;
    try {
      while (Date.now() < deadline) {
        const start = performance.now();
        const live = await fetch(`${region.url}/health/live`);
        liveness.push(performance.now() - start);
        expect(live.status).toBe(200);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      clearInterval(hinting);
    }
    await new Promise((r) => setTimeout(r, 300)); // the last round ends

    // Every bound is checked (soft), so a regression shows all that it breaks at once.
    // Storage: one alarm row with bounded text, and no growth to speak of.
    const rows = (await dbOf(region).query(`SELECT LENGTH(detail) AS detail, LENGTH(evidence) AS evidence FROM ledger_alarm WHERE log = 'ap'`)) as { detail: number; evidence: number }[];
    expect.soft(rows).toHaveLength(1);
    expect.soft(Math.max(...rows.map((r) => Number(r.detail)))).toBeLessThanOrEqual(512);
    expect.soft(Math.max(...rows.map((r) => Number(r.evidence)))).toBeLessThanOrEqual(8 * 1024);
    expect.soft((await databaseBytes()) - before).toBeLessThan(8 * MB);

    // One open alarm for (ap, forged-checkpoint), counted, with first and last seen.
    const response = await fetch(`${region.url}/ledger/status`);
    const body = await response.text();
    expect.soft(body.length).toBeLessThan(64 * 1024);
    const status = JSON.parse(body) as { alarms: { log: string; kind: string; count: number; firstSeenAt: string; lastSeenAt: string; detail: string }[]; alarmCount: number };
    const alarms = status.alarms.filter((a) => a.log === 'ap' && a.kind === 'forged-checkpoint');
    expect.soft(alarms).toHaveLength(1);
    expect.soft(status.alarmCount).toBe(1);
    const [alarm] = alarms;
    expect.soft(alarm!.count).toBeGreaterThan(1);
    expect.soft(Date.parse(alarm!.lastSeenAt)).toBeGreaterThan(Date.parse(alarm!.firstSeenAt));
    // The detail names what was wrong with a length and digest, never the peer's bytes.
    expect.soft(alarm!.detail).toMatch(/checkpoint of log ap/);
    expect.soft(alarm!.detail).toMatch(/sha256 [0-9a-f]{16}/);
    expect.soft(alarm!.detail).not.toMatch(/[0-9a-f]{64}/);

    // Hints are coalesced and ignored while the peer's last answer was refused: the timer
    // (150 ms here) sets the pace, not the peer's 25 ms hints.
    expect.soft(served.checkpoints - fetchesBefore).toBeLessThan(ATTACK_MS / Number(FAST_REPLICATION.REPLICATION_INTERVAL_MS) + 10);
    expect.soft(hints).toBeGreaterThan(ATTACK_MS / 25 / 8); // the attack happened, even on a loaded machine

    // The region kept answering, and no log line carries the garbage.
    expect.soft(Math.max(...liveness)).toBeLessThan(2000);
    expect.soft(logLines.length).toBeGreaterThan(0);
    expect.soft(Math.max(...logLines.map((l) => l.length))).toBeLessThan(4096);
  }, 30_000);

  it('an operator clears the alarm; the fault seen again opens a new one', async () => {
    const { alarms } = (await (await fetch(`${region.url}/ledger/status`)).json()) as { alarms: { id: number; log: string }[] };
    const cleared = await fetch(`${region.url}/ledger/alarms/${alarms[0]!.id}/clear`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toMatchObject({ id: alarms[0]!.id, log: 'ap', kind: 'forged-checkpoint', count: expect.any(Number), clearedAt: expect.any(String) });
    const again = await waitFor(async () => {
      const status = (await (await fetch(`${region.url}/ledger/status`)).json()) as { alarms: { id: number }[] };
      return status.alarms.find((a) => a.id !== alarms[0]!.id);
    }, 'a new alarm');
    expect(again.id).toBeGreaterThan(alarms[0]!.id);
  });
});

describe('a compromised peer (its real log key) with oversized answers', () => {
  it('an entry page past the limit is read no further and raises invalid-entries', async () => {
    mode = 'compromised';
    const alarm = await waitFor(async () => {
      const status = (await (await fetch(`${region.url}/ledger/status`)).json()) as { alarms: { log: string; kind: string; detail: string }[] };
      return status.alarms.find((a) => a.log === 'ap' && a.kind === 'invalid-entries');
    }, 'the invalid-entries alarm');
    expect(alarm.detail).toMatch(/one entry of more than 8388608 bytes/);
    expect(served.oversized).toBeGreaterThan(1); // asked again with fewer entries first
    const [{ n }] = (await dbOf(region).query(`SELECT COUNT(*) AS n FROM ledger_entry WHERE log = 'ap'`)) as { n: string }[];
    expect(Number(n)).toBe(0);
  });

  it('a forwarded operation whose home region answers 20 MB gets a 503 problem, not the bytes', async () => {
    const answer = await fetch(`${region.url}/1.0/operations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(walletCreate('ap').operation) });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await answer.text()).length).toBeLessThan(4096);
  });

  it('a forwarded operation whose home region answers a 5xx or a redirect gets a 502 problem, never that status or body', async () => {
    mode = 'failing';
    for (const status of [500, 302, 301]) {
      failingStatus = status;
      const answer = await fetch(`${region.url}/1.0/operations`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json' }, body: JSON.stringify(walletCreate('ap').operation) });
      expect({ status, answer: answer.status, body: answer.status === 502 ? '' : await answer.clone().text() }).toEqual({ status, answer: 502, body: '' });
      expect(answer.headers.get('content-type')).toMatch(/problem\+json/);
      expect(answer.headers.get('location')).toBeNull();
      const body = await answer.text();
      expect(body).not.toMatch(/stack|internal/);
      expect(JSON.parse(body)).toMatchObject({ status: 502, homeRegion: 'ap' });
    }
  });
});

describe('a compromised peer whose signed log holds a forged entry in the second of two chunks', () => {
  it('stores the first chunk, refuses the second (verified beside the first) and stores nothing after it', async () => {
    // Earlier tests left an invalid-entries alarm open: cleared, so this fault opens its own.
    const { alarms } = (await (await fetch(`${region.url}/ledger/status`)).json()) as { alarms: { id: number; log: string; kind: string }[] };
    for (const alarm of alarms.filter((a) => a.log === 'ap')) {
      await fetch(`${region.url}/ledger/alarms/${alarm.id}/clear`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    }
    mode = 'forged-chunk';
    const alarm = await waitFor(async () => {
      const status = (await (await fetch(`${region.url}/ledger/status`)).json()) as { alarms: { log: string; kind: string; detail: string; count: number }[] };
      return status.alarms.find((a) => a.log === 'ap' && a.kind === 'invalid-entries' && /entry 700\b/.test(a.detail) && a.count >= 2);
    }, 'the invalid-entries alarm for entry 700, seen twice', 60_000);
    expect(alarm.detail).toMatch(/log ap entry 700: invalid DID operation/);
    // The first chunk (0 … 499) verified and stored; nothing of the second, nor after it.
    const [{ n, last }] = (await dbOf(region).query(`SELECT COUNT(*) AS n, MAX(idx) AS last FROM ledger_entry WHERE log = 'ap'`)) as { n: string; last: string }[];
    expect({ n: Number(n), last: Number(last) }).toEqual({ n: 500, last: 499 });
    const head = (await (await fetch(`${region.url}/ledger/status`)).json()) as { logs: { log: string; acceptedSize: number }[] };
    expect(head.logs.find((l) => l.log === 'ap')?.acceptedSize).toBe(500);
    mode = 'garbage';
  }, 120_000);
});
