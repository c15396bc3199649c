import { html, type Html } from './html.js';

/** How many entries of a log have times in one bucket (a prefix of their RFC 3339 time). */
export interface BucketCount {
  readonly log: string;
  readonly bucket: string;
  readonly count: number;
}

/**
 * How long a prefix of RFC 3339 times makes a bucket, so that the span between the first and
 * the last entry is cut into a few dozen buckets at most: minutes, hours, days or months.
 */
export function bucketLength(first: string | null, last: string | null): 7 | 10 | 13 | 16 | 19 {
  if (first === null || last === null) return 16;
  const span = Date.parse(last) - Date.parse(first);
  if (!(span <= 90 * 86_400_000)) return 7;
  if (span > 2 * 86_400_000) return 10;
  if (span > 2 * 3_600_000) return 13;
  if (span > 2 * 60_000) return 16;
  return 19;
}

const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989'];
const W = 640;
const H = 180;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

/** A bucket prefix as a reader sees it: "2026-12-01 02:05" rather than "2026-12-01T02:05". */
const label = (bucket: string): string => bucket.replace('T', ' ') + (bucket.length === 13 ? ':00' : '');

/**
 * The size of each log over time, as inline SVG (no script, no external asset): one line per
 * log, the cumulative number of its entries at the end of each bucket.
 */
export function entriesChart(rows: readonly BucketCount[], logs: readonly string[]): Html {
  const buckets = [...new Set(rows.map((r) => r.bucket))].sort();
  const series = logs.map((log, i) => {
    let total = 0;
    const counts = new Map(rows.filter((r) => r.log === log).map((r) => [r.bucket, r.count]));
    return { log, color: COLORS[i % COLORS.length]!, sizes: buckets.map((b) => (total += counts.get(b) ?? 0)), total: [...counts.values()].reduce((a, b) => a + b, 0) };
  });
  const max = Math.max(1, ...series.map((s) => s.total));
  const x = (i: number): number => PAD.left + (buckets.length <= 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (buckets.length - 1));
  const y = (v: number): number => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const round = (n: number): string => n.toFixed(1);
  const legend = series.map((s) => html`<li><span class="swatch"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${s.color}"/></svg></span> ${s.log}: ${s.total} ${s.total === 1 ? 'entry' : 'entries'}</li>`);
  const description = `Entries over time: ${series.map((s) => `${s.log} ${s.total}`).join(', ')}${buckets.length ? `, from ${label(buckets[0]!)} to ${label(buckets.at(-1)!)} UTC` : ''}.`;
  return html`<figure class="chart">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${description}">
<title>${description}</title>
<line x1="${PAD.left}" y1="${y(0)}" x2="${W - PAD.right}" y2="${y(0)}" stroke="#888"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${y(0)}" stroke="#888"/>
<text x="${PAD.left - 6}" y="${y(max) + 4}" text-anchor="end" font-size="11">${max}</text>
<text x="${PAD.left - 6}" y="${y(0) + 4}" text-anchor="end" font-size="11">0</text>
${buckets.length ? html`<text x="${PAD.left}" y="${H - 8}" font-size="11">${label(buckets[0]!)}</text><text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" font-size="11">${label(buckets.at(-1)!)} UTC</text>` : html`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="12">no entries yet</text>`}
${series.map((s) =>
  buckets.length === 1
    ? html`<circle cx="${round(x(0))}" cy="${round(y(s.sizes[0]!))}" r="4" fill="${s.color}"/>`
    : html`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.sizes.map((v, i) => `${round(x(i))},${round(y(v))}`).join(' ')}"/>`,
)}
</svg>
<figcaption><ul class="legend">${legend}</ul></figcaption>
</figure>`;
}
