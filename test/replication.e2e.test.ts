import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCheckpoint, parseSignerKey, signNote } from '../src/domain/ledger/index.js';
import { verifyCosignatureLine, verifySignedNote } from './support/independent.js';
import { dbOf, getJson, logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { ADMIN_TOKEN } from './support/region.js';
import { tamperWithLedger } from './support/tamper.js';
import { walletCreate } from './support/wallet.js';

let net: TwoRegions;

beforeAll(async () => {
  net = await startTwoRegions();
});
afterAll(async () => {
  await net?.close();
});

async function submit(base: string, operation: unknown): Promise<Response> {
  return fetch(`${base}/1.0/operations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(operation) });
}

async function createIn(home: 'eu' | 'ap', count: number): Promise<string[]> {
  const dids: string[] = [];
  for (let i = 0; i < count; i += 25) {
    const batch = Array.from({ length: Math.min(25, count - i) }, () => walletCreate(home));
    const answers = await Promise.all(batch.map((c) => submit(net[home].url!, c.operation)));
    expect(answers.map((a) => a.status)).toEqual(batch.map(() => 201));
    dids.push(...batch.map((c) => c.did));
  }
  return dids;
}

const checkpointOf = async (base: string, log: string) => (await fetch(`${base}/ledger/${log}/checkpoint`)).text();
const sizeOf = (note: string) => Number(note.split('\n')[1]);
const caughtUp = (region: 'eu' | 'ap', log: 'eu' | 'ap') =>
  waitFor(async () => {
    const writer = sizeOf(await checkpointOf(net[log].url!, log));
    const mirror = await logStatus(net[region], log);
    return mirror.acceptedSize === writer && writer;
  }, `${region} to catch up with log ${log}`);

describe('one ledger, two regions', () => {
  it('a DID created in either region resolves in the other', async () => {
    const [inEu] = await createIn('eu', 1);
    const [inAp] = await createIn('ap', 1);
    await caughtUp('ap', 'eu');
    await caughtUp('eu', 'ap');
    const there = await fetch(`${net.ap.url}/1.0/identifiers/${inEu}`);
    expect(there.status).toBe(200);
    expect(JSON.parse(await there.text()).didDocument.id).toBe(inEu);
    expect((await fetch(`${net.eu.url}/1.0/identifiers/${inAp}`)).status).toBe(200);
  });

  it('serves checkpoints signed by the writer and cosigned by the other region (independent C2SP check)', async () => {
    const keys = await getJson<{ regions: { id: string; logKey: string; cosignerKey: string }[] }>(net.eu.url!, '/ledger/keys');
    const key = (id: string) => keys.regions.find((r) => r.id === id)!;
    for (const log of ['eu', 'ap'] as const) {
      const other = log === 'eu' ? 'ap' : 'eu';
      const note = await waitFor(async () => {
        const text = await checkpointOf(net[log].url!, log);
        return verifyCosignatureLine(text, key(other).cosignerKey) !== undefined && text;
      }, `the ${log} checkpoint to carry ${other}'s cosignature`);
      expect(verifySignedNote(note, key(log).logKey).ok).toBe(true);
      // the mirror serves the same checkpoint with both signatures
      const mirrored = await checkpointOf(net[other].url!, log);
      expect(verifySignedNote(mirrored, key(log).logKey).ok).toBe(true);
      expect(verifyCosignatureLine(mirrored, key(other).cosignerKey)).toBeGreaterThan(0);
    }
    const status = await logStatus(net.eu, 'eu');
    expect(status.cosignedSize).toBe(status.size);
  });

  it('forwards an operation to the DID home region, and says 503 when that region is down', async () => {
    const forwarded = walletCreate('eu');
    const answer = await submit(net.ap.url!, forwarded.operation);
    expect(answer.status).toBe(201);
    expect(((await answer.json()) as { didRegistrationMetadata: { log: string } }).didRegistrationMetadata.log).toBe('eu');
    await caughtUp('ap', 'eu');
    await net.stop('eu');
    const refused = await submit(net.ap.url!, walletCreate('eu').operation);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/home region "eu"/);
    // reads keep working from ap's own copy while eu is down
    expect((await fetch(`${net.ap.url}/1.0/identifiers/${forwarded.did}`)).status).toBe(200);
    await net.restart('eu');
  });

  it('a region down while the other writes hundreds of operations catches up exactly', async () => {
    await net.stop('ap');
    await createIn('eu', 300);
    await net.restart('ap');
    const size = await caughtUp('ap', 'eu');
    const writerNote = await checkpointOf(net.eu.url!, 'eu');
    expect(sizeOf(writerNote)).toBe(size);
    const mirrorNote = await checkpointOf(net.ap.url!, 'eu');
    expect(mirrorNote.split('\n').slice(0, 3)).toEqual(writerNote.split('\n').slice(0, 3));
    const rows = async (region: 'eu' | 'ap') =>
      (await dbOf(net[region]).query(`SELECT idx, entry, leaf_hash FROM ledger_entry WHERE log = 'eu' ORDER BY idx`)) as { idx: number; entry: string }[];
    const [ours, theirs] = await Promise.all([rows('eu'), rows('ap')]);
    expect(theirs.map((r) => Number(r.idx))).toEqual(ours.map((_, i) => i));
    expect(theirs).toEqual(ours);
  });

  it('a region killed mid-replication resumes without duplicates or gaps', async () => {
    await net.stop('ap');
    await createIn('eu', 200);
    await net.restart('ap');
    await new Promise((r) => setTimeout(r, 30)); // let the first pull start
    await net.stop('ap');
    await net.restart('ap');
    const size = await caughtUp('ap', 'eu');
    const indexes = (await dbOf(net.ap).query(`SELECT idx FROM ledger_entry WHERE log = 'eu' ORDER BY idx`)) as { idx: number }[];
    expect(indexes.map((r) => Number(r.idx))).toEqual(Array.from({ length: size }, (_, i) => i));
  });

  it('a partition in both directions heals by itself', async () => {
    net.links.eu.block();
    net.links.ap.block();
    const inEu = await createIn('eu', 5);
    const inAp = await createIn('ap', 5);
    await waitFor(async () => /unreachable/.test((await logStatus(net.ap, 'eu')).lastError ?? ''), 'ap to notice the partition');
    expect((await fetch(`${net.ap.url}/1.0/identifiers/${inEu[0]}`)).status).toBe(404);
    net.links.eu.unblock();
    net.links.ap.unblock();
    await caughtUp('ap', 'eu');
    await caughtUp('eu', 'ap');
    expect((await fetch(`${net.ap.url}/1.0/identifiers/${inEu[4]}`)).status).toBe(200);
    expect((await fetch(`${net.eu.url}/1.0/identifiers/${inAp[4]}`)).status).toBe(200);
  });
});

describe('auditing a live region', () => {
  it('ledger:audit --url verifies both logs and the cosignatures over HTTP', async () => {
    await caughtUp('ap', 'eu');
    await caughtUp('eu', 'ap');
    // Asynchronously: both regions run in this very process and must keep answering.
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(process.cwd(), 'dist/src/cli/ledger-audit.js'), '--url', net.ap.url!, '--genesis', join(net.ap.config.dataDir, 'network.json')]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/log eu: \d+ entries, .*cosigned by ap at .*: ok/);
    expect(result.stdout).toMatch(/log ap: \d+ entries, .*: ok/);
    expect(result.stdout).toMatch(/audit passed/);
  });
});

describe('what the other region refuses', () => {
  const tamperEntry = (sql: string) => tamperWithLedger(dbOf(net.eu), sql);

  it('a tampered entry is never stored and raises the alarm', async () => {
    net.links.eu.block(); // ap cannot pull while eu is being tampered with
    await createIn('eu', 3);
    const accepted = (await logStatus(net.ap, 'eu')).acceptedSize;
    const [row] = (await dbOf(net.eu).query(`SELECT idx, entry FROM ledger_entry WHERE log = 'eu' ORDER BY idx DESC LIMIT 1`)) as { idx: number; entry: string }[];
    const altered = row!.entry.replace('"assertionMethod":["#key-1"]', '"assertionMethod":[]');
    await tamperEntry(`UPDATE ledger_entry SET entry = '${altered.replace(/'/g, "''")}' WHERE log = 'eu' AND idx = ${Number(row!.idx)}`);
    net.links.eu.unblock();
    const alarms = await waitFor(async () => {
      const status = await getJson<{ alarms: { log: string; kind: string; blocking: boolean }[] }>(net.ap.url!, '/ledger/status');
      return status.alarms.find((a) => a.log === 'eu' && a.kind === 'invalid-entries');
    }, 'the invalid-entries alarm');
    expect(alarms.blocking).toBe(false);
    expect((await logStatus(net.ap, 'eu')).acceptedSize).toBe(accepted);
    const metrics = await (await fetch(`${net.ap.url}/metrics`)).text();
    expect(metrics).toMatch(/isthmus_replication_verify_failures_total\{log="eu",kind="invalid-entries"\} [1-9]/);
    await tamperEntry(`UPDATE ledger_entry SET entry = '${row!.entry.replace(/'/g, "''")}' WHERE log = 'eu' AND idx = ${Number(row!.idx)}`);
    await caughtUp('ap', 'eu');
  });

  it('a checkpoint that does not verify against the genesis is refused', async () => {
    const [cp] = (await dbOf(net.eu).query(`SELECT size, note FROM checkpoint WHERE log = 'eu' ORDER BY size DESC LIMIT 1`)) as { size: number; note: string }[];
    const stranger = parseSignerKey('PRIVATE+KEY+isthmus/eu+00000000+AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB'.replace('00000000', 'bfeccc58'));
    const body = formatCheckpoint({ origin: 'isthmus/eu', size: Number(cp!.size) + 1, rootHash: new Uint8Array(32).fill(9) });
    const forged = signNote(body, [stranger]);
    const param = dbOf(net.eu).options.type === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    await dbOf(net.eu).query(`UPDATE checkpoint SET note = ${param[0]} WHERE log = 'eu' AND size = ${param[1]}`, [forged, cp!.size]);
    await waitFor(async () => {
      const status = await getJson<{ alarms: { log: string; kind: string }[] }>(net.ap.url!, '/ledger/status');
      return status.alarms.some((a) => a.log === 'eu' && a.kind === 'forged-checkpoint');
    }, 'the forged-checkpoint alarm');
    await dbOf(net.eu).query(`UPDATE checkpoint SET note = ${param[0]} WHERE log = 'eu' AND size = ${param[1]}`, [cp!.note, cp!.size]);
  });

  it('two validly signed checkpoints of one size stop replication, keep the evidence and raise the alarm', async () => {
    await caughtUp('ap', 'eu');
    const [cp] = (await dbOf(net.eu).query(`SELECT size, note FROM checkpoint WHERE log = 'eu' ORDER BY size DESC LIMIT 1`)) as { size: number; note: string }[];
    const keys = JSON.parse(readFileSync(join(net.eu.config.dataDir, 'keys/eu.json'), 'utf8')) as { logKey: string };
    const equivocation = signNote(formatCheckpoint({ origin: 'isthmus/eu', size: Number(cp!.size), rootHash: new Uint8Array(32).fill(7) }), [parseSignerKey(keys.logKey)]);
    const param = dbOf(net.eu).options.type === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    await dbOf(net.eu).query(`UPDATE checkpoint SET note = ${param[0]} WHERE log = 'eu' AND size = ${param[1]}`, [equivocation, cp!.size]);
    const status = await waitFor(async () => {
      const s = await logStatus(net.ap, 'eu');
      return s.stopped && s;
    }, 'replication of eu to stop');
    expect(status.stopped).toBe(true);
    const [evidence] = (await dbOf(net.ap).query(`SELECT kind, evidence FROM ledger_alarm WHERE kind = 'equivocation'`)) as { kind: string; evidence: string }[];
    const notes = JSON.parse(evidence!.evidence) as { accepted: string; offending: string };
    expect(notes.offending).toBe(equivocation);
    expect(notes.accepted.split('\n').slice(0, 3)).toEqual(cp!.note.split('\n').slice(0, 3));
    const ready = await getJson<{ checks: Record<string, string> }>(net.ap.url!, '/health/ready');
    expect(ready.checks.replication).toMatch(/alarm: replication of log eu stopped/);
    expect(await (await fetch(`${net.ap.url}/metrics`)).text()).toMatch(/isthmus_ledger_alarm\{log="eu"\} 1/);
    // new eu entries are no longer accepted, even once eu serves its true checkpoint again
    await dbOf(net.eu).query(`UPDATE checkpoint SET note = ${param[0]} WHERE log = 'eu' AND size = ${param[1]}`, [cp!.note, cp!.size]);
    const before = (await logStatus(net.ap, 'eu')).acceptedSize;
    await createIn('eu', 2);
    await new Promise((r) => setTimeout(r, 500));
    expect((await logStatus(net.ap, 'eu')).acceptedSize).toBe(before);

    // Once the writer serves its true history again, ap's operator clears the alarm: the
    // evidence stays, replication resumes and catches up.
    const open = await getJson<{ alarms: { id: number; kind: string }[] }>(net.ap.url!, '/ledger/status');
    const alarm = open.alarms.find((a) => a.kind === 'equivocation')!;
    const clear = (token?: string, id = alarm.id) => fetch(`${net.ap.url}/ledger/alarms/${id}/clear`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await clear()).status).toBe(401);
    expect((await clear(ADMIN_TOKEN, 999_999)).status).toBe(404);
    const cleared = await clear(ADMIN_TOKEN);
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toMatchObject({ id: alarm.id, log: 'eu', kind: 'equivocation', clearedAt: expect.any(String) });
    expect((await clear(ADMIN_TOKEN)).status).toBe(404);
    await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= before + 2, 'ap to resume replication of eu');
    expect((await logStatus(net.ap, 'eu')).stopped).toBe(false);
    expect((await getJson<{ alarms: { kind: string }[] }>(net.ap.url!, '/ledger/status')).alarms.map((a) => a.kind)).not.toContain('equivocation');
    expect(await (await fetch(`${net.ap.url}/metrics`)).text()).toMatch(/isthmus_ledger_alarm\{log="eu"\} 0/);
    const [kept] = (await dbOf(net.ap).query(`SELECT evidence, cleared_at AS "clearedAt" FROM ledger_alarm WHERE id = ${alarm.id}`)) as { evidence: string; clearedAt: string }[];
    expect(JSON.parse(kept!.evidence).offending).toBe(equivocation);
    expect(kept!.clearedAt).toBeTruthy();
  });
});
