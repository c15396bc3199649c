import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ed25519DidKey, isthmusDid, operationRef, p256DidKey } from '../../../test/support/independent.js';
import { InvalidDidError, InvalidKeyError, InvalidOperationError, InvalidSignatureError, NotFoundError } from '../errors.js';
import { foldChain, validateNextOperation, type ChainItem } from './chain.js';
import { isIsthmusDid, parseDid } from './did-url.js';
import { didJwkDocument, didKeyDocument } from './documents.js';
import { didKeyFromPublicKey, parseDidKey, parseMultikey, validatePublicJwk } from './keys.js';
import { deriveDid, operationHash, operationSigningBytes, parseOperation, type DidOperation, type UnsignedOperation } from './operation.js';

// Fixed keys (RFC 8032 test 1 seed; a fixed P-256 scalar) so the vectors never move.
const ED_SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const edKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), ED_SEED]), format: 'der', type: 'pkcs8' });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwkOf = (key: KeyObject) => createPublicKey(key).export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
const edDidKey = didKeyFromPublicKey(createPublicKey(edKey));
const p256DidKeyValue = didKeyFromPublicKey(p256.publicKey);

function signed(op: UnsignedOperation, key: KeyObject): DidOperation {
  const bytes = operationSigningBytes(op);
  const sig = key.asymmetricKeyType === 'ed25519' ? sign(null, bytes, key) : sign('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' });
  return { ...op, sig: sig.toString('base64url') };
}

const document = {
  verificationMethod: [{ id: '#key-1', type: 'JsonWebKey' as const, publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: jwkOf(edKey).x } }],
  authentication: ['#key-1'],
  assertionMethod: ['#key-1'],
  service: [],
};
const create = signed({ type: 'create', prev: null, home: 'eu', rotationKeys: [edDidKey], document }, edKey);
const update = signed({ type: 'update', prev: operationHash(create), home: 'eu', rotationKeys: [p256DidKeyValue], document: { ...document, service: [{ id: '#hub', type: 'LinkedDomains', serviceEndpoint: 'https://hub.example' }] } }, edKey);
const deactivate = signed({ type: 'deactivate', prev: operationHash(update), home: 'eu', rotationKeys: [p256DidKeyValue] }, p256.privateKey);
const at = (n: number) => new Date(Date.UTC(2026, 10, 23, 12, n));
const item = (operation: DidOperation, i: number): ChainItem => ({ operation, time: at(i), log: 'eu', index: i });

describe('did:key and JWKs', () => {
  it('encode Ed25519 and P-256 exactly as an independent encoder does', () => {
    expect(edDidKey).toBe(ed25519DidKey(Buffer.from(jwkOf(edKey).x, 'base64url')));
    expect(edDidKey).toMatch(/^did:key:z6Mk/);
    const pj = p256.publicKey.export({ format: 'jwk' });
    expect(p256DidKeyValue).toBe(p256DidKey(Buffer.from(pj.x!, 'base64url'), Buffer.from(pj.y!, 'base64url')));
    expect(p256DidKeyValue).toMatch(/^did:key:zDn/);
    expect(parseDidKey(p256DidKeyValue).jwk).toEqual({ kty: 'EC', crv: 'P-256', x: pj.x, y: pj.y });
  });

  it('refuse private members, other curves, wrong lengths and points off the curve', () => {
    expect(() => validatePublicJwk({ ...jwkOf(edKey), d: 'AAAA' })).toThrow(/private member "d"/);
    expect(() => validatePublicJwk({ kty: 'EC', crv: 'secp256k1', x: 'AA', y: 'AA' })).toThrow(InvalidKeyError);
    expect(() => validatePublicJwk({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' })).toThrow(/32 bytes/);
    const pj = p256.publicKey.export({ format: 'jwk' });
    const y = Buffer.from(pj.y!, 'base64url');
    y[31]! ^= 1;
    expect(() => validatePublicJwk({ kty: 'EC', crv: 'P-256', x: pj.x, y: y.toString('base64url') })).toThrow(/not a point/);
    expect(() => parseMultikey('z111')).toThrow(InvalidKeyError);
    expect(() => parseDidKey('did:web:example.com')).toThrow(InvalidKeyError);
  });

  it('give did:key and did:jwk documents', () => {
    const doc = didKeyDocument(edDidKey) as { verificationMethod: { id: string; publicKeyMultibase: string }[] };
    expect(doc.verificationMethod[0]!.id).toBe(`${edDidKey}#${edDidKey.slice(8)}`);
    const didJwk = `did:jwk:${Buffer.from(JSON.stringify(jwkOf(edKey))).toString('base64url')}`;
    expect((didJwkDocument(didJwk) as { verificationMethod: { id: string }[] }).verificationMethod[0]!.id).toBe(`${didJwk}#0`);
    expect(() => didJwkDocument('did:jwk:bm9wZQ')).toThrow(InvalidDidError);
  });
});

describe('DID syntax', () => {
  it('parses DIDs and recognizes did:isthmus', () => {
    expect(parseDid('did:web:example.com%3A8443')).toMatchObject({ method: 'web', id: 'example.com%3A8443' });
    expect(() => parseDid('did:Web:x')).toThrow(InvalidDidError);
    expect(() => parseDid('did:web:')).toThrow(InvalidDidError);
    expect(isIsthmusDid('did:isthmus:abcdefghijklmnopqrstuvwx')).toBe(true);
    expect(isIsthmusDid('did:isthmus:abcdefghijklmnopqrstuvw1')).toBe(false);
  });
});

describe('operations', () => {
  it('derive the DID and hashes the spec defines (checked by an independent implementation)', () => {
    expect(deriveDid(create)).toBe(isthmusDid(create));
    expect(operationHash(create)).toBe(operationRef(create));
    expect(parseOperation(JSON.parse(JSON.stringify(update)))).toEqual(update);
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown field', { ...create, extra: 1 }, /extra|Unrecognized/i],
    ['a create with a prev', { ...create, prev: operationHash(create) }, /a create has prev null/],
    ['an update without prev', { ...update, prev: null }, /names the hash of the previous/],
    ['a deactivate with a document', { ...deactivate, document }, /carries no document/],
    ['a bad region', { ...create, home: 'EU' }, /\/home/],
    ['a repeated rotation key', { ...create, rotationKeys: [edDidKey, edDidKey] }, /distinct/],
    ['a rotation key that is not a did:key', { ...create, rotationKeys: ['did:key:zNope'] }, /rotationKeys\/0/],
    ['an absolute method id', { ...create, document: { ...document, verificationMethod: [{ ...document.verificationMethod[0], id: 'did:x#key-1' }] } }, /relative id/],
    ['a dangling reference', { ...create, document: { ...document, assertionMethod: ['#key-9'] } }, /#key-9 is not a verification method/],
    ['a private JWK', { ...create, document: { ...document, verificationMethod: [{ ...document.verificationMethod[0], publicKeyJwk: { ...jwkOf(edKey), d: 'x' } }] } }, /private member/],
    ['an oversized document', { ...create, document: { ...document, service: Array.from({ length: 30 }, (_, i) => ({ id: `#s${i}`, type: 'X', serviceEndpoint: `https://${'a'.repeat(600)}.example` })) } }, /16 KiB/],
  ])('refuse %s', (_, input, message) => {
    expect(() => parseOperation(input)).toThrow(InvalidOperationError);
    expect(() => parseOperation(input)).toThrow(message);
  });
});

describe('folding a chain', () => {
  const chain = [item(create, 0), item(update, 1), item(deactivate, 2)];

  it('gives each version, by id and by time', () => {
    const did = deriveDid(create);
    const v1 = foldChain(chain, { versionId: 1 });
    expect(v1.document).toMatchObject({ id: did, verificationMethod: [{ id: `${did}#key-1`, controller: did }], assertionMethod: [`${did}#key-1`] });
    expect(v1.metadata).toEqual({ created: at(0).toISOString(), versionId: '1', nextVersionId: '2' });
    expect(foldChain(chain, { versionTime: new Date(at(1).getTime() + 1000) }).metadata.versionId).toBe('2');
    const last = foldChain(chain);
    expect(last.deactivated).toBe(true);
    expect(last.metadata).toMatchObject({ deactivated: true, versionId: '3', updated: at(2).toISOString() });
    expect((last.document as { service: unknown[] }).service).toHaveLength(1);
    expect(() => foldChain(chain, { versionId: 4 })).toThrow(NotFoundError);
    expect(() => foldChain(chain, { versionTime: new Date(at(0).getTime() - 1) })).toThrow(NotFoundError);
  });

  it('refuses a wrong or reused prev, a foreign signer, a changed home and anything after deactivate', () => {
    const state = foldChain([item(create, 0)]);
    const wrongPrev = signed({ type: 'update', prev: operationHash(update), home: 'eu', rotationKeys: [edDidKey], document }, edKey);
    expect(() => validateNextOperation(state, wrongPrev)).toThrow(/is not the hash of the latest operation/);
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const foreign = signed({ type: 'update', prev: operationHash(create), home: 'eu', rotationKeys: [edDidKey], document }, stranger);
    expect(() => validateNextOperation(state, foreign)).toThrow(InvalidSignatureError);
    const moved = signed({ type: 'update', prev: operationHash(create), home: 'ap', rotationKeys: [edDidKey], document }, edKey);
    expect(() => validateNextOperation(state, moved)).toThrow(/cannot change to ap/);
    const afterUpdate = foldChain([item(create, 0), item(update, 1)]);
    // the update rotated to the P-256 key: the Ed25519 key no longer signs
    const byOldKey = signed({ type: 'deactivate', prev: operationHash(update), home: 'eu', rotationKeys: [edDidKey] }, edKey);
    expect(() => validateNextOperation(afterUpdate, byOldKey)).toThrow(InvalidSignatureError);
    const more = signed({ type: 'update', prev: operationHash(deactivate), home: 'eu', rotationKeys: [p256DidKeyValue], document }, p256.privateKey);
    expect(() => foldChain([...chain, item(more, 3)])).toThrow(/deactivated/);
  });

  it('random valid chains fold, and flipping any signature byte breaks them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(), fc.nat(), (length, pick, at8) => {
        const keys = Array.from({ length: length + 1 }, (_, i) => (i % 2 ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')));
        const didKeys = keys.map((k) => didKeyFromPublicKey(k.publicKey));
        const ops: DidOperation[] = [signed({ type: 'create', prev: null, home: 'eu', rotationKeys: [didKeys[0]!], document }, keys[0]!.privateKey)];
        for (let i = 1; i < length; i++) {
          ops.push(signed({ type: 'update', prev: operationHash(ops[i - 1]!), home: 'eu', rotationKeys: [didKeys[i]!], document }, keys[i - 1]!.privateKey));
        }
        const items = ops.map((op, i) => item(op, i));
        expect(foldChain(items).version).toBe(length);
        const victim = pick % length;
        const sig = Buffer.from(ops[victim]!.sig, 'base64url');
        sig[at8 % 64]! ^= 1 << at8 % 8;
        const broken = items.map((it, i) => (i === victim ? { ...it, operation: { ...it.operation, sig: sig.toString('base64url') } } : it));
        expect(() => foldChain(broken)).toThrow();
      }),
      { numRuns: 60 },
    );
  });
});
