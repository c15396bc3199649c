import { generateKeyPairSync, sign } from 'node:crypto';
import { ed25519DidKey, isthmusDid, jcs } from './independent.js';

/** A signed create operation for a fresh Ed25519 key, made without project code. */
export function walletCreate(home = 'eu'): { did: string; operation: Record<string, unknown> } {
  const rotation = generateKeyPairSync('ed25519');
  const x = rotation.publicKey.export({ format: 'jwk' }).x!;
  const unsigned = {
    type: 'create',
    prev: null,
    home,
    rotationKeys: [ed25519DidKey(Buffer.from(x, 'base64url'))],
    document: {
      verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } }],
      authentication: ['#key-1'],
      assertionMethod: ['#key-1'],
      service: [],
    },
  };
  const operation = { ...unsigned, sig: sign(null, Buffer.from(jcs(unsigned), 'utf8'), rotation.privateKey).toString('base64url') };
  return { did: isthmusDid(operation), operation };
}
