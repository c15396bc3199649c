import { z } from 'zod';
import { InvalidInputError, InvalidKeyError } from '../errors.js';
import { parseSignerKey, parseVerifierKey, type SignerKey, type VerifierKey } from '../ledger/note.js';

/** Signed-note key types (C2SP signed-note): 0x01 Ed25519, 0x04 cosignature/v1. */
export const KEY_TYPE_ED25519 = 0x01;
export const KEY_TYPE_COSIGNATURE_V1 = 0x04;

export const REGION_ID = /^[a-z][a-z0-9-]{0,31}$/;

/** The checkpoint origin of a region's log, also the name of its log key. */
export const logOrigin = (regionId: string): string => `isthmus/${regionId}`;
export const cosignerKeyName = (regionId: string): string => `isthmus/${regionId}/cosigner`;
export const governanceKeyName = (regionId: string): string => `isthmus/${regionId}/governance`;

export interface GenesisRegion {
  readonly id: string;
  readonly url: string;
  readonly logKey: VerifierKey;
  readonly cosignerKey: VerifierKey;
  readonly governanceKey: VerifierKey;
}

/** An independent C2SP tlog-witness each region submits its checkpoints to (docs/tiles.md). */
export interface GenesisWitness {
  /** The witness's name, as its cosignature lines carry it. */
  readonly name: string;
  /** Its cosignature/v1 (0x04) verifier key; its name is `name`. */
  readonly key: VerifierKey;
  /** Its submission prefix: add-checkpoint is POSTed to `<url>/add-checkpoint`. */
  readonly url: string;
}

export interface Genesis {
  readonly network: string;
  readonly regions: readonly GenesisRegion[];
  /** Optional; an empty list when the genesis names none. */
  readonly witnesses: readonly GenesisWitness[];
}

/** The private keys one region holds; each matches its public half in the genesis. */
export interface RegionKeys {
  readonly region: string;
  readonly logKey: SignerKey;
  readonly cosignerKey: SignerKey;
  readonly governanceKey: SignerKey;
}

const regionSchema = z.strictObject({
  id: z.string().regex(REGION_ID, 'must be a region id'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  logKey: z.string(),
  cosignerKey: z.string(),
  governanceKey: z.string(),
});

const witnessSchema = z.strictObject({
  name: z.string().min(1).max(200),
  key: z.string(),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
});

const genesisSchema = z.strictObject({
  v: z.literal(1),
  network: z.string().min(1).max(100),
  regions: z.array(regionSchema).min(1).max(16),
  witnesses: z.array(witnessSchema).max(16).optional(),
});

const keysSchema = z.strictObject({
  v: z.literal(1),
  region: z.string().regex(REGION_ID),
  logKey: z.string(),
  cosignerKey: z.string(),
  governanceKey: z.string(),
});

function expectKey<K extends VerifierKey | SignerKey>(key: K, name: string, type: number, where: string): K {
  if (key.name !== name || key.type !== type) {
    throw new InvalidKeyError(`${where} must be named "${name}" with key type 0x0${type}; found "${key.name}" type 0x0${key.type}`);
  }
  return key;
}

/** Parses and checks `network.json`: key names follow the region, no region appears twice. */
export function parseGenesis(json: unknown): Genesis {
  const parsed = genesisSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`genesis: /${issue.path.join('/')} ${issue.message}`);
  }
  const seen = new Set<string>();
  const regions = parsed.data.regions.map((r) => {
    if (seen.has(r.id)) throw new InvalidInputError(`genesis: region "${r.id}" appears twice`);
    seen.add(r.id);
    return {
      id: r.id,
      url: r.url.replace(/\/+$/, ''),
      logKey: expectKey(parseVerifierKey(r.logKey), logOrigin(r.id), KEY_TYPE_ED25519, `genesis: ${r.id}.logKey`),
      cosignerKey: expectKey(parseVerifierKey(r.cosignerKey), cosignerKeyName(r.id), KEY_TYPE_COSIGNATURE_V1, `genesis: ${r.id}.cosignerKey`),
      governanceKey: expectKey(parseVerifierKey(r.governanceKey), governanceKeyName(r.id), KEY_TYPE_ED25519, `genesis: ${r.id}.governanceKey`),
    };
  });
  const witnesses = (parsed.data.witnesses ?? []).map((w, i) => {
    const key = expectKey(parseVerifierKey(w.key), w.name, KEY_TYPE_COSIGNATURE_V1, `genesis: witnesses/${i}.key`);
    if (regions.some((r) => r.cosignerKey.name === w.name || r.logKey.name === w.name)) throw new InvalidInputError(`genesis: witness "${w.name}" has the name of a region key`);
    return { name: w.name, key, url: w.url.replace(/\/+$/, '') };
  });
  if (new Set(witnesses.map((w) => w.name)).size !== witnesses.length) throw new InvalidInputError('genesis: a witness appears twice');
  return { network: parsed.data.network, regions, witnesses };
}

/** Parses a region's key file and checks each private key against the genesis. */
export function parseRegionKeys(json: unknown, genesis: Genesis, regionId: string): RegionKeys {
  const parsed = keysSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`region keys: /${issue.path.join('/')} ${issue.message}`);
  }
  if (parsed.data.region !== regionId) {
    throw new InvalidKeyError(`region keys are for "${parsed.data.region}", not for "${regionId}"`);
  }
  const region = genesis.regions.find((r) => r.id === regionId);
  if (!region) throw new InvalidInputError(`genesis has no region "${regionId}"`);
  const check = (encoded: string, expected: VerifierKey, field: string): SignerKey => {
    const key = parseSignerKey(encoded);
    if (key.verifierKey !== expected.encoded) {
      throw new InvalidKeyError(`region keys: ${field} does not match the genesis public key of region "${regionId}"`);
    }
    return key;
  };
  return {
    region: regionId,
    logKey: check(parsed.data.logKey, region.logKey, 'logKey'),
    cosignerKey: check(parsed.data.cosignerKey, region.cosignerKey, 'cosignerKey'),
    governanceKey: check(parsed.data.governanceKey, region.governanceKey, 'governanceKey'),
  };
}
