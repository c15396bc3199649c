import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { clientAuthenticationAnonymous, setGlobalConfig, type CallbackContext, type Jwk, type JwtSignerJwk } from '@openid4vc/oauth2';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { CompactSign, type JWK } from 'jose';

/**
 * A wallet's side of OpenID4VCI 1.0 (pre-authorized code flow) on the openid4vc library's own
 * client: what `npm run holder -- receive`, the bench and the tests use against a region.
 * Crypto through the library's callbacks: node:crypto keys, jose signatures.
 */

export interface WalletKey {
  readonly privateKey: KeyObject;
  readonly publicJwk: Jwk;
  readonly signer: JwtSignerJwk;
}

const ALG: Record<string, string> = { Ed25519: 'EdDSA', 'P-256': 'ES256', 'P-384': 'ES384' };

/** A wallet key from a private JWK (Ed25519, P-256, P-384), or a fresh P-256 key (ES256, what HAIP asks for). */
export function walletKey(privateJwk?: JWK): WalletKey {
  const privateKey = privateJwk ? createPrivateKey({ key: privateJwk as never, format: 'jwk' }) : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const { kty, crv, x, y } = privateKey.export({ format: 'jwk' });
  const alg = ALG[crv ?? ''];
  if (!alg) throw new Error('the wallet key must be Ed25519, P-256 or P-384');
  const publicJwk = (kty === 'OKP' ? { kty, crv, x } : { kty, crv, x, y }) as Jwk;
  return { privateKey, publicJwk, signer: { method: 'jwk', alg, publicJwk } };
}

/** Signs a JWT as given (header and payload untouched). */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as never).sign(key);
}

/** The library's callbacks for a wallet holding `keys` (each signer is found by its public JWK). */
export function walletCallbacks(keys: readonly WalletKey[]): Omit<CallbackContext, 'decryptJwe' | 'encryptJwe'> {
  return {
    fetch,
    hash: (data, alg) => createHash(alg.replace('-', '')).update(data).digest(),
    generateRandom: (length) => randomBytes(length),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (signer, { header, payload }) => {
      const key = signer.method === 'jwk' ? keys.find((k) => k.publicJwk.x === signer.publicJwk.x) : undefined;
      if (!key) throw new Error('this wallet signs with its own JWKs only');
      return { jwt: await signJwt(header, payload, key.privateKey), signerJwk: key.publicJwk };
    },
    verifyJwt: () => ({ verified: false }),
  };
}

export interface Received {
  /** The credentials, one per proof key, as the credential endpoint sent them. */
  readonly credentials: string[];
  readonly credentialConfigurationId: string;
  readonly tokenType: string;
}

/**
 * The whole flow: offer (openid-credential-offer:// URI) → issuer and authorization server
 * metadata → token (DPoP, tx_code) → c_nonce → one key proof per key → credentials.
 */
export async function receiveCredentials(offer: string, options: { proofKeys: readonly WalletKey[]; dpopKey?: WalletKey; txCode?: string }): Promise<Received> {
  // The library insists on https; a region run locally (npm start) or in tests speaks plain HTTP.
  if (/credential_offer_uri=http%3A/.test(offer) || offer.startsWith('http:')) setGlobalConfig({ allowInsecureUrls: true });
  const dpopKey = options.dpopKey ?? walletKey();
  const client = new Openid4vciClient({ callbacks: walletCallbacks([dpopKey, ...options.proofKeys]) });
  const credentialOffer = await client.resolveCredentialOffer(offer);
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const token = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata, ...(options.txCode ? { txCode: options.txCode } : {}), dpop: { signer: dpopKey.signer } });
  const { c_nonce } = await client.requestNonce({ issuerMetadata });
  const credentialConfigurationId = credentialOffer.credential_configuration_ids[0]!;
  const jwts = await Promise.all(options.proofKeys.map(async (key) => (await client.createCredentialRequestJwtProof({ issuerMetadata, credentialConfigurationId, signer: key.signer, nonce: c_nonce })).jwt));
  const response = await client.retrieveCredentials({
    issuerMetadata,
    credentialConfigurationId,
    accessToken: token.accessTokenResponse.access_token,
    proofs: { jwt: jwts },
    dpop: { signer: dpopKey.signer, ...(token.dpop?.nonce ? { nonce: token.dpop.nonce } : {}) },
  });
  const credentials = (response.credentialResponse.credentials ?? []).map((c) => (typeof c === 'string' ? c : (c as { credential: unknown }).credential)).map((c) => (typeof c === 'string' ? c : JSON.stringify(c)));
  return { credentials, credentialConfigurationId, tokenType: token.accessTokenResponse.token_type };
}
