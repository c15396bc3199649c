/** Media types a resolver answer can take (W3C DID Resolution, docs/api.md section 3). */
export const DID_RESOLUTION = 'application/did-resolution';
export const DID_JSON = 'application/did+json';
export const DID_LD_JSON = 'application/did+ld+json';

export type Representation = 'resolution' | 'document' | 'document-ld';

const OFFERS: [string, Representation][] = [
  [DID_RESOLUTION, 'resolution'],
  [DID_JSON, 'document'],
  [DID_LD_JSON, 'document-ld'],
  ['application/ld+json', 'resolution'],
  ['application/json', 'resolution'],
];

/** Accept headers already decided: clients send a handful of distinct ones, each on every request. */
const decided = new Map<string, Representation | null>();
const DECIDED_LIMIT = 256;

/**
 * Picks the representation an Accept header prefers (q-values honoured); undefined when it
 * accepts none of ours. No header, or any wildcard, gets the full resolution result.
 */
export function negotiate(accept: string | undefined): Representation | undefined {
  if (!accept || accept.trim() === '') return 'resolution';
  const known = decided.get(accept);
  if (known !== undefined) return known ?? undefined;
  const representation = choose(accept);
  if (decided.size < DECIDED_LIMIT) decided.set(accept, representation ?? null);
  return representation;
}

function choose(accept: string): Representation | undefined {
  const ranges = accept
    .split(',')
    .map((part, order) => {
      const [type, ...params] = part.trim().split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type: type ?? '', q: q ? Number.parseFloat(q.slice(2)) : 1, order };
    })
    .filter((r) => r.type !== '' && !(r.q <= 0) && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const range of ranges) {
    if (range.type === '*/*' || range.type === 'application/*') return 'resolution';
    const offer = OFFERS.find(([type]) => type === range.type);
    if (offer) return offer[1];
  }
  return undefined;
}
