import { InvalidInputError } from '../errors.js';
import { generateNoteKeyPair } from '../ledger/note.js';
import { cosignerKeyName, governanceKeyName, KEY_TYPE_COSIGNATURE_V1, KEY_TYPE_ED25519, logOrigin, parseGenesis, REGION_ID } from './genesis.js';

export interface RegionAddress {
  readonly id: string;
  readonly url: string;
}

/** The genesis (public) and one key file per region (private), as JSON values. */
export interface NetworkFiles {
  readonly genesis: Record<string, unknown>;
  readonly keys: Record<string, Record<string, unknown>>;
}

/** Parses `eu=http://127.0.0.1:3001,ap=http://127.0.0.1:3002`. */
export function parseRegionList(text: string): RegionAddress[] {
  const regions = text
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const at = part.indexOf('=');
      const id = part.slice(0, at).trim();
      const url = part.slice(at + 1).trim();
      if (at < 1 || !REGION_ID.test(id) || !/^https?:\/\/\S+$/.test(url)) {
        throw new InvalidInputError(`--regions: "${part}" is not <region id>=<http(s) base URL>`);
      }
      return { id, url };
    });
  if (regions.length === 0) throw new InvalidInputError('--regions names no region');
  return regions;
}

/** Generates fresh Ed25519 log, cosigner and governance keys for every region. */
export function generateNetwork(network: string, regions: readonly RegionAddress[]): NetworkFiles {
  const keys: NetworkFiles['keys'] = {};
  const entries = regions.map(({ id, url }) => {
    const log = generateNoteKeyPair(logOrigin(id), KEY_TYPE_ED25519);
    const cosigner = generateNoteKeyPair(cosignerKeyName(id), KEY_TYPE_COSIGNATURE_V1);
    const governance = generateNoteKeyPair(governanceKeyName(id), KEY_TYPE_ED25519);
    keys[id] = { v: 1, region: id, logKey: log.signerKey, cosignerKey: cosigner.signerKey, governanceKey: governance.signerKey };
    return { id, url, logKey: log.verifierKey, cosignerKey: cosigner.verifierKey, governanceKey: governance.verifierKey };
  });
  const genesis = { v: 1, network, regions: entries };
  parseGenesis(genesis); // what we write must be what we accept
  return { genesis, keys };
}
