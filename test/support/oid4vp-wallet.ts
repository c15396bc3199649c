/* eslint-disable @typescript-eslint/no-explicit-any -- the DID resolution answer is read loosely */
import { createHash } from 'node:crypto';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { CompactEncrypt, compactVerify, importJWK, type JWK } from 'jose';
import { getJson } from './network.js';

/**
 * A wallet's side of OpenID4VP on the @openid4vc/openid4vp library's Openid4vpClient: it resolves
 * the verifier's DID in `region` (the relying party's), verifies the signed request object, and
 * encrypts direct_post.jwt responses with jose. It signs nothing itself (key binding is the
 * SD-JWT's KB-JWT).
 */
export function openid4vpWallet(region: () => string): Openid4vpClient {
  return new Openid4vpClient({
    callbacks: {
      hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
      signJwt: () => {
        throw new Error('the wallet signs nothing here');
      },
      decryptJwe: () => ({ decrypted: false }),
      encryptJwe: async (encryptor, data) => {
        const header = { alg: encryptor.alg, enc: encryptor.enc, ...(encryptor.publicJwk.kid ? { kid: encryptor.publicJwk.kid } : {}), ...(encryptor.apu ? { apu: encryptor.apu } : {}), ...(encryptor.apv ? { apv: encryptor.apv } : {}) };
        const jwe = await new CompactEncrypt(new TextEncoder().encode(data)).setProtectedHeader(header).encrypt(await importJWK(encryptor.publicJwk as JWK, encryptor.alg));
        return { jwe, encryptionJwk: encryptor.publicJwk };
      },
      verifyJwt: async (signer, jwt) => {
        if (signer.method !== 'did') return { verified: false };
        const did = signer.didUrl.split('#')[0]!;
        const resolved = await getJson<any>(region(), `/1.0/identifiers/${encodeURIComponent(did)}`);
        const method = (resolved.didDocument.verificationMethod as any[]).find((m) => m.id === signer.didUrl || `${did}${m.id}` === signer.didUrl);
        if (!method?.publicKeyJwk) return { verified: false };
        try {
          await compactVerify(jwt.compact, await importJWK(method.publicKeyJwk, signer.alg));
          return { verified: true, signerJwk: method.publicKeyJwk };
        } catch {
          return { verified: false };
        }
      },
    },
  });
}
