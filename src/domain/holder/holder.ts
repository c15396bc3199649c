import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SignJWT, type JWK } from 'jose';
import { InvalidInputError } from '../errors.js';
import { didKeyFromPublicKey, validatePublicJwk, type KeyAlgorithm, type PublicJwk } from '../did/keys.js';
import { ECDSA_CURVES, signJoseBytes } from '../keys/ecdsa.js';

/**
 * What a holder's wallet does with Isthmus credentials, for `npm run holder`: make a key pair
 * (its public JWK or DID goes into `options.holder` at issuance), present an SD-JWT with a
 * key-binding JWT (RFC 9901), wrap a JWT credential in a VP JWT signed as the holder's DID.
 */
export interface HolderKey {
  readonly alg: KeyAlgorithm;
  /** The private JWK: what the wallet keeps, and what `present` reads back. */
  readonly privateJwk: JWK;
  /** The public JWK for `options.holder`. */
  readonly publicJwk: PublicJwk;
  /** The same key as DIDs (also accepted by `options.holder`, and the VP JWT's `iss`). */
  readonly didJwk: string;
  readonly didKey: string;
}

export function generateHolderKey(alg: KeyAlgorithm = 'EdDSA'): HolderKey {
  const { privateKey } = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: ECDSA_CURVES[alg].crv });
  return holderKey(privateKey.export({ format: 'jwk' }) as JWK);
}

/** A holder key from its private JWK (Ed25519, P-256 or P-384), checked. */
export function holderKey(privateJwk: JWK): HolderKey {
  const { d, ...rest } = privateJwk;
  if (typeof d !== 'string') throw new InvalidInputError('the holder key must be a private JWK (with "d")');
  const { jwk, alg } = validatePublicJwk(rest);
  return {
    alg,
    privateJwk: { ...jwk, d },
    publicJwk: jwk,
    didJwk: `did:jwk:${Buffer.from(JSON.stringify(jwk), 'utf8').toString('base64url')}`,
    didKey: didKeyFromPublicKey(jwk),
  };
}

export interface Audience {
  /** The verifier's challenge (`options.challenge` at verification). */
  readonly nonce: string;
  /** The verifier (`options.domain` at verification). */
  readonly aud: string;
  /** Seconds since the epoch; now by default. */
  readonly iat?: number;
}

/**
 * An SD-JWT presentation `<jwt>~<chosen disclosures>~<kb-jwt>`: discloses exactly the claims
 * named (dotted paths as the SD-JWT lists them, e.g. `birthDate` or `credentialSubject.birthDate`)
 * and binds it to the holder key, the nonce and the audience.
 */
export async function presentSdJwt(sdJwt: string, key: HolderKey, disclose: readonly string[], audience: Audience): Promise<string> {
  const instance = new SDJwtInstance({ hasher: digest, saltGenerator: generateSalt, kbSignAlg: key.alg, kbSigner: signerOf(key) });
  const issued = sdJwt.trim().replace(/~[^~]*$/, '~');
  let presentable: string[];
  try {
    presentable = await instance.presentableKeys(issued);
  } catch (error) {
    throw new InvalidInputError(`not an SD-JWT: ${(error as Error).message}`);
  }
  const unknown = disclose.filter((name) => !presentable.includes(name));
  if (unknown.length > 0) {
    throw new InvalidInputError(`${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not selectively disclosable in this SD-JWT; it offers: ${presentable.join(', ') || 'nothing'}`);
  }
  const iat = audience.iat ?? Math.floor(Date.now() / 1000);
  return instance.present(issued, frameOf(disclose) as never, { kb: { payload: { iat, aud: audience.aud, nonce: audience.nonce } } });
}

/**
 * A VCDM 1.1 VP JWT (as did-jwt-vc makes them): `iss` the holder's did:key, `nonce` and `aud`
 * as the verifier asked, the credentials (vc+jwt or jwt_vc_json tokens) in `vp`.
 */
export async function presentVpJwt(credentials: readonly string[], key: HolderKey, audience: Audience): Promise<string> {
  const holder = key.didKey;
  return new SignJWT({
    nonce: audience.nonce,
    vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], holder, verifiableCredential: credentials.map((c) => c.trim()) },
  })
    .setProtectedHeader({ alg: key.alg, typ: 'JWT', kid: `${holder}#${holder.slice('did:key:'.length)}` })
    .setIssuer(holder)
    .setAudience(audience.aud)
    .setIssuedAt(audience.iat ?? Math.floor(Date.now() / 1000))
    .sign(privateKeyOf(key));
}

/** `credentialSubject.birthDate` → `{credentialSubject: {birthDate: true}}`. */
function frameOf(names: readonly string[]): Record<string, unknown> {
  const frame: Record<string, unknown> = {};
  for (const name of names) {
    const path = name.split('.');
    let node = frame;
    for (const segment of path.slice(0, -1)) node = (node[segment] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = true;
  }
  return frame;
}

function privateKeyOf(key: HolderKey): KeyObject {
  return createPrivateKey({ key: key.privateJwk as never, format: 'jwk' });
}

function signerOf(key: HolderKey): (data: string) => string {
  const privateKey = privateKeyOf(key);
  return (data) => signJoseBytes(key.alg, Buffer.from(data), privateKey).toString('base64url');
}
