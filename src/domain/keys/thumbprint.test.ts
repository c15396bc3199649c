import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { InvalidKeyError } from '../errors.js';
import { jwkThumbprint } from './thumbprint.js';

describe('RFC 7638 JWK thumbprints', () => {
  it('gives the RFC 8037 appendix A.3 thumbprint of its Ed25519 key', () => {
    expect(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' })).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('agrees with jose for P-256 keys, and ignores members that are not required (kid, alg, order)', async () => {
    for (let i = 0; i < 5; i++) {
      const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk as never));
      expect(jwkThumbprint({ y: jwk.y, x: jwk.x, kid: '#key-1', alg: 'ES256', crv: jwk.crv, kty: 'EC' } as never)).toBe(jwkThumbprint(jwk));
    }
  });

  it('refuses keys it cannot name', () => {
    expect(() => jwkThumbprint({ kty: 'RSA' })).toThrow(InvalidKeyError);
    expect(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AA' })).toThrow(/y/);
  });
});
