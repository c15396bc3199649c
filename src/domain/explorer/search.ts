import { parseDid } from '../did/did-url.js';
import { STATUS_LIST_ID } from '../status/status-list-entry.js';

/** Where a search box query leads. */
export type SearchTarget =
  | { readonly kind: 'did'; readonly did: string }
  | { readonly kind: 'entry'; readonly log: string; readonly index: number }
  | { readonly kind: 'status-list'; readonly id: string }
  | { readonly kind: 'none'; readonly reason: string };

const ENTRY = /^(?:([a-z][a-z0-9-]{0,31})\s*[/:#]\s*)?(0|[1-9]\d{0,14})$/;

/**
 * Reads a search query: a DID (any method the resolver knows, or a DID URL, whose DID is
 * kept), an entry index (`12` in this region's own log, `eu/12` or `eu:12` in a named log), or
 * a status list id (a UUID, or a status list URL ending in one).
 */
export function searchTarget(query: string, regions: readonly string[], ownRegion: string): SearchTarget {
  const q = query.trim();
  if (q === '') return { kind: 'none', reason: 'the search was empty' };
  if (q.length > 4096) return { kind: 'none', reason: 'the search is longer than any DID, index or list id' };
  if (q.startsWith('did:')) {
    const did = q.split(/[/?#]/, 1)[0]!;
    try {
      return { kind: 'did', did: parseDid(did).did };
    } catch {
      return { kind: 'none', reason: 'this is not a well-formed DID' };
    }
  }
  const entry = ENTRY.exec(q);
  if (entry) {
    const log = entry[1] ?? ownRegion;
    if (!regions.includes(log)) return { kind: 'none', reason: `there is no log named ${log} in this network` };
    return { kind: 'entry', log, index: Number(entry[2]) };
  }
  const last = q.replace(/[#?].*$/, '').split('/').at(-1)!.toLowerCase();
  if (STATUS_LIST_ID.test(last)) return { kind: 'status-list', id: last };
  return { kind: 'none', reason: 'it is neither a DID, an entry index (12 or eu/12) nor a status list id' };
}
