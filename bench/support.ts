/**
 * What every bench section shares: the row it reports, the context it is given, and HTTP load
 * with autocannon (32 connections, keep-alive, a fixed number of requests). A section in its own
 * file exports `benchX(ctx: BenchContext)` and is wired into bench/run.ts with one line.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
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
  /** The goal, e.g. `ratio ≥ 0.2, p99 < 50 ms` (docs/performance.md). */
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
}

export interface LoadResult {
  /** Requests answered per second over the whole run. */
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  /** One body for every request, or one per request (index i uses bodies[i % length]). */
  readonly body?: unknown;
  readonly bodies?: readonly string[];
  /** One path (with query) per request, after `url`'s origin (index i uses paths[i % length]). */
  readonly paths?: readonly string[];
  /** Total requests; 32 connections. */
  readonly amount: number;
  readonly connections?: number;
  /** The status each answer must have (default: 2xx); a mismatch fails the section. */
  readonly expect?: (status: number, i: number) => boolean;
  /** Sees every answer (e.g. to keep issued tokens); `i` is the request's index. */
  readonly onBody?: (body: string, i: number) => void;
}

/**
 * Drives one endpoint with autocannon and returns req/s, p50 and p99 (ms). Per-request bodies
 * are set in `setupRequest`, which also notes the request's index in the connection's context
 * (one request in flight per connection, no pipelining); `onResponse` checks the answer. A few
 * requests are built but never sent at the end: give `bodies` some to spare (amount + 2 × connections).
 */
export async function cannon(options: LoadOptions): Promise<LoadResult> {
  const { url, method = 'GET', amount, connections = 32 } = options;
  const headers = { ...(options.body !== undefined || options.bodies ? { 'content-type': 'application/json' } : {}), ...options.headers };
  const fixed = options.body === undefined ? undefined : JSON.stringify(options.body);
  let next = 0;
  const failures: string[] = [];
  const target = new URL(url);
  const started = performance.now();
  const result = await autocannon({
    url: target.origin,
    connections,
    amount,
    timeout: 30,
    requests: [
      {
        method,
        path: `${target.pathname}${target.search}`,
        headers,
        setupRequest: (request, context) => {
          const i = next++;
          (context as { i?: number }).i = i;
          const body = options.bodies ? options.bodies[i % options.bodies.length] : fixed;
          const path = options.paths ? options.paths[i % options.paths.length] : undefined;
          return { ...request, ...(body === undefined ? {} : { body }), ...(path === undefined ? {} : { path }) };
        },
        onResponse: (status, body, context) => {
          const i = (context as { i?: number }).i ?? -1;
          const ok = options.expect ? options.expect(status, i) : status >= 200 && status < 300;
          if (!ok && failures.length < 3) failures.push(`#${i} answered ${status}: ${body.slice(0, 300)}`);
          else if (ok) options.onBody?.(body, i);
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  if (failures.length > 0) throw new Error(`${method} ${url}: ${failures.join('; ')}`);
  if (result.errors > 0) throw new Error(`${method} ${url}: ${result.errors} connection errors (${result.timeouts} timeouts)`);
  const total = result.requests.total;
  return { perSecond: total / seconds, p50: result.latency.p50, p99: result.latency.p99, total };
}

/** User + system CPU seconds a process has used so far (Linux /proc; 0 elsewhere). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
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
