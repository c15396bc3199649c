import { InvalidDidError } from '../errors.js';
import { parseDidKey, validatePublicJwk } from './keys.js';

/** The DID document of a did:key (Ed25519 or P-256), as the did:key method specifies. */
export function didKeyDocument(did: string): Record<string, unknown> {
  let key;
  try {
    key = parseDidKey(did);
  } catch (error) {
    throw new InvalidDidError(`${did}: ${(error as Error).message}`);
  }
  const id = `${did}#${key.multibase}`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [{ id, type: 'Multikey', controller: did, publicKeyMultibase: key.multibase }],
    authentication: [id],
    assertionMethod: [id],
    capabilityInvocation: [id],
    capabilityDelegation: [id],
  };
}

/** The DID document of a did:jwk (its base64url JWK as the one method `#0`). */
export function didJwkDocument(did: string): Record<string, unknown> {
  const encoded = did.startsWith('did:jwk:') ? did.slice('did:jwk:'.length) : '';
  let jwk: unknown;
  try {
    jwk = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidDidError(`${did} does not carry a base64url JSON Web Key`);
  }
  let key;
  try {
    key = validatePublicJwk(jwk);
  } catch (error) {
    throw new InvalidDidError(`${did}: ${(error as Error).message}`);
  }
  const id = `${did}#0`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: [{ id, type: 'JsonWebKey2020', controller: did, publicKeyJwk: key.jwk }],
    authentication: [id],
    assertionMethod: [id],
    capabilityInvocation: [id],
    capabilityDelegation: [id],
  };
}
