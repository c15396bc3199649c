/**
 * The load runner: one load run in a process of its own, so that the client does not share a
 * core with the region it measures (bench/run.ts starts it with taskset on another core). Reads
 * a LoadSpec as JSON on stdin, answers a LoadReport as JSON on stdout: req/s, p50, p99 (ms),
 * errors and status mismatches, and the answers' bodies it was asked to keep.
 *
 * Without `rate`: autocannon, a closed loop (each connection sends when its last answer is in),
 * so the rate is the region's throughput at saturation and p99 is mostly queueing
 * (≈ connections ÷ rate). With `rate`: an open loop on node:http that sends request k at
 * start + k ÷ rate whatever the answers do, latency counted from that scheduled time (a stall
 * in the region or the client counts against every request it delays). autocannon's own
 * `overallRate` is not used: it lets each connection send its share of a second back to back
 * at the start of the second, which is the closed loop again for the first part of every second.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { bodyOf, drive, headersOf, percentile, statusCheck, type LoadReport, type LoadSpec } from './support.js';

async function readSpec(): Promise<LoadSpec> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadSpec;
}

/**
 * From now until the returned function is called: this process's CPU time over the wall time,
 * or over `seconds` when given (the closed loop's run ends at its last answer, autocannon's
 * hand-over up to a second later).
 */
function clientBusy(): (seconds?: number) => number {
  const cpu = process.cpuUsage();
  const started = performance.now();
  return (seconds) => {
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / 1000 / (seconds === undefined ? performance.now() - started : seconds * 1000);
  };
}

interface Tally {
  errors: number;
  timeouts: number;
  mismatches: number;
  readonly firstMismatches: string[];
  readonly answers: string[];
}

/** The closed loop: autocannon, a warm-up run first when asked. */
async function closed(spec: LoadSpec, tally: Tally): Promise<Omit<LoadReport, keyof Tally | 'endedAt'>> {
  const check = statusCheck(spec);
  const keep = spec.keep ?? 0;
  let first = 0;
  if (spec.warmup) first = (await drive({ ...spec, amount: spec.warmup }, () => true)).next;
  const busy = clientBusy();
  const run = await drive(spec, check, (body) => void (tally.answers.length < keep && tally.answers.push(body)), first);
  tally.errors += run.errors;
  tally.timeouts += run.timeouts;
  tally.mismatches += run.mismatches;
  tally.firstMismatches.push(...run.firstMismatches);
  return { perSecond: run.perSecond, p50: run.p50, p99: run.p99, total: run.total, clientBusy: busy(run.total / run.perSecond) };
}

/** `amount` requests from index `first` on, request k sent at start + k ÷ rate on one of `connections` keep-alive sockets. */
async function schedule(spec: LoadSpec, rate: number, amount: number, first: number, tally: Tally | undefined): Promise<{ latencies: number[]; seconds: number }> {
  const parsed = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections ?? 32 });
  const check = statusCheck(spec);
  const headers = headersOf(spec);
  const keep = spec.keep ?? 0;
  const latencies: number[] = [];
  const interval = 1000 / rate;
  const started = performance.now();
  let sent = 0;
  let done = 0;
  await new Promise<void>((resolve) => {
    const send = (k: number) => {
      let answered = false;
      const finished = () => {
        if (answered) return;
        answered = true;
        if (++done === amount) resolve();
      };
      const i = first + k;
      const due = started + k * interval;
      const body = bodyOf(spec, i);
      const path = spec.paths ? spec.paths[i % spec.paths.length]! : `${parsed.pathname}${parsed.search}`;
      const req = request({ agent, host: parsed.hostname, port: parsed.port, method: spec.method ?? 'GET', path, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          latencies.push(performance.now() - due);
          if (tally) {
            const status = res.statusCode ?? 0;
            const text = () => Buffer.concat(chunks).toString('utf8');
            if (!check(status, i)) {
              if (tally.mismatches++ < 3) tally.firstMismatches.push(`#${i} answered ${status}: ${text().slice(0, 300)}`);
            } else if (tally.answers.length < keep) tally.answers.push(text());
          }
          finished();
        });
      });
      req.on('timeout', () => {
        if (tally) tally.timeouts++;
        req.destroy(new Error('timed out'));
      });
      req.on('error', () => {
        if (tally && !answered) tally.errors++;
        finished();
      });
      req.end(body);
    };
    const tick = () => {
      const due = Math.min(amount, Math.floor((performance.now() - started) / interval) + 1);
      while (sent < due) send(sent++);
      if (sent < amount) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
    };
    tick();
  });
  agent.destroy();
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** The open loop at `spec.rate`, after a warm-up at the same rate when asked. */
async function open(spec: LoadSpec, rate: number, tally: Tally): Promise<Omit<LoadReport, keyof Tally | 'endedAt'>> {
  const warmup = spec.warmup ?? 0;
  if (warmup > 0) await schedule(spec, rate, warmup, 0, undefined);
  const busy = clientBusy();
  const { latencies, seconds } = await schedule(spec, rate, spec.amount, warmup, tally);
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), total: latencies.length, clientBusy: busy() };
}

async function main(): Promise<void> {
  const spec = await readSpec();
  const tally: Tally = { errors: 0, timeouts: 0, mismatches: 0, firstMismatches: [], answers: [] };
  const result = spec.rate ? await open(spec, spec.rate, tally) : await closed(spec, tally);
  const report: LoadReport = { ...result, ...tally, endedAt: performance.timeOrigin + performance.now() };
  process.stdout.write(JSON.stringify(report));
}

main().catch((error: unknown) => {
  process.stderr.write(`load runner: ${(error as Error).stack}\n`);
  process.exit(1);
});
