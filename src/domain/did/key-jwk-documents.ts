import { InvalidDidError } from '../errors.js';
import { parseDidKey, validatePublicJwk, type PublicKey } from './keys.js';

const SIGNING_RELATIONSHIPS = ['authentication', 'assertionMethod', 'capabilityInvocation', 'capabilityDelegation'] as const;

function asDidError(did: string, read: () => PublicKey): PublicKey {
  try {
    return read();
  } catch (error) {
    throw new InvalidDidError(`${did}: ${(error as Error).message}`);
  }
}

/**
 * The DID document of a did:key (Ed25519 or P-256) as the did:key method (v0.9) gives it: one
 * Multikey method `did:key:z…#z…` in every signing relationship.
 */
export function didKeyDocument(did: string): Record<string, unknown> {
  const key = asDidError(did, () => parseDidKey(did));
  const id = `${did}#${key.multibase}`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [{ id, type: 'Multikey', controller: did, publicKeyMultibase: key.multibase }],
    ...Object.fromEntries(SIGNING_RELATIONSHIPS.map((relationship) => [relationship, [id]])),
  };
}

/**
 * The DID document of a did:jwk (Ed25519 or P-256): the decoded JWK as the one method `#0`
 * (JsonWebKey2020), its relationships chosen by the JWK's `use` as the did:jwk spec says.
 */
export function didJwkDocument(did: string): Record<string, unknown> {
  const encoded = did.startsWith('did:jwk:') ? did.slice('did:jwk:'.length) : '';
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new InvalidDidError(`${did} is not did:jwk:<base64url JSON Web Key>`);
  let jwk: unknown;
  try {
    jwk = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidDidError(`${did} does not carry a base64url JSON Web Key`);
  }
  const key = asDidError(did, () => validatePublicJwk(jwk));
  const use = (jwk as { use?: unknown }).use;
  if (use !== undefined && use !== 'sig' && use !== 'enc') throw new InvalidDidError(`${did}: the JWK's "use" must be "sig" or "enc"`);
  if (use === 'enc' && key.alg === 'EdDSA') throw new InvalidDidError(`${did}: an Ed25519 key cannot be used for encryption ("use":"enc")`);
  const id = `${did}#0`;
  const relationships: string[] = use === 'enc' ? ['keyAgreement'] : [...SIGNING_RELATIONSHIPS];
  // P-256 and P-384 also do ECDH; the spec lists keyAgreement too unless the JWK says "sig".
  if (use === undefined && key.alg !== 'EdDSA') relationships.push('keyAgreement');
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: [{ id, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk }],
    ...Object.fromEntries(relationships.map((relationship) => [relationship, [id]])),
  };
}
