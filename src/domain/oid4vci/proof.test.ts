import { describe, expect, it } from 'vitest';
import { OAuthError } from './errors.js';
import { CLOCK_SKEW_SECONDS, checkDistinctKeys, checkIssuedAt, checkProofHeader, proofsNonce } from './proof.js';
import { authorizationServerMetadata, credentialIssuerMetadata, endpoints } from './metadata.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    return (error as OAuthError).code;
  }
  return undefined;
};
const jwk = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' };
const NOW = 1_800_000_000_000;

describe('key proofs', () => {
  it('take the key from jwk only, with an accepted algorithm and no private part', () => {
    expect(codeOf(() => checkProofHeader({ alg: 'ES256', jwk }))).toBeUndefined();
    expect(codeOf(() => checkProofHeader({ alg: 'EdDSA', jwk }))).toBeUndefined();
    expect(codeOf(() => checkProofHeader({ alg: 'HS256', jwk }))).toBe('invalid_proof');
    expect(codeOf(() => checkProofHeader({ alg: 'none', jwk }))).toBe('invalid_proof');
    expect(codeOf(() => checkProofHeader({ alg: 'ES256', kid: 'did:example:1#k' }))).toBe('invalid_proof');
    expect(codeOf(() => checkProofHeader({ alg: 'ES256', jwk, kid: 'k' }))).toBe('invalid_proof');
    expect(codeOf(() => checkProofHeader({ alg: 'ES256', jwk: { ...jwk, d: 'secret' } }))).toBe('invalid_proof');
  });

  it('are recent: iat neither in the future nor older than allowed', () => {
    const now = NOW / 1000;
    expect(codeOf(() => checkIssuedAt(now, NOW, 300, 'invalid_proof'))).toBeUndefined();
    expect(codeOf(() => checkIssuedAt(now + CLOCK_SKEW_SECONDS + 5, NOW, 300, 'invalid_proof'))).toBe('invalid_proof');
    expect(codeOf(() => checkIssuedAt(now - 300 - CLOCK_SKEW_SECONDS - 5, NOW, 300, 'invalid_dpop_proof'))).toBe('invalid_dpop_proof');
    expect(codeOf(() => checkIssuedAt('1', NOW, 300, 'invalid_proof'))).toBe('invalid_proof');
  });

  it('of one request carry one c_nonce; none or different ones are invalid_nonce', () => {
    expect(proofsNonce([{ nonce: 'n' }, { nonce: 'n' }])).toBe('n');
    expect(codeOf(() => proofsNonce([{ nonce: 'n' }, { nonce: 'm' }]))).toBe('invalid_nonce');
    expect(codeOf(() => proofsNonce([{}]))).toBe('invalid_nonce');
    expect(codeOf(() => proofsNonce([{ nonce: '' }]))).toBe('invalid_nonce');
  });

  it('of a batch prove different keys', () => {
    expect(codeOf(() => checkDistinctKeys(['a', 'b']))).toBeUndefined();
    expect(codeOf(() => checkDistinctKeys(['a', 'a']))).toBe('invalid_proof');
  });
});

describe('metadata', () => {
  it('names one issuer per tenant, on its region, that is also its authorization server', () => {
    const e = endpoints('https://eu.example', 't1');
    expect(e).toEqual({ issuer: 'https://eu.example/oid4vci/issuers/t1', token: 'https://eu.example/oid4vci/issuers/t1/token', nonce: 'https://eu.example/oid4vci/issuers/t1/nonce', credential: 'https://eu.example/oid4vci/issuers/t1/credential' });
    const issuer = credentialIssuerMetadata({ regionUrl: 'https://eu.example', tenantId: 't1', tenantName: 'T', vct: 'https://eu.example/vct/X', batchSize: 10, proofAlgorithms: ['ES256'], signingAlgorithms: ['EdDSA'] });
    expect(issuer).toMatchObject({ credential_issuer: e.issuer, authorization_servers: [e.issuer], batch_credential_issuance: { batch_size: 10 } });
    expect(Object.keys(issuer.credential_configurations_supported as object)).toEqual(['dc+sd-jwt', 'vc+sd-jwt', 'jwt_vc_json', 'vc+jwt']);
    expect(authorizationServerMetadata('https://eu.example', 't1', ['ES256'])).toMatchObject({ issuer: e.issuer, token_endpoint: e.token, dpop_signing_alg_values_supported: ['ES256'] });
  });
});
