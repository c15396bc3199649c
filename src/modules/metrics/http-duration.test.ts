import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HttpDurationHistogram } from './http-duration.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

describe('HttpDurationHistogram', () => {
  it('scrapes exactly as prom-client’s Histogram given the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new HttpDurationHistogram('http_seconds', 'latency', BUCKETS, ours);
    const reference = new Histogram({ name: 'http_seconds', help: 'latency', labelNames: ['method', 'route', 'status'] as const, buckets: BUCKETS, registers: [theirs] });
    const observations: [string, string, number, number][] = [
      ['GET', '/health/live', 200, 0.0004],
      ['GET', '/health/live', 200, 0.001],
      ['GET', '/health/live', 200, 0.0011],
      ['POST', '/1.0/operations', 201, 0.03],
      ['GET', '/1.0/identifiers/:did', 404, 7],
      ['GET', 'unmatched', 404, 0.002],
      ['GET', '/health/live', 503, 2.5],
    ];
    for (const [method, route, status, seconds] of observations) {
      fast.observe(method, route, status, seconds);
      reference.observe({ method, route, status: String(status) }, seconds);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('http_seconds_bucket{le="0.001",method="GET",route="/health/live",status="200"} 2');
    expect(text).toContain('http_seconds_count{method="GET",route="/1.0/identifiers/:did",status="404"} 1');
  });

  it('forgets its series on reset', async () => {
    const registry = new Registry();
    const histogram = new HttpDurationHistogram('http_seconds', 'latency', BUCKETS, registry);
    histogram.observe('GET', '/x', 200, 0.1);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('route="/x"');
  });
});
