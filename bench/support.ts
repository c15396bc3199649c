/**
 * What every bench section shares: the row it reports, the context it is given, HTTP load with
 * autocannon (32 connections, keep-alive, a fixed number of requests) and where that load runs.
 * A section in its own file exports `benchX(ctx: BenchContext)` and is wired into bench/run.ts
 * with one line.
 *
 * Two ways to drive load: `cannon()` runs autocannon in the calling process (setup steps, and
 * bench/profile.ts, which counts the region's CPU rather than the client's rate); `measure()`
 * runs it in a separate process (bench/load.ts), pinned with taskset to a core the region under
 * test is not on, so that the rate measured is the region's and not the client's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface Row {
  what: string;
  value: number;
  unit: string;
  baseline?: string;
  ratio?: number;
  p50?: number;
  p99?: number;
  /** How busy the client was (LoadResult.clientBusy). */
  client?: number;
  /** The goal, e.g. `ratio ≥ 0.2` or `p99 < 50 ms` (docs/performance.md). */
  target?: string;
  /** Whether this run met `target`. */
  met?: boolean;
}

/** The value at quantile `q` of ascending `sorted` (0 when empty). */
export const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;

/**
 * `total` tasks, `concurrency` at a time, for work autocannon cannot drive (several requests and
 * client-side crypto per task): completions per second, the sorted latencies (ms), p50 and p99.
 */
export async function inFlight(total: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<{ perSecond: number; latencies: number[]; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const t = performance.now();
      await task(i);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return { perSecond: total / ((performance.now() - started) / 1000), latencies, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

export interface BenchContext {
  /** Base URL per region id (eu, ap). */
  readonly urls: Record<string, string>;
  readonly adminToken: string;
  /** Adds a row to the report. */
  readonly row: (r: Row) => void;
  /** Runs measured load in a process of its own, off the core of `region`, the region under test. */
  readonly measure: (region: string, spec: LoadSpec) => Promise<LoadResult>;
}

export interface LoadResult {
  /** Requests answered per second over the whole run. */
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
  /** The load runner's CPU time over the run's wall time (1: a whole core, the rate is then the client's limit); measured runs only. */
  readonly clientBusy?: number;
}

/** What to send: one endpoint, a fixed number of requests. */
interface LoadTarget {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  /** One body for every request, or one per request (index i uses bodies[i % length]). */
  readonly body?: unknown;
  readonly bodies?: readonly string[];
  /** One path (with query) per request, after `url`'s origin (index i uses paths[i % length]). */
  readonly paths?: readonly string[];
  /** Total requests. */
  readonly amount: number;
  /** Keep-alive connections, one request in flight on each (default 32). */
  readonly connections?: number;
}

export interface LoadOptions extends LoadTarget {
  /** The status each answer must have (default: 2xx); a mismatch fails the section. */
  readonly expect?: (status: number, i: number) => boolean;
  /** Sees every answer (e.g. to keep issued tokens); `i` is the request's index. */
  readonly onBody?: (body: string, i: number) => void;
}

/** A load run as JSON, what the load runner (bench/load.ts) reads on stdin. */
export interface LoadSpec extends LoadTarget {
  /** The statuses an answer may have (default: any 2xx). */
  readonly statuses?: readonly number[];
  /** The status request i must have, statusPerRequest[i % length] (instead of `statuses`). */
  readonly statusPerRequest?: readonly number[];
  /** Requests sent first, the same way, and not counted (indices into bodies and paths go on). */
  readonly warmup?: number;
  /**
   * Offered load, requests per second: an open loop that sends on a fixed schedule whether or
   * not earlier answers are in, latency counted from each request's scheduled time. Unset: a
   * closed loop (autocannon), each connection sending as soon as its last answer is in.
   */
  readonly rate?: number;
  /** Return the bodies of up to this many accepted answers (arrival order). */
  readonly keep?: number;
}

/** What the load runner answers on stdout, as JSON. */
export interface LoadReport extends LoadResult {
  /** Connection errors, timeouts included. */
  readonly errors: number;
  readonly timeouts: number;
  /** Answers whose status was not the one expected, and the first few of them. */
  readonly mismatches: number;
  readonly firstMismatches: readonly string[];
  /** The bodies `keep` asked for. */
  readonly answers: readonly string[];
  /** When the last answer came in, ms since the epoch (performance.timeOrigin + now): comparable across processes. */
  readonly endedAt: number;
}

/** `status` of request `i` as a spec expects it. */
export function statusCheck(spec: Pick<LoadSpec, 'statuses' | 'statusPerRequest'>): (status: number, i: number) => boolean {
  if (spec.statusPerRequest) {
    const per = spec.statusPerRequest;
    return (status, i) => status === per[i % per.length];
  }
  if (spec.statuses) {
    const allowed = new Set(spec.statuses);
    return (status) => allowed.has(status);
  }
  return (status) => status >= 200 && status < 300;
}

/** The request body of index i, if any. */
export function bodyOf(target: LoadTarget, i: number): string | undefined {
  if (target.bodies) return target.bodies[i % target.bodies.length];
  return target.body === undefined ? undefined : JSON.stringify(target.body);
}

/** The headers of every request: JSON when there is a body. */
export function headersOf(target: LoadTarget): Record<string, string> {
  return { ...(target.body !== undefined || target.bodies ? { 'content-type': 'application/json' } : {}), ...target.headers };
}

/**
 * Drives one endpoint with autocannon, a closed loop: req/s, p50 and p99 (ms), errors and
 * status mismatches. Per-request bodies are set in `setupRequest`, which also notes the
 * request's index (from `first` on) in the connection's context (one request in flight per
 * connection, no pipelining); `onResponse` checks the answer. A few requests are built but never
 * sent at the end: give `bodies` some to spare (amount + 2 × connections).
 */
export async function drive(target: LoadTarget, check: (status: number, i: number) => boolean, onBody?: (body: string, i: number) => void, first = 0): Promise<Omit<LoadReport, 'answers' | 'endedAt'> & { next: number }> {
  const { url, method = 'GET', amount } = target;
  const connections = Math.min(target.connections ?? 32, amount); // autocannon wants at least one request per connection
  const fixed = target.bodies ? undefined : bodyOf(target, 0);
  let next = first;
  let mismatches = 0;
  const firstMismatches: string[] = [];
  const parsed = new URL(url);
  const started = performance.now();
  // autocannon hands its result over only at its next 1 s sampling tick after the last answer,
  // so its own duration rounds every run up to whole seconds (a 2.1 s run counted as 3 s): the
  // rate is taken to the last answer instead.
  let lastAnswer = started;
  const result = await autocannon({
    url: parsed.origin,
    connections,
    amount,
    timeout: 30,
    requests: [
      {
        method,
        path: `${parsed.pathname}${parsed.search}`,
        headers: headersOf(target),
        setupRequest: (request, context) => {
          const i = next++;
          (context as { i?: number }).i = i;
          const body = target.bodies ? bodyOf(target, i) : fixed;
          const path = target.paths ? target.paths[i % target.paths.length] : undefined;
          return { ...request, ...(body === undefined ? {} : { body }), ...(path === undefined ? {} : { path }) };
        },
        onResponse: (status, body, context) => {
          lastAnswer = performance.now();
          const i = (context as { i?: number }).i ?? -1;
          if (check(status, i)) onBody?.(body, i);
          else if (mismatches++ < 3) firstMismatches.push(`#${i} answered ${status}: ${body.slice(0, 300)}`);
        },
      },
    ],
  });
  const seconds = (lastAnswer - started) / 1000;
  const total = result.requests.total;
  return { perSecond: total / seconds, p50: result.latency.p50, p99: result.latency.p99, total, errors: result.errors, timeouts: result.timeouts, mismatches, firstMismatches, next };
}

/** A run's failures as one error, or nothing when it had none. */
function failure(what: string, report: Pick<LoadReport, 'errors' | 'timeouts' | 'mismatches' | 'firstMismatches'>): Error | undefined {
  if (report.mismatches > 0) return new Error(`${what}: ${report.mismatches} answers with an unexpected status; ${report.firstMismatches.join('; ')}`);
  if (report.errors > 0) return new Error(`${what}: ${report.errors} connection errors (${report.timeouts} timeouts)`);
  return undefined;
}

/** autocannon in this process (setup load, bench/profile.ts); throws on a mismatch or a connection error. */
export async function cannon(options: LoadOptions): Promise<LoadResult> {
  const check = options.expect ?? ((status: number) => status >= 200 && status < 300);
  const { perSecond, p50, p99, total, ...report } = await drive(options, check, options.onBody);
  const error = failure(`${options.method ?? 'GET'} ${options.url}`, report);
  if (error) throw error;
  return { perSecond, p50, p99, total };
}

/** Where load runs: the cores this process may use, and taskset if the machine has it. */
export interface Placement {
  readonly taskset: string | undefined;
  readonly cores: readonly number[];
}

/** The cores this process may run on (Linux: Cpus_allowed_list), and taskset where it exists. */
export function placement(): Placement {
  const taskset = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).stdout?.trim() || undefined;
  let cores: number[] = [];
  try {
    const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
    cores = list.split(',').flatMap((part) => {
      const [from, to = from] = part.split('-').map(Number);
      return Number.isInteger(from) && Number.isInteger(to) ? Array.from({ length: to! - from! + 1 }, (_, k) => from! + k) : [];
    });
  } catch {
    // not Linux: no affinity to read
  }
  if (cores.length === 0) cores = Array.from({ length: availableParallelism() }, (_, k) => k);
  return { taskset, cores };
}

/** `command` run on `core` with taskset, or as it is when `core` is undefined. */
export function onCore(taskset: string | undefined, core: number | undefined, command: readonly string[]): [string, string[]] {
  if (core === undefined || !taskset) return [command[0]!, command.slice(1)];
  return [taskset, ['-c', String(core), ...command]];
}

const LOAD_RUNNER = fileURLToPath(new URL('./load.js', import.meta.url));

/**
 * One load run in a process of its own (bench/load.ts), on `core` when given: `spec` goes in as
 * JSON on stdin, the report comes back as JSON on stdout. Throws on a status mismatch or a
 * connection error, as `cannon` does.
 */
export async function measure(spec: LoadSpec, where: { taskset: string | undefined; core: number | undefined }): Promise<LoadResult & Pick<LoadReport, 'answers' | 'endedAt'>> {
  const [file, args] = onCore(where.taskset, where.core, [process.execPath, LOAD_RUNNER]);
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  child.stdin.end(JSON.stringify(spec));
  const code = await exited;
  const what = `${spec.method ?? 'GET'} ${spec.url}${spec.rate ? ` at ${Math.round(spec.rate)} req/s` : ''}`;
  if (code !== 0) throw new Error(`${what}: the load runner exited with ${code}`);
  const report = JSON.parse(Buffer.concat(out).toString('utf8')) as LoadReport;
  const error = failure(what, report);
  if (error) throw error;
  return { perSecond: report.perSecond, p50: report.p50, p99: report.p99, total: report.total, clientBusy: report.clientBusy, answers: report.answers, endedAt: report.endedAt };
}

/** User + system CPU seconds a process (or one of its threads, `tid`) has used so far (Linux /proc; 0 elsewhere). */
export function cpuSeconds(pid: number, tid?: number): number {
  try {
    const fields = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
