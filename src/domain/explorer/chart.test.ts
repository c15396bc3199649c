import { describe, expect, it } from 'vitest';
import { bucketLength, entriesChart } from './chart.js';

describe('entriesChart', () => {
  it('draws each log’s cumulative size over the buckets, with a legend of totals', () => {
    const svg = entriesChart(
      [
        { log: 'eu', bucket: '2026-12-01T01:00', count: 2 },
        { log: 'eu', bucket: '2026-12-01T01:02', count: 3 },
        { log: 'ap', bucket: '2026-12-01T01:01', count: 1 },
      ],
      ['eu', 'ap'],
    ).text;
    const lines = [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) => m[1]!.split(' ').map((p) => Number(p.split(',')[1])));
    expect(lines).toHaveLength(2);
    // eu: 2, 2, 5 (of max 5); ap: 0, 1, 1 — y grows downwards.
    const [eu, ap] = lines as [number[], number[]];
    expect(eu[0]).toBe(eu[1]);
    expect(eu[2]).toBeLessThan(eu[1]!);
    expect(ap[0]).toBeGreaterThan(ap[1]!);
    expect(ap[1]).toBe(ap[2]);
    expect(svg).toContain('eu: 5 entries');
    expect(svg).toContain('ap: 1 entry');
    expect(svg).toContain('2026-12-01 01:00');
    expect(svg).not.toMatch(/<script|style=/);
  });

  it('says so when there are no entries, and draws a point for a single bucket', () => {
    expect(entriesChart([], ['eu']).text).toContain('no entries yet');
    expect(entriesChart([{ log: 'eu', bucket: '2026-12', count: 4 }], ['eu']).text).toMatch(/<circle /);
  });

  it('escapes log names', () => {
    expect(entriesChart([], ['<b>']).text).not.toContain('<b>');
  });

  it('chooses seconds, minutes, hours, days or months so that there are a few dozen buckets', () => {
    expect(bucketLength(null, null)).toBe(16);
    expect(bucketLength('2026-12-01T00:00:00Z', '2026-12-01T00:01:00Z')).toBe(19);
    expect(bucketLength('2026-12-01T00:00:00Z', '2026-12-01T01:00:00Z')).toBe(16);
    expect(bucketLength('2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z')).toBe(13);
    expect(bucketLength('2026-12-01T00:00:00Z', '2026-12-20T00:00:00Z')).toBe(10);
    expect(bucketLength('2026-01-01T00:00:00Z', '2026-12-20T00:00:00Z')).toBe(7);
  });
});
