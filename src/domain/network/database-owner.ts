import { createHash } from 'node:crypto';
import { canonicalBytes } from '../ledger/jcs.js';

/**
 * Which region, of which network, a database belongs to: written at a region's first start and
 * checked at every start after, so two regions never share one database and a database never
 * outlives its genesis. Replicas of one region share it (same region, same genesis).
 */
export interface DatabaseOwner {
  readonly region: string;
  readonly network: string;
  /** SHA-256 (hex) of the JCS canonical form of network.json. */
  readonly genesisSha256: string;
}

/** The genesis identity: any change to network.json (keys, regions, URLs, name) is another genesis. */
export function genesisDigest(genesisJson: unknown): string {
  return createHash('sha256').update(canonicalBytes(genesisJson)).digest('hex');
}

/** Why a region may not use a database that `stored` owns; undefined when it may. */
export function ownershipMismatch(stored: DatabaseOwner, starting: DatabaseOwner): string | undefined {
  if (stored.region !== starting.region) {
    return `holds the database of region "${stored.region}", not of region "${starting.region}": two regions must never share one database; give each region its own DATA_DIR (npm run network:init -- --per-region) or DATABASE_URL`;
  }
  if (stored.genesisSha256 !== starting.genesisSha256) {
    return `holds a database created under another genesis (network "${stored.network}", network.json sha256 ${stored.genesisSha256.slice(0, 16)}…; this network.json: "${starting.network}", ${starting.genesisSha256.slice(0, 16)}…): start region "${starting.region}" with the network.json its database was created with, or on a new database`;
  }
  return undefined;
}
