import { describe, expect, it } from 'vitest';
import { InvalidDidError } from '../errors.js';
import { didJwkDocument, didKeyDocument } from './key-jwk-documents.js';

const ED = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp';
const P256 = 'did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv';
const p256Jwk = { kty: 'EC', crv: 'P-256', x: 'igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns', y: 'efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM' };
const didJwk = (jwk: unknown) => `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;

describe('didKeyDocument', () => {
  it.each([ED, P256])('gives the Multikey document of %s', (did) => {
    const id = `${did}#${did.slice(8)}`;
    expect(didKeyDocument(did)).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [{ id, type: 'Multikey', controller: did, publicKeyMultibase: did.slice(8) }],
      authentication: [id],
      assertionMethod: [id],
      capabilityInvocation: [id],
      capabilityDelegation: [id],
    });
  });

  it('refuses what is not an Ed25519 or P-256 did:key, as an invalid DID', () => {
    expect(() => didKeyDocument('did:key:z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW')).toThrow(InvalidDidError);
    expect(() => didKeyDocument('did:key:nope')).toThrow(/"z" prefix/);
  });
});

describe('didJwkDocument', () => {
  it('gives the P-256 example of the did:jwk spec, with keyAgreement when use is absent', () => {
    const did = 'did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9';
    const id = `${did}#0`;
    expect(didJwkDocument(did)).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: did,
      verificationMethod: [
        { id, type: 'JsonWebKey2020', controller: did, publicKeyJwk: { crv: 'P-256', kty: 'EC', x: 'acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0', y: '_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE' } },
      ],
      authentication: [id],
      assertionMethod: [id],
      capabilityInvocation: [id],
      capabilityDelegation: [id],
      keyAgreement: [id],
    });
  });

  it('follows use: "sig" (signing only) and "enc" (keyAgreement only)', () => {
    const sig = didJwkDocument(didJwk({ ...p256Jwk, use: 'sig' }));
    expect(sig).toHaveProperty('assertionMethod');
    expect(sig).not.toHaveProperty('keyAgreement');
    const enc = didJwkDocument(didJwk({ ...p256Jwk, use: 'enc' }));
    expect(enc).toHaveProperty('keyAgreement');
    expect(enc).not.toHaveProperty('assertionMethod');
    const ed = didJwkDocument(didJwk({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }));
    expect(ed).not.toHaveProperty('keyAgreement');
    expect(() => didJwkDocument(didJwk({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', use: 'enc' }))).toThrow(/cannot be used for encryption/);
  });

  it.each<[string, string, RegExp]>([
    ['not base64url', 'did:jwk:a+b', /not did:jwk:<base64url JSON Web Key>/],
    ['not JSON', `did:jwk:${Buffer.from('nope').toString('base64url')}`, /does not carry a base64url JSON Web Key/],
    ['a private key', didJwk({ ...p256Jwk, d: 'gPh-VvVS8MbvKQ9LSVVmfnxnKjHn4Tqj0bmbpehRlpc' }), /private member "d"/],
    ['an RSA key', didJwk({ kty: 'RSA', n: 'AQAB', e: 'AQAB' }), /Ed25519 \(kty OKP\), P-256 or P-384/],
    ['a bad use', didJwk({ ...p256Jwk, use: 'wrap' }), /"use" must be "sig" or "enc"/],
    ['another method', 'did:key:z6Mk', /not did:jwk/],
  ])('refuses %s', (_, did, message) => {
    expect(() => didJwkDocument(did)).toThrow(InvalidDidError);
    expect(() => didJwkDocument(did)).toThrow(message);
  });
});
