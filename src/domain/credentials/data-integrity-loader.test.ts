import { describe, expect, it } from 'vitest';
import { didKeyDocument } from '../did/key-jwk-documents.js';
import { isBls12381G2Multikey } from '../did/keys.js';
import { asMultikey, multikeyView, routeDocumentUrl } from './data-integrity-loader.js';

const BASES = ['https://eu.example/status-lists/', 'https://ap.example/status-lists/'];

describe('document routing (never the network)', () => {
  it('answers the shipped contexts', () => {
    for (const url of ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/2018/credentials/v1', 'https://www.w3.org/ns/credentials/undefined-terms/v2', 'https://w3id.org/security/data-integrity/v2', 'https://w3id.org/security/multikey/v1', 'https://www.w3.org/ns/did/v1']) {
      expect(routeDocumentUrl(url, BASES).kind, url).toBe('context');
    }
  });

  it('resolves did:isthmus, did:key and did:jwk locally, with or without a fragment', () => {
    expect(routeDocumentUrl('did:isthmus:abc#key-1', BASES)).toEqual({ kind: 'did', did: 'did:isthmus:abc', fragment: 'key-1' });
    expect(routeDocumentUrl('did:key:z6Mk', BASES)).toEqual({ kind: 'did', did: 'did:key:z6Mk', fragment: undefined });
    expect(routeDocumentUrl('did:jwk:eyJ#0', BASES)).toMatchObject({ kind: 'did', did: 'did:jwk:eyJ' });
  });

  it("answers the network's status lists and refuses everything else, naming the URL", () => {
    expect(routeDocumentUrl('https://ap.example/status-lists/abc-1', BASES)).toEqual({ kind: 'status-list', id: 'abc-1' });
    for (const url of ['did:web:example.com', 'https://example.com/context.jsonld', 'https://eu.example/status-lists/../admin', 'https://evil.example/status-lists/x']) {
      const route = routeDocumentUrl(url, BASES);
      expect(route.kind, url).toBe('refused');
      expect((route as { reason: string }).reason).toContain(url.split('#')[0]!);
    }
  });
});

describe('DID documents as the JSON-LD processor sees them', () => {
  const did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

  it('every key a Multikey with absolute ids; a fragment gives one method with its context', () => {
    const document = didKeyDocument(did) as unknown as Parameters<typeof multikeyView>[0];
    const view = multikeyView(document, undefined)!;
    const id = `${did}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK`;
    expect(view).toMatchObject({ id: did, assertionMethod: [id], authentication: [id] });
    expect(multikeyView(document, 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')).toEqual({ '@context': 'https://w3id.org/security/multikey/v1', id, type: 'Multikey', controller: did, publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' });
    expect(multikeyView(document, 'nope')).toBeUndefined();
  });

  it('converts JsonWebKey methods and drops keys it does not take', () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: 'Lm_M42cB3HkUiODQsXRcweM6TByfzEHGO9ND274JcOY' };
    expect(asMultikey({ id: '#key-1', publicKeyJwk: jwk }, 'did:isthmus:abc')).toMatchObject({ id: 'did:isthmus:abc#key-1', type: 'Multikey', publicKeyMultibase: expect.stringMatching(/^z6Mk/) });
    expect(asMultikey({ id: '#key-2', publicKeyJwk: { kty: 'RSA', n: 'x', e: 'AQAB' } }, 'did:isthmus:abc')).toBeUndefined();
    expect(isBls12381G2Multikey('z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')).toBe(false);
  });
});
