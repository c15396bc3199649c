import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidInputError } from '../../domain/errors.js';
import { parseGenesis, parseRegionKeys, type Genesis, type RegionKeys } from '../../domain/network/genesis.js';
import type { NetworkFiles } from '../../domain/network/network-init.js';
import { genesisDigest } from '../../domain/network/database-owner.js';

/** Where a region finds its genesis and private keys under DATA_DIR. */
export const genesisPath = (dataDir: string): string => join(dataDir, 'network.json');
export const regionKeysPath = (dataDir: string, regionId: string): string => join(dataDir, 'keys', `${regionId}.json`);

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new InvalidInputError(`${what} not found at ${path} (run npm run network:init)`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new InvalidInputError(`${what} at ${path} is not valid JSON`);
  }
}

export function loadGenesis(dataDir: string): Genesis {
  return loadGenesisFile(dataDir).genesis;
}

/** The genesis and its digest, from one read of network.json (the digest names the database's network). */
export function loadGenesisFile(dataDir: string): { genesis: Genesis; sha256: string } {
  const json = readJson(genesisPath(dataDir), 'genesis network.json');
  return { genesis: parseGenesis(json), sha256: genesisDigest(json) };
}

export function loadRegionKeys(dataDir: string, genesis: Genesis, regionId: string): RegionKeys {
  return parseRegionKeys(readJson(regionKeysPath(dataDir, regionId), `keys of region ${regionId}`), genesis, regionId);
}

/** Writes the genesis and each region's key file (mode 0600) under `dir`. */
export function writeNetworkFiles(dir: string, files: NetworkFiles, regions: readonly string[] = Object.keys(files.keys)): void {
  const write = (path: string, value: unknown, mode: number): void => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode, flag: 'wx' });
    chmodSync(path, mode);
  };
  write(genesisPath(dir), files.genesis, 0o644);
  for (const region of regions) write(regionKeysPath(dir, region), files.keys[region], 0o600);
}
