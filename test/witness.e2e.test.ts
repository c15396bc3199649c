import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWitnessServer, FileWitnessStore } from '../src/cli/witness-server.js';
import { formatCheckpoint, generateNoteKeyPair, NOTE_COSIGNATURE_V1, NOTE_ED25519, parseSignerKey, parseVerifierKey, signNote } from '../src/domain/ledger/index.js';
import { RegistryService } from '../src/modules/registry/registry.service.js';
import { verifyCosignatureLine } from './support/independent.js';
import { startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { freePort } from './support/region.js';
import { checkpointOf } from './support/tlog-tiles.js';
import { walletCreate } from './support/wallet.js';

/** A witness that is neither region: its own key, its own state file, our witness server code. */
const witnessKey = generateNoteKeyPair('witness.example/w1', NOTE_COSIGNATURE_V1);
let regions: TwoRegions;
let port: number;
let stateDir: string;
let server: Server;

type Genesis = { regions: { id: string; logKey: string; cosignerKey: string }[] };
const genesisOf = () => regions.eu.network.genesis as unknown as Genesis;
const regionKey = (id: string) => genesisOf().regions.find((r) => r.id === id)!;

async function startWitness(): Promise<void> {
  const logs = genesisOf().regions.map((r) => ({ origin: `isthmus/${r.id}`, keys: [parseVerifierKey(r.logKey)] }));
  server = createWitnessServer({ key: parseSignerKey(witnessKey.signerKey), logs, store: new FileWitnessStore(join(stateDir, 'state.json')) });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
}
const stopWitness = () =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/** POST add-checkpoint on a fresh connection (the regions' own pooled connections to a restarted witness are not reused). */
function addCheckpoint(base: string, body: string): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${base}/add-checkpoint`);
    const outgoing = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false, headers: { 'content-type': 'text/plain' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: response.statusCode!, contentType: response.headers['content-type'] ?? '', text: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject).end(body);
  });
}

beforeAll(async () => {
  port = await freePort();
  stateDir = mkdtempSync(join(tmpdir(), 'isthmus-witness-'));
  regions = await startTwoRegions({}, undefined, {}, { witnesses: [{ name: 'witness.example/w1', key: witnessKey.verifierKey, url: `http://127.0.0.1:${port}` }] });
  await startWitness();
  await regions.eu.app.get(RegistryService).submitJson(walletCreate('eu').operation);
  await regions.ap.app.get(RegistryService).submitJson(walletCreate('ap').operation);
}, 120_000);

afterAll(async () => {
  await stopWitness().catch(() => undefined);
  await regions?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('C2SP tlog-witness (issue 17)', () => {
  it("an independent witness named in the genesis cosigns both logs' checkpoints, and each region serves the cosignature", async () => {
    for (const id of ['eu', 'ap'] as const) {
      const note = await waitFor(async () => {
        const text = await (await fetch(`${regions[id].url!}/tlog/${id}/checkpoint`)).text();
        return checkpointOf(text).size === 1 && verifyCosignatureLine(text, witnessKey.verifierKey) !== undefined ? text : undefined;
      }, `the witness cosignature on ${id}'s checkpoint`);
      expect(verifyCosignatureLine(note, witnessKey.verifierKey)).toBeGreaterThan(1_700_000_000);
      // The same note at the ledger API, and the witness state on disk names the cosigned size and root.
      expect(verifyCosignatureLine(await (await fetch(`${regions[id].url!}/ledger/${id}/checkpoint`)).text(), witnessKey.verifierKey)).toBeDefined();
      const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as Record<string, { size: number; rootHash: string }>;
      expect(state[`isthmus/${id}`]).toEqual({ size: 1, rootHash: checkpointOf(note).root.toString('base64') });
      // The other region's mirror adopts the witness cosignature too, next to its own.
      const mirror = id === 'eu' ? 'ap' : 'eu';
      const mirrored = await waitFor(async () => {
        const text = await (await fetch(`${regions[mirror].url!}/tlog/${id}/checkpoint`)).text();
        return checkpointOf(text).size === 1 && verifyCosignatureLine(text, witnessKey.verifierKey) !== undefined ? text : undefined;
      }, `the witness cosignature on ${mirror}'s copy of ${id}`);
      expect(verifyCosignatureLine(mirrored, regionKey(mirror).cosignerKey)).toBeDefined();
    }
  });

  it('ledger:audit reports and checks the witness cosignature (the build, in another process)', async () => {
    const genesis = join(regions.eu.config.dataDir, 'network.json');
    const { stdout } = await promisify(execFile)(process.execPath, [join(process.cwd(), 'dist/src/cli/ledger-audit.js'), '--url', `${regions.eu.url!}/tlog/eu/`, '--genesis', genesis], { timeout: 120_000 });
    expect(stdout).toMatch(/^log eu: 1 entries, .*witnessed by witness\.example\/w1 at \S+: ok\naudit passed\n$/);
  }, 180_000);

  it('a region is a witness too: ap cosigns a checkpoint of eu at POST /add-checkpoint', async () => {
    const note = await (await fetch(`${regions.eu.url!}/ledger/eu/checkpoint`)).text();
    const answer = await addCheckpoint(regions.ap.url!, `old 0\n\n${note}`);
    expect(answer.status).toBe(200);
    const line = answer.text.split('\n').find((l) => l.startsWith('\u2014 isthmus/ap/cosigner '))!;
    const body = note.slice(0, note.indexOf('\n\n') + 1);
    expect(verifyCosignatureLine(`${body}\n${line}\n`, regionKey('ap').cosignerKey)).toBeDefined();
    // ap witnesses the other region's log, not its own.
    const own = await (await fetch(`${regions.ap.url!}/ledger/ap/checkpoint`)).text();
    expect((await addCheckpoint(regions.ap.url!, `old 0\n\n${own}`)).status).toBe(404);
    // Asked again from 0, it says the size it cosigned.
    const again = await addCheckpoint(regions.ap.url!, `old 0\n\n${note}`);
    expect(again).toMatchObject({ status: 409, contentType: 'text/x.tlog.size', text: `${checkpointOf(note).size}\n` });
  });

  it('refuses a fork, an inconsistent checkpoint, a bad signature, an unknown log and a stale old size; its state survives a restart', async () => {
    const base = `http://127.0.0.1:${port}`;
    const euLogKey = parseSignerKey((regions.eu.network.keys.eu as { logKey: string }).logKey);
    const signed = (size: number, fill: number) => signNote(formatCheckpoint({ origin: 'isthmus/eu', size, rootHash: new Uint8Array(32).fill(fill) }), [euLogKey]);
    await stopWitness();
    await startWitness();
    // A validly signed checkpoint at the cosigned size with another root: a fork.
    const fork = await addCheckpoint(base, `old 1\n\n${signed(1, 7)}`);
    expect(fork).toMatchObject({ status: 409, contentType: 'text/x.tlog.size', text: '1\n' });
    // A larger size whose consistency proof does not lead from the cosigned root.
    const inconsistent = await addCheckpoint(base, `old 1\n${Buffer.alloc(32, 1).toString('base64')}\n\n${signed(2, 9)}`);
    expect(inconsistent.status).toBe(422);
    // Signed by another key of the same name.
    const impostor = parseSignerKey(generateNoteKeyPair('isthmus/eu', NOTE_ED25519).signerKey);
    const forged = signNote(formatCheckpoint({ origin: 'isthmus/eu', size: 2, rootHash: new Uint8Array(32).fill(3) }), [impostor]);
    expect((await addCheckpoint(base, `old 1\n\n${forged}`)).status).toBe(403);
    const flipped = signed(2, 9).replace(/(\u2014 isthmus\/eu \S{10})(\S)/u, (_, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`);
    expect((await addCheckpoint(base, `old 1\n\n${flipped}`)).status).toBe(403);
    const unknown = signNote(formatCheckpoint({ origin: 'isthmus/zz', size: 1, rootHash: new Uint8Array(32) }), [parseSignerKey(generateNoteKeyPair('isthmus/zz', NOTE_ED25519).signerKey)]);
    expect((await addCheckpoint(base, `old 0\n\n${unknown}`)).status).toBe(404);
    expect(await addCheckpoint(base, `old 0\n\n${signed(2, 9)}`)).toMatchObject({ status: 409, text: '1\n' });
    expect((await addCheckpoint(base, `old 3\n\n${signed(2, 9)}`)).status).toBe(400);
    expect((await addCheckpoint(base, 'not a request')).status).toBe(400);
    // Nothing refused moved the witness: eu's next real checkpoint is still cosigned.
    await regions.eu.app.get(RegistryService).submitJson(walletCreate('eu').operation);
    await waitFor(async () => {
      const text = await (await fetch(`${regions.eu.url!}/tlog/eu/checkpoint`)).text();
      return checkpointOf(text).size === 2 && verifyCosignatureLine(text, witnessKey.verifierKey) !== undefined;
    }, "the witness cosignature on eu's next checkpoint");
  });

  it('npm run witness: a third process with a key it creates and a state file cosigns a region checkpoint', async () => {
    const witnessPort = await freePort();
    const child = spawn(process.execPath, [join(process.cwd(), 'dist/src/cli/witness.js'), '--name', 'witness.example/w2', '--key', join(stateDir, 'w2.key'), '--state', join(stateDir, 'w2.json'), '--genesis', join(regions.eu.config.dataDir, 'network.json'), '--port', String(witnessPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      const verifierKey = await waitFor(async () => /verifier key (\S+)\)/.exec(out)?.[1], 'the witness to listen', 60_000);
      expect(readFileSync(join(stateDir, 'w2.key'), 'utf8')).toMatch(/^PRIVATE\+KEY\+witness\.example\/w2\+/);
      const note = await (await fetch(`${regions.ap.url!}/ledger/ap/checkpoint`)).text();
      const answer = await addCheckpoint(`http://127.0.0.1:${witnessPort}`, `old 0\n\n${note}`);
      expect(answer.status).toBe(200);
      const body = note.slice(0, note.indexOf('\n\n') + 1);
      expect(verifyCosignatureLine(`${body}\n${answer.text}`, verifierKey)).toBeDefined();
      expect(JSON.parse(readFileSync(join(stateDir, 'w2.json'), 'utf8'))['isthmus/ap'].size).toBe(checkpointOf(note).size);
      expect((await addCheckpoint(`http://127.0.0.1:${witnessPort}`, 'garbage')).status).toBe(400);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
