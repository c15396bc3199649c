import { createECDH, createHash, createPrivateKey, createPublicKey, ECDH, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { IKey, ManagedKeyInfo, MinimalImportableKey, TKeyType } from '@veramo/core-types';
import { AbstractKeyManagementSystem } from '@veramo/key-manager';
import { ALGORITHMS as BBS_ALGORITHMS, generateBbsKeyPair } from '@digitalbazaar/bls12-381-multikey';
import type { DataSource, Repository } from 'typeorm';
import type { PublicJwk } from '../../domain/did/index.js';
import { InvalidKeyError } from '../../domain/errors.js';
import { ECDSA_CURVES, normalizeLowS, type JoseAlgorithm } from '../../domain/keys/ecdsa.js';
import { ed25519FromSeed } from '../../domain/keys/ed25519.js';
import { SealedKeyError, type SecretBox } from '../../domain/keys/secret-box.js';
import { jwkThumbprint } from '../../domain/keys/thumbprint.js';
import { PrivateKeyEntity } from './keys.entity.js';

export const KMS_NAME = 'node';

/** BLS12-381 G2 keys sign bbs-2023 Data Integrity proofs only (docs/data-integrity.md): no JOSE algorithm. */
export const BBS_KEY_TYPE = 'Bls12381G2';
/** A BBS key as stored sealed: the 32-byte secret, then the 96-byte compressed public key. */
export interface BbsKeyMaterial {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}
type Opened = { type: SupportedType; key: KeyObject } | { type: typeof BBS_KEY_TYPE; bbs: BbsKeyMaterial };

type SupportedType = 'Ed25519' | 'Secp256r1' | 'Secp384r1';

/** Each key type with the one JOSE algorithm it signs with: no key signs under another's algorithm. */
const KEY_TYPES: Readonly<Record<SupportedType, { alg: JoseAlgorithm; crv: 'Ed25519' | 'P-256' | 'P-384' }>> = {
  Ed25519: { alg: 'EdDSA', crv: 'Ed25519' },
  Secp256r1: { alg: 'ES256', crv: 'P-256' },
  Secp384r1: { alg: 'ES384', crv: 'P-384' },
};

function supported(type: TKeyType): SupportedType {
  if (type in KEY_TYPES) return type as SupportedType;
  throw new InvalidKeyError(`key type ${type} is not supported: use Ed25519, Secp256r1 (P-256) or Secp384r1 (P-384)`);
}

/** The JOSE algorithm a key of this type signs with. */
export function algorithmOfKeyType(type: string): JoseAlgorithm {
  return KEY_TYPES[supported(type)].alg;
}

/** Raw public key bytes: 32 for Ed25519, the 33- / 49-byte compressed point for P-256 / P-384. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv === 'Ed25519') return Buffer.from(jwk.x!, 'base64url');
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  return Buffer.concat([Buffer.from([y[y.length - 1]! & 1 ? 3 : 2]), x]);
}

/**
 * Veramo's key management system with signatures from node:crypto (Ed25519 ~15× faster than
 * Veramo's pure-JS local KMS here). Private keys are sealed at rest; opened keys are kept in
 * memory for the life of the process.
 */
export class NodeCryptoKms extends AbstractKeyManagementSystem {
  private readonly keys: Repository<PrivateKeyEntity>;
  private readonly opened = new Map<string, Opened>();

  constructor(
    db: DataSource,
    private readonly box: SecretBox,
  ) {
    super();
    this.keys = db.getRepository(PrivateKeyEntity);
  }

  async createKey({ type }: { type: TKeyType }): Promise<ManagedKeyInfo> {
    if (type === BBS_KEY_TYPE) return this.storeBbs(await generateBbsKeyPair({ algorithm: BBS_ALGORITHMS.BBS_BLS12381_SHA256 }));
    const kind = supported(type);
    const { privateKey } = kind === 'Ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: KEY_TYPES[kind].crv });
    return this.store(kind, privateKey);
  }

  async importKey(args: Exclude<MinimalImportableKey, 'kms'>): Promise<ManagedKeyInfo> {
    const kind = supported(args.type);
    const secret = Buffer.from(args.privateKeyHex, 'hex');
    const size = kind === 'Secp384r1' ? 48 : 32;
    if (secret.length !== size && !(kind === 'Ed25519' && secret.length === 64)) {
      throw new InvalidKeyError(`an ${kind} private key must be ${size} bytes of hex`);
    }
    return this.store(kind, kind === 'Ed25519' ? ed25519FromSeed(secret.subarray(0, 32)) : ecFromScalar(kind === 'Secp384r1' ? 'ES384' : 'ES256', secret));
  }

  async listKeys(): Promise<ManagedKeyInfo[]> {
    const rows = await this.keys.find();
    return Promise.all(
      rows.map(async (row) => {
        const opened = await this.open(row.alias);
        return 'bbs' in opened ? bbsInfo(opened.bbs) : this.info(opened.type, opened.key);
      }),
    );
  }

  async deleteKey({ kid }: { kid: string }): Promise<boolean> {
    this.opened.delete(kid);
    const result = await this.keys.delete({ alias: kid });
    return (result.affected ?? 0) > 0;
  }

  /** Signs raw bytes; returns the signature as unpadded base64url (the JOSE form: r‖s for ES256). */
  async sign({ keyRef, algorithm, data }: { keyRef: Pick<IKey, 'kid'>; algorithm?: string; data: Uint8Array }): Promise<string> {
    const { type, key } = await this.joseKey(keyRef.kid);
    if (type === 'Ed25519') {
      if (algorithm && !['EdDSA', 'Ed25519'].includes(algorithm)) throw new InvalidKeyError(`an Ed25519 key cannot sign with ${algorithm}`);
      return sign(null, data, key).toString('base64url');
    }
    const { alg, crv } = KEY_TYPES[type];
    if (algorithm && algorithm !== alg) throw new InvalidKeyError(`a ${crv} key cannot sign with ${algorithm}`);
    // Low-S: the high-S twin of a signature is refused wherever we verify ours (docs/did-method.md).
    return normalizeLowS(sign(ECDSA_CURVES[alg as 'ES256' | 'ES384'].hash, data, { key, dsaEncoding: 'ieee-p1363' })).toString('base64url');
  }

  /** The private key for in-process JOSE signing (jose signs with a KeyObject); never leaves the process. */
  async privateKey(kid: string): Promise<{ type: SupportedType; key: KeyObject }> {
    return this.joseKey(kid);
  }

  /** A BBS key's material, for in-process bbs-2023 signing; never leaves the process. */
  async bbsKey(kid: string): Promise<BbsKeyMaterial> {
    const opened = await this.open(kid);
    if (!('bbs' in opened)) throw new InvalidKeyError(`key ${kid} is not a BLS12-381 G2 key`);
    return opened.bbs;
  }

  private async joseKey(kid: string): Promise<{ type: SupportedType; key: KeyObject }> {
    const opened = await this.open(kid);
    if ('bbs' in opened) throw new InvalidKeyError('a BLS12-381 G2 key signs bbs-2023 proofs only, not JOSE');
    return opened;
  }

  private async storeBbs(pair: { secretKey?: Uint8Array; publicKey?: Uint8Array }): Promise<ManagedKeyInfo> {
    const bbs = { secretKey: pair.secretKey!, publicKey: pair.publicKey! };
    const info = bbsInfo(bbs);
    await this.keys.save({ alias: info.kid, type: BBS_KEY_TYPE, sealed: this.box.seal(Buffer.concat([bbs.secretKey, bbs.publicKey]), info.kid) });
    this.opened.set(info.kid, { type: BBS_KEY_TYPE, bbs });
    return info;
  }

  async sharedSecret(): Promise<string> {
    throw new InvalidKeyError('key agreement is not offered by this key management system');
  }

  private async store(type: SupportedType, privateKey: KeyObject): Promise<ManagedKeyInfo> {
    const info = this.info(type, privateKey);
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    await this.keys.save({ alias: info.kid, type, sealed: this.box.seal(der, info.kid) });
    this.opened.set(info.kid, { type, key: privateKey });
    return info;
  }

  private async open(kid: string): Promise<Opened> {
    const cached = this.opened.get(kid);
    if (cached) return cached;
    const row = await this.keys.findOneBy({ alias: kid });
    // The key store lists the key, so a missing private half is this server's fault (a 500), not the caller's.
    if (!row) throw new SealedKeyError(`no sealed private key ${kid} in this region's key store`);
    const opened = Buffer.from(this.box.open(row.sealed, kid));
    const entry: Opened =
      row.type === BBS_KEY_TYPE
        ? { type: BBS_KEY_TYPE, bbs: { secretKey: new Uint8Array(opened.subarray(0, 32)), publicKey: new Uint8Array(opened.subarray(32)) } }
        : { type: row.type as SupportedType, key: createPrivateKey({ key: opened, format: 'der', type: 'pkcs8' }) };
    this.opened.set(kid, entry);
    return entry;
  }

  private info(type: SupportedType, privateKey: KeyObject): ManagedKeyInfo {
    const publicKeyHex = rawPublicKey(createPublicKey(privateKey)).toString('hex');
    return {
      kid: publicKeyHex,
      kms: KMS_NAME,
      type,
      publicKeyHex,
      meta: { algorithms: type === 'Ed25519' ? ['EdDSA', 'Ed25519'] : [KEY_TYPES[type].alg] },
    };
  }
}


function ecFromScalar(alg: 'ES256' | 'ES384', d: Buffer): KeyObject {
  const { namedCurve, crv, size } = ECDSA_CURVES[alg];
  const ecdh = createECDH(namedCurve);
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  return createPrivateKey({
    key: {
      kty: 'EC',
      crv,
      d: d.toString('base64url'),
      x: point.subarray(1, size + 1).toString('base64url'),
      y: point.subarray(size + 1).toString('base64url'),
    },
    format: 'jwk',
  });
}

function bbsInfo(bbs: BbsKeyMaterial): ManagedKeyInfo {
  const publicKeyHex = Buffer.from(bbs.publicKey).toString('hex');
  // The 192 hex characters of a G2 key do not fit the key stores' 100-character ids: its SHA-256 names it.
  const kid = `bbs-${createHash('sha256').update(bbs.publicKey).digest('hex')}`;
  return { kid, kms: KMS_NAME, type: BBS_KEY_TYPE, publicKeyHex, meta: { algorithms: ['BBS-BLS12-381-SHA-256'] } };
}

/** Thumbprints already computed, by key type and public key: each issuance matches its DID's held keys by them. */
const thumbprints = new Map<string, string>();
const THUMBPRINTS_KEPT = 10_000;

/** A Veramo key's identity (RFC 7638 thumbprint of its public JWK; a BBS key's of its thumbprint form, as key tenure takes it). */
export function keyThumbprint(key: { type: string; publicKeyHex: string }): string {
  const material = `${key.type}:${key.publicKeyHex}`;
  let thumbprint = thumbprints.get(material);
  if (thumbprint === undefined) {
    thumbprint = jwkThumbprint(key.type === BBS_KEY_TYPE ? { kty: 'OKP', crv: BBS_KEY_TYPE, x: Buffer.from(key.publicKeyHex, 'hex').toString('base64url') } : publicJwkOf(key));
    if (thumbprints.size >= THUMBPRINTS_KEPT) thumbprints.clear();
    thumbprints.set(material, thumbprint);
  }
  return thumbprint;
}

/** The public JWK of a Veramo key (Ed25519 raw, or a compressed P-256 / P-384 point). */
export function publicJwkOf(key: { type: string; publicKeyHex: string }): PublicJwk {
  const raw = Buffer.from(key.publicKeyHex, 'hex');
  if (key.type === 'Ed25519') return { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') };
  if (key.type === 'Secp256r1' || key.type === 'Secp384r1') {
    const { namedCurve, crv, size } = ECDSA_CURVES[key.type === 'Secp256r1' ? 'ES256' : 'ES384'];
    const point = raw.length === 2 * size + 1 ? raw : (ECDH.convertKey(raw, namedCurve, undefined, undefined, 'uncompressed') as Buffer);
    return { kty: 'EC', crv, x: point.subarray(1, size + 1).toString('base64url'), y: point.subarray(size + 1).toString('base64url') };
  }
  throw new InvalidKeyError(`key type ${key.type} is not supported: use Ed25519, Secp256r1 (P-256) or Secp384r1 (P-384)`);
}
