import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationHash, type DidOperation } from '../src/domain/did/index.js';
import { LedgerWriter } from '../src/modules/ledger/ledger-writer.js';
import { RegistryService } from '../src/modules/registry/registry.service.js';
import { freePort, type TestRegion } from './support/region.js';
import { getJson, logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { walletCreate } from './support/wallet.js';

/**
 * Issue 12: ap comes back from an outage during which eu took 20,000 DID operations. It must
 * catch up in bounded chunks, answering /health/live throughout, with bounded memory, and a
 * kill in the middle must resume and end identical. Both regions run as built processes here
 * (dist/, built by `npm test`'s pretest), so the kill is a real SIGKILL and the memory is ap's.
 */
const GAP = 20_000;

/** A region run from the build on an existing data directory and database (as after a restart). */
class RegionProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly port: number,
  ) {}

  static async start(region: TestRegion): Promise<RegionProcess> {
    const port = await freePort();
    const { config } = region;
    const child = spawn(process.execPath, [join(process.cwd(), 'dist/src/main.js')], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        REGION_ID: config.regionId,
        DATA_DIR: config.dataDir,
        PORT: String(port),
        ADMIN_TOKEN: config.adminToken,
        KEY_ENCRYPTION_SECRET: config.keyEncryptionSecret,
        LOG_LEVEL: 'silent',
        REPLICATION_INTERVAL_MS: '150',
        PEER_TIMEOUT_MS: '10000',
        ...(region.database.url ? { DATABASE_URL: region.database.url } : {}),
      },
    });
    const started = new RegionProcess(child, `http://127.0.0.1:${port}`, port);
    try {
      // Booting a built region takes seconds; much longer on a machine shared by many.
      await waitFor(async () => (await fetch(`${started.url}/health/live`)).ok, `${config.regionId} to start`, 120_000);
    } catch (error) {
      await started.kill('SIGKILL');
      throw error;
    }
    return started;
  }

  /** Resident set size in MiB, from /proc. */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}

/** Every entry of `log` a region serves, as leaf hash + entry JCS text, in order. */
async function servedLog(base: string, log: string): Promise<string[]> {
  const out: string[] = [];
  for (let start = 0; ; ) {
    const page = await getJson<{ entries: { index: number; leafHash: string; entry: unknown }[]; next: number | null }>(base, `/ledger/${log}/entries?start=${start}&limit=1000`);
    out.push(...page.entries.map((e) => `${e.index} ${e.leafHash} ${JSON.stringify(e.entry)}`));
    if (page.next === null) return out;
    start = page.next;
  }
}

/** Polls /health/live every ~20 ms until stopped; latencies in ms (a refused connection while ap restarts is not counted). */
function pollLiveness(target: () => string) {
  const latencies: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t = performance.now();
      try {
        const response = await fetch(`${target()}/health/live`, { signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.ok) latencies.push(performance.now() - t);
      } catch {
        // ap is being restarted
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    latencies,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

describe('catch-up after an outage (issue 12)', () => {
  let regions: TwoRegions;
  const processes: RegionProcess[] = [];
  let newest: string;
  let euSize: number;

  beforeAll(async () => {
    regions = await startTwoRegions();
    const registry = regions.eu.app.get(RegistryService);
    const first = walletCreate('eu');
    await registry.submitJson(first.operation);
    await waitFor(async () => (await logStatus(regions.ap, 'eu')).acceptedSize >= 1 || undefined, 'ap to mirror the first DID');
    await regions.stop('ap');
    // The fastest honest path: real signed creates of fresh DIDs appended through eu's one write
    // path (batched, checkpoint per batch), without the intake's own re-checks; ap verifies them all.
    const writer = regions.eu.app.get(LedgerWriter);
    const creates = Array.from({ length: GAP }, () => walletCreate('eu'));
    for (let i = 0; i < creates.length; i += 2000) {
      await Promise.all(
        creates.slice(i, i + 2000).map(({ did, operation }) =>
          writer.append({ kind: 'did-op', prepare: async () => ({ did, ref: operationHash(operation as unknown as DidOperation), payload: { did, operation } }) }),
        ),
      );
    }
    newest = creates.at(-1)!.did;
    euSize = GAP + 1;
    await regions.stop('eu');
    const eu = await RegionProcess.start(regions.eu);
    processes.push(eu);
    regions.links.eu.target = eu.port;
  }, 400_000);

  afterAll(async () => {
    for (const p of processes) await p.kill('SIGKILL');
    await regions?.close();
  });

  it('stays live with bounded memory, survives a kill mid-way and ends with eu’s log', async () => {
    // The machine's own answer time, from the idle eu process in the same run: on a shared,
    // loaded machine every answer is slower, and the bound below scales with it.
    const idle = pollLiveness(() => processes[0]!.url);
    await new Promise((r) => setTimeout(r, 2000));
    await idle.stop();
    const idleSorted = [...idle.latencies].sort((a, b) => a - b);
    const idleP99 = idleSorted[Math.floor(idleSorted.length * 0.99)] ?? 0;
    const started = performance.now();
    let current = await RegionProcess.start(regions.ap);
    processes.push(current);
    regions.links.ap.target = current.port;
    const liveness = pollLiveness(() => current.url);
    let rss = current.rssMiB();
    let progressSeen = false;
    const sampleRss = setInterval(() => {
      try {
        rss = Math.max(rss, current.rssMiB());
      } catch {
        // between processes
      }
    }, 50);
    try {
      // Kill ap once some but not all of the gap is stored.
      const before = await waitFor(
        async () => {
          const status = await logStatus({ url: current.url } as TestRegion, 'eu');
          if ((status as { catchUp?: unknown }).catchUp) progressSeen = true;
          return status.acceptedSize > 1 && status.acceptedSize < euSize ? status.acceptedSize : undefined;
        },
        'ap to store part of the gap',
        60_000,
      );
      await current.kill('SIGKILL');
      current = await RegionProcess.start(regions.ap);
      processes.push(current);
      regions.links.ap.target = current.port;
      const resumedAt = (await logStatus({ url: current.url } as TestRegion, 'eu')).acceptedSize;
      expect(resumedAt).toBeGreaterThanOrEqual(before);
      await waitFor(
        async () => {
          const status = await logStatus({ url: current.url } as TestRegion, 'eu');
          if ((status as { catchUp?: unknown }).catchUp) progressSeen = true;
          return status.acceptedSize === euSize || undefined;
        },
        'ap to catch up',
        300_000,
      );
    } finally {
      clearInterval(sampleRss);
      await liveness.stop();
    }
    const sorted = [...liveness.latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)]!;
    const seconds = (performance.now() - started) / 1000;
    // Issue 12: p99 under 100 ms; on a machine whose idle region already answers slowly, ten
    // times its idle p99 (a frozen event loop, as before chunking, takes seconds either way).
    const bound = Math.max(100, 10 * idleP99);
    process.stdout.write(`catch-up of ${GAP} entries with a kill: ${seconds.toFixed(1)} s (${(GAP / seconds).toFixed(0)} entries/s); ${sorted.length} liveness probes, p99 ${p99.toFixed(1)} ms (bound ${bound.toFixed(0)} ms; idle p99 ${idleP99.toFixed(1)} ms), max ${sorted.at(-1)!.toFixed(1)} ms, peak RSS ${rss.toFixed(0)} MiB\n`);
    expect(sorted.length).toBeGreaterThan(20);
    expect(p99).toBeLessThan(bound);
    expect(rss).toBeLessThan(600);
    expect(progressSeen).toBe(true);

    const resolved = await getJson<{ didDocument?: { id: string } }>(current.url, `/1.0/identifiers/${newest}`);
    expect(resolved.didDocument?.id).toBe(newest);
    const [mine, theirs] = await Promise.all([servedLog(current.url, 'eu'), servedLog(processes[0]!.url, 'eu')]);
    expect(mine.length).toBe(euSize);
    expect(mine).toEqual(theirs);
    const checkpoint = async (base: string) => (await (await fetch(`${base}/ledger/eu/checkpoint`)).text()).split('\n\n')[0];
    expect(await checkpoint(current.url)).toBe(await checkpoint(processes[0]!.url));
  }, 600_000);
});
