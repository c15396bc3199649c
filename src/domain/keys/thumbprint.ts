import { createHash } from 'node:crypto';
import { InvalidKeyError } from '../errors.js';

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url): a key's identity is its material, never the
 * id a document files it under. Only the required members count, in lexicographic order.
 */
export function jwkThumbprint(jwk: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown }): string {
  const text = (value: unknown, name: string): string => {
    if (typeof value !== 'string' || value === '') throw new InvalidKeyError(`a JWK thumbprint needs the ${name} member`);
    return value;
  };
  const members =
    jwk.kty === 'OKP'
      ? { crv: text(jwk.crv, 'crv'), kty: 'OKP', x: text(jwk.x, 'x') }
      : jwk.kty === 'EC'
        ? { crv: text(jwk.crv, 'crv'), kty: 'EC', x: text(jwk.x, 'x'), y: text(jwk.y, 'y') }
        : undefined;
  if (!members) throw new InvalidKeyError(`JWK thumbprints are computed here for OKP and EC keys, not ${String(jwk.kty)}`);
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
