import { createHash, randomBytes } from 'node:crypto';
import { clientAuthenticationNone, Oauth2AuthorizationServer, type CallbackContext, type Jwk } from '@openid4vc/oauth2';
import { Openid4vciIssuer } from '@openid4vc/openid4vci';
import { compactVerify, importJWK, type JWK } from 'jose';

/**
 * The crypto the openid4vc libraries call back into on the issuer's side: SHA hashes and
 * randomness from node:crypto, signature checks with jose against the key the JWT header
 * carries (`jwk` only; a region never signs through these libraries).
 */
export const serverCallbacks: Omit<CallbackContext, 'decryptJwe' | 'encryptJwe'> = {
  hash: (data, alg) => createHash(alg.replace('-', '')).update(data).digest(),
  generateRandom: (length) => randomBytes(length),
  clientAuthentication: clientAuthenticationNone({ clientId: 'isthmus' }),
  signJwt: () => {
    throw new Error('an issuer region does not sign through the OpenID4VCI libraries');
  },
  verifyJwt: async (signer, { compact, header }) => {
    if (signer.method !== 'jwk') return { verified: false };
    try {
      const key = await importJWK(signer.publicJwk as JWK, header.alg);
      await compactVerify(compact, key, { algorithms: [header.alg] });
      return { verified: true, signerJwk: signer.publicJwk as Jwk };
    } catch {
      return { verified: false };
    }
  },
};

export const authorizationServer = new Oauth2AuthorizationServer({ callbacks: serverCallbacks });
export const credentialIssuer = new Openid4vciIssuer({ callbacks: serverCallbacks });
