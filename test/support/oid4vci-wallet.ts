import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { clientAuthenticationAnonymous, setGlobalConfig, type CallbackContext, type Jwk, type JwtSignerJwk } from '@openid4vc/oauth2';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { CompactSign, exportJWK, type JWK } from 'jose';

// The wallet's side of OpenID4VCI: the same library family, not our code. Regions in tests speak plain HTTP.
setGlobalConfig({ allowInsecureUrls: true });

export interface WalletKey {
  readonly privateKey: KeyObject;
  readonly publicJwk: Jwk;
  readonly signer: JwtSignerJwk;
}

/** A fresh P-256 key (ES256, what HAIP asks for) as the library's JWT signer. */
export async function walletKey(): Promise<WalletKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const publicJwk = { kty: kty!, crv, x, y } as Jwk;
  return { privateKey, publicJwk, signer: { method: 'jwk', alg: 'ES256', publicJwk } };
}

/** Signs a JWT with jose: header and payload as given (so tests can also forge them). */
export async function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as never).sign(key);
}

/** The wallet's callbacks: each signer is one of `keys`, found by its public JWK. */
export function walletCallbacks(keys: readonly WalletKey[]): Omit<CallbackContext, 'decryptJwe' | 'encryptJwe'> {
  return {
    fetch,
    hash: (data, alg) => createHash(alg.replace('-', '')).update(data).digest(),
    generateRandom: (length) => randomBytes(length),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (signer, { header, payload }) => {
      if (signer.method !== 'jwk') throw new Error('this wallet signs with JWKs only');
      const key = keys.find((k) => k.publicJwk.x === signer.publicJwk.x);
      if (!key) throw new Error('unknown wallet key');
      return { jwt: await signJwt(header, payload, key.privateKey), signerJwk: key.publicJwk };
    },
    verifyJwt: () => ({ verified: false }),
  };
}

export const walletClient = (keys: readonly WalletKey[]): Openid4vciClient => new Openid4vciClient({ callbacks: walletCallbacks(keys) });

export type { JWK };
