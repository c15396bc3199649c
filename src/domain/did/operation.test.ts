import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isthmusDid, operationRef } from '../../../test/support/independent.js';
import { InvalidKeyError, InvalidOperationError, InvalidSignatureError } from '../errors.js';
import { isLowS, mirrorS } from '../keys/ecdsa.js';
import { canonicalBytes } from '../ledger/jcs.js';
import { didKeyFromPublicKey } from './keys.js';
import {
  deriveDid,
  MAX_OPERATION_BYTES,
  operationHash,
  operationSigningBytes,
  parseOperation,
  plainOperation,
  requireSignatureBy,
  signOperation,
  signOperationWithKey,
  verifyOperationSignature,
  zodOperation,
  type DidOperation,
  type OperationDocument,
  type UnsignedOperation,
} from './operation.js';
import { edKey, p256Key } from '../../../test/support/did-fixtures.js';
import { bls12381G2Multikey } from './keys.js';

const edDid = didKeyFromPublicKey(edKey);
const p256Did = didKeyFromPublicKey(p256Key);
const edX = (edKey.export({ format: 'jwk' }) as { x: string }).x;

const document: OperationDocument = {
  verificationMethod: [
    { id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: edX } },
    { id: '#key-2', type: 'Multikey', publicKeyMultibase: p256Did.slice(8) },
  ],
  authentication: ['#key-1'],
  assertionMethod: ['#key-1', '#key-2'],
  service: [{ id: '#hub', type: 'LinkedDomains', serviceEndpoint: 'https://hub.example' }],
};
const unsignedCreate: UnsignedOperation = { type: 'create', prev: null, home: 'eu', rotationKeys: [edDid, p256Did], document };
const create = signOperationWithKey(unsignedCreate, edKey);
const update = signOperationWithKey({ type: 'update', prev: operationHash(create), home: 'eu', rotationKeys: [p256Did], document }, p256Key);
const deactivate = signOperationWithKey({ type: 'deactivate', prev: operationHash(update), home: 'eu', rotationKeys: [p256Did] }, p256Key);
const vm = document.verificationMethod[0]!;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// The last of 86 characters carries 2 bits of the signature and 4 that must be zero.
const nonCanonical = (sig: string) => `${sig.slice(0, 85)}${B64URL[B64URL.indexOf(sig[85]!) | 1]}`;
const withDocument = (patch: Partial<OperationDocument>) => ({ ...create, document: { ...document, ...patch } });

describe('signing and verifying', () => {
  it('round-trips Ed25519 (deterministic) and P-256 (ES256, r‖s) signatures', () => {
    expect(Buffer.from(create.sig, 'base64url')).toHaveLength(64);
    expect(signOperationWithKey(unsignedCreate, edKey)).toEqual(create);
    expect(verifyOperationSignature(create, edDid)).toBe(true);
    expect(verifyOperationSignature(create, p256Did)).toBe(false);
    expect(verifyOperationSignature(update, p256Did)).toBe(true);
    expect(verifyOperationSignature(update, edDid)).toBe(false);
    expect(verifyOperationSignature(deactivate, p256Did)).toBe(true);
  });

  it('refuses the high-S twin of a valid P-256 operation: one operation, one hash, one DID', () => {
    const p256Create = signOperationWithKey({ type: 'create', prev: null, home: 'eu', rotationKeys: [p256Did], document }, p256Key);
    for (const op of [p256Create, update, deactivate]) {
      expect(isLowS(Buffer.from(op.sig, 'base64url'))).toBe(true);
      const twin = { ...op, sig: mirrorS(Buffer.from(op.sig, 'base64url')).toString('base64url') };
      // plain ECDSA accepts the twin, and it would hash (and derive) differently
      expect(verify('sha256', operationSigningBytes(twin), { key: createPublicKey(p256Key), dsaEncoding: 'ieee-p1363' }, Buffer.from(twin.sig, 'base64url'))).toBe(true);
      expect(operationHash(twin)).not.toBe(operationHash(op));
      expect(verifyOperationSignature(parseOperation(twin), p256Did)).toBe(false);
      expect(() => requireSignatureBy(twin, [p256Did], 'the DID')).toThrow(/low-S/);
    }
    expect(deriveDid({ ...p256Create, sig: mirrorS(Buffer.from(p256Create.sig, 'base64url')).toString('base64url') })).not.toBe(deriveDid(p256Create));
  });

  it('emits low-S from any ES256 signer, even one that returns high-S', async () => {
    for (let i = 0; i < 50; i++) {
      const highS = await signOperation(unsignedCreate, { alg: 'ES256', sign: (data) => {
        const raw = sign('sha256', data, { key: p256Key, dsaEncoding: 'ieee-p1363' });
        return isLowS(raw) ? mirrorS(raw) : raw;
      } });
      expect(isLowS(Buffer.from(highS.sig, 'base64url'))).toBe(true);
      expect(verifyOperationSignature(highS, p256Did)).toBe(true);
      expect(isLowS(Buffer.from(signOperationWithKey(unsignedCreate, p256Key).sig, 'base64url'))).toBe(true);
    }
  });

  it('signs through an external signer (a KMS or wallet), async or not', async () => {
    const viaSigner = await signOperation(unsignedCreate, { alg: 'EdDSA', sign: (data) => sign(null, data, edKey) });
    expect(viaSigner).toEqual(create);
    const es = await signOperation(unsignedCreate, { alg: 'ES256', sign: async (data) => sign('sha256', data, { key: p256Key, dsaEncoding: 'ieee-p1363' }) });
    expect(verifyOperationSignature(es, p256Did)).toBe(true);
  });

  it('refuses DER ES256 signatures, public and foreign keys, and replaces an existing sig', async () => {
    await expect(signOperation(unsignedCreate, { alg: 'ES256', sign: (data) => sign('sha256', data, p256Key) })).rejects.toThrow(/64 bytes.*not DER/);
    expect(() => signOperationWithKey(unsignedCreate, generateKeyPairSync('ed25519').publicKey)).toThrow(InvalidKeyError);
    expect(() => signOperationWithKey(unsignedCreate, generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey)).toThrow(/secp256k1/);
    expect(signOperationWithKey({ ...unsignedCreate, sig: 'x' } as UnsignedOperation, edKey)).toEqual(create);
  });

  it('requireSignatureBy names whose key was expected', () => {
    expect(() => requireSignatureBy(update, [edDid], 'did:isthmus:x')).toThrow(InvalidSignatureError);
    expect(() => requireSignatureBy(update, [edDid], 'did:isthmus:x')).toThrow(/not signed by a rotation key of did:isthmus:x/);
    expect(() => requireSignatureBy(update, [edDid, p256Did], 'x')).not.toThrow();
  });

  it('signs the JCS of the operation without sig, whatever the member order', () => {
    const shuffled = { sig: create.sig, document: create.document, type: 'create', rotationKeys: create.rotationKeys, home: 'eu', prev: null };
    expect(operationSigningBytes(shuffled as typeof create)).toEqual(operationSigningBytes(unsignedCreate));
    expect(verifyOperationSignature(parseOperation(shuffled), edDid)).toBe(true);
  });

  it('does not change its arguments', () => {
    const input = structuredClone(unsignedCreate);
    signOperationWithKey(input, edKey);
    parseOperation(structuredClone(create));
    expect(input).toEqual(unsignedCreate);
  });
});

describe('hash and DID derivation', () => {
  it('match an independent implementation of the spec', () => {
    expect(operationHash(create)).toBe(operationRef(create));
    expect(operationHash(create)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(deriveDid(create)).toBe(isthmusDid(create));
    expect(deriveDid(create)).toMatch(/^did:isthmus:[a-z2-7]{24}$/);
  });

  it('only a create derives a DID', () => {
    expect(() => deriveDid(update)).toThrow(InvalidOperationError);
  });
});

describe('parseOperation', () => {
  it('accepts the three types and round-trips through JSON', () => {
    for (const op of [create, update, deactivate]) expect(parseOperation(JSON.parse(JSON.stringify(op)))).toEqual(op);
  });

  const bigService = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `#s${i}`, type: 'X', serviceEndpoint: `https://${'a'.repeat(500)}.example` }));
  const methods = (n: number) => Array.from({ length: n }, (_, i) => ({ ...vm, id: `#k${i}` }));

  it.each<[string, unknown, RegExp]>([
    ['a non-object', 'create', /expected object/i],
    ['an unknown top-level field', { ...create, extra: 1 }, /Unrecognized key.*extra/],
    ['an unknown document field', withDocument({ controller: 'did:x:y' } as Partial<OperationDocument>), /\/document.*controller/],
    ['an unknown method field', withDocument({ verificationMethod: [{ ...vm, controller: 'did:x:y' } as typeof vm] }), /verificationMethod\/0.*controller/],
    ['an unknown type', { ...create, type: 'recover' }, /\/type/],
    ['a create with a prev', { ...create, prev: operationHash(create) }, /a create has prev null/],
    ['an update without prev', { ...update, prev: null }, /an update names the hash of the previous operation/],
    ['a prev that is not a 43-char base64url hash', { ...update, prev: 'abc' }, /\/prev: must be the base64url SHA-256/],
    ['a deactivate with a document', { ...deactivate, document }, /a deactivate carries no document/],
    ['an update without a document', { ...update, document: undefined }, /an update carries the DID document/],
    ['an upper-case region', { ...create, home: 'EU' }, /\/home: must be a region id/],
    ['a region id of 33 characters', { ...create, home: `a${'b'.repeat(32)}` }, /\/home/],
    ['no rotation keys', { ...create, rotationKeys: [] }, /at least one rotation key/],
    ['nine rotation keys', { ...create, rotationKeys: Array.from({ length: 9 }, () => didKeyFromPublicKey(generateKeyPairSync('ed25519').publicKey)) }, /\/rotationKeys/],
    ['a repeated rotation key', { ...create, rotationKeys: [edDid, edDid] }, /keys must be distinct/],
    ['a rotation key that is not a did:key', { ...create, rotationKeys: ['did:web:example.com'] }, /\/rotationKeys\/0: must be a did:key/],
    ['a rotation key that does not decode', { ...create, rotationKeys: ['did:key:zNope'] }, /\/rotationKeys\/0:/],
    ['a secp256k1 rotation key', { ...create, rotationKeys: ['did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme'] }, /\/rotationKeys\/0: publicKeyMultibase must be an Ed25519/],
    ['a sig of the wrong length', { ...create, sig: 'AAAA' }, /\/sig: must be a 64-byte \(EdDSA, ES256\) or 96-byte \(ES384\) signature/],
    ['a non-canonical sig encoding', { ...create, sig: nonCanonical(create.sig) }, /\/sig: not the canonical base64url/],
    ['no verification method', withDocument({ verificationMethod: [] }), /at least one verification method/],
    ['33 verification methods', withDocument({ verificationMethod: methods(33) }), /\/document\/verificationMethod/],
    ['an absolute method id', withDocument({ verificationMethod: [{ ...vm, id: 'did:x:y#key-1' }] }), /relative id like #key-1/],
    ['a method id with a space', withDocument({ verificationMethod: [{ ...vm, id: '#key 1' }] }), /relative id/],
    ['a duplicate method id', withDocument({ verificationMethod: [vm, vm] }), /verificationMethod\/1\/id: #key-1 appears twice/],
    ['an unknown method type', withDocument({ verificationMethod: [{ ...vm, type: 'JsonWebKey2020' as 'JsonWebKey' }] }), /\/type/],
    ['a JsonWebKey method without publicKeyJwk', withDocument({ verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyMultibase: 'z6Mk' }] }), /JsonWebKey method has publicKeyJwk only/],
    ['a Multikey method without publicKeyMultibase', withDocument({ verificationMethod: [{ ...vm, type: 'Multikey' }] }), /Multikey method has publicKeyMultibase only/],
    ['a private JWK', withDocument({ verificationMethod: [{ ...vm, publicKeyJwk: { ...vm.publicKeyJwk, d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A' } }] }), /verificationMethod\/0: publicKeyJwk must not contain the private member "d"/],
    ['a JWK point off the curve', withDocument({ verificationMethod: [{ ...vm, publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: Buffer.alloc(32, 0xff).toString('base64url') } }] }), /verificationMethod\/0: publicKeyJwk.x is not an Ed25519 public key/],
    ['a dangling relationship', withDocument({ assertionMethod: ['#key-9'] }), /assertionMethod\/0: #key-9 is not a verification method of the document/],
    ['an absolute relationship reference', withDocument({ authentication: ['did:x:y#key-1'] }), /\/document\/authentication\/0/],
    ['an embedded method in a relationship', withDocument({ authentication: [vm as unknown as string] }), /\/document\/authentication\/0/],
    ['a relationship listing a method twice', withDocument({ authentication: ['#key-1', '#key-1'] }), /authentication\/1: #key-1 is listed twice/],
    ['a service id that is a method id', withDocument({ service: [{ id: '#key-1', type: 'X', serviceEndpoint: 'https://x.example' }] }), /service\/0\/id: #key-1 appears twice/],
    ['a service endpoint that is not a URL', withDocument({ service: [{ id: '#s', type: 'X', serviceEndpoint: 'not a url' }] }), /serviceEndpoint/],
    ['a service without a type', withDocument({ service: [{ id: '#s', serviceEndpoint: 'https://x.example' } as never] }), /service\/0\/type/],
    ['33 services', withDocument({ service: Array.from({ length: 33 }, (_, i) => ({ id: `#s${i}`, type: 'X', serviceEndpoint: 'https://x.example' })) }), /\/document\/service/],
    ['an operation over 16 KiB', withDocument({ service: bigService(31) }), /bytes; at most 16384 bytes \(16 KiB\)/],
  ])('refuses %s', (_, input, message) => {
    expect(() => parseOperation(input)).toThrow(InvalidOperationError);
    expect(() => parseOperation(input)).toThrow(message);
  });

  it('accepts an operation of exactly the size limit and service endpoints as objects and lists', () => {
    const endpoints = withDocument({ service: [{ id: '#s', type: ['A', 'B'], serviceEndpoint: [{ origins: ['https://a.example'] }, 'https://b.example'] }] });
    expect(parseOperation(endpoints).document!.service![0]!.type).toEqual(['A', 'B']);
    const base = withDocument({ service: [{ id: '#s', type: 'X', serviceEndpoint: { note: '' } }] });
    const room = MAX_OPERATION_BYTES - canonicalBytes(base).length;
    const exact = withDocument({ service: [{ id: '#s', type: 'X', serviceEndpoint: { note: 'a'.repeat(room) } }] });
    expect(canonicalBytes(exact)).toHaveLength(MAX_OPERATION_BYTES);
    expect(() => parseOperation(exact)).not.toThrow();
    const over = withDocument({ service: [{ id: '#s', type: 'X', serviceEndpoint: { note: 'a'.repeat(room + 1) } }] });
    expect(() => parseOperation(over)).toThrow(/16385 bytes/);
  });
});

describe('P-384 rotation keys (ES384): self-signed operations', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const p384Did = didKeyFromPublicKey(privateKey);
  const unsigned = { type: 'create' as const, prev: null, home: 'eu', rotationKeys: [p384Did], document };

  it('signs 96-byte low-S SHA-384 signatures that verify with that key only, and refuses the high-S twin', () => {
    for (let i = 0; i < 20; i++) {
      const op = signOperationWithKey(unsigned, privateKey);
      const sig = Buffer.from(op.sig, 'base64url');
      expect(sig.length).toBe(96);
      expect(isLowS(sig)).toBe(true);
      expect(verify('sha384', operationSigningBytes(op), { key: createPublicKey(privateKey), dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
      expect(verifyOperationSignature(op, p384Did)).toBe(true);
      expect(verifyOperationSignature(op, didKeyFromPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey))).toBe(false);
      const twin = parseOperation({ ...op, sig: mirrorS(sig).toString('base64url') });
      expect(verifyOperationSignature(twin, p384Did)).toBe(false);
      expect(() => requireSignatureBy(twin, [p384Did], 'the DID')).toThrow(/low-S/);
    }
  });

  it('emits low-S from an ES384 signer that returns high-S, and refuses a signer of the wrong length', async () => {
    const highS = await signOperation(unsigned, { alg: 'ES384', sign: (data) => {
      const raw = sign('sha384', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return isLowS(raw) ? mirrorS(raw) : raw;
    } });
    expect(isLowS(Buffer.from(highS.sig, 'base64url'))).toBe(true);
    expect(verifyOperationSignature(highS, p384Did)).toBe(true);
    await expect(signOperation(unsigned, { alg: 'ES384', sign: () => new Uint8Array(64) })).rejects.toThrow(/ES384 signature is 96 bytes/);
  });

  it('does not accept a 64-byte signature for a P-384 key, nor a 96-byte one for a P-256 key', () => {
    const op = signOperationWithKey(unsigned, privateKey);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const p256Op = signOperationWithKey({ ...unsigned, rotationKeys: [didKeyFromPublicKey(p256)] }, p256);
    expect(verifyOperationSignature({ ...p256Op, rotationKeys: [p384Did] }, p384Did)).toBe(false);
    expect(verifyOperationSignature({ ...op, rotationKeys: [didKeyFromPublicKey(p256)] }, didKeyFromPublicKey(p256))).toBe(false);
  });
});

describe('BLS12-381 G2 Multikey methods (bbs-2023)', () => {
  it('are accepted as Multikeys and refused when malformed', () => {
    const point = Buffer.alloc(96, 0x22);
    point[0] = 0x93;
    const withBbs = (publicKeyMultibase: string) =>
      signOperationWithKey({ ...unsignedCreate, document: { ...document, verificationMethod: [...document.verificationMethod, { id: '#key-3', type: 'Multikey', publicKeyMultibase }], assertionMethod: ['#key-1', '#key-3'] } }, edKey);
    expect(parseOperation(structuredClone(withBbs(bls12381G2Multikey(point)))).document!.verificationMethod).toHaveLength(3);
    expect(() => parseOperation(structuredClone(withBbs(bls12381G2Multikey(point.subarray(0, 95)))))).toThrow(/verificationMethod\/2: a BLS12-381 G2 Multikey holds a 96-byte compressed point/);
  });
});

describe('the hand-checked shapes against zod', () => {
  const walletCreate = {
    type: 'create',
    prev: null,
    home: 'eu',
    rotationKeys: [edDid],
    document: { verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: edX } }], assertionMethod: ['#key-1'] },
  };
  const signedWalletCreate = signOperationWithKey(walletCreate as UnsignedOperation, edKey);
  const noService = { ...document, service: undefined };
  delete noService.service;
  const bases: unknown[] = [signedWalletCreate, signOperationWithKey({ ...unsignedCreate, document: noService }, edKey), update, deactivate, create].map((op) => JSON.parse(JSON.stringify(op)));
  const odd = (): unknown[] => [undefined, null, 0, 1.5, true, '', 'x', '#key-1', '#key-2', '#k', `#${'a'.repeat(65)}`, 'did:key:z', 'A'.repeat(43), 'A'.repeat(86), 'a'.repeat(201), [], {}, ['#key-1', '#key-1'], [edDid, edDid], JSON.parse('{"__proto__":{"x":1}}'), Object.create(null), new Date(0), [undefined]];
  const oddCount = odd().length;

  /** Every path to a member or item of a JSON value. */
  const pathsOf = (value: unknown, at: (string | number)[] = []): (string | number)[][] => {
    if (typeof value !== 'object' || value === null) return [at];
    const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    return [at, ...children.flatMap(([k, v]) => pathsOf(v, [...at, k]))];
  };
  const mutation = fc.record({ base: fc.nat(bases.length - 1), pick: fc.nat(), how: fc.constantFrom('set', 'delete', 'add'), value: fc.nat(oddCount - 1), key: fc.constantFrom('service', 'id', 'type', 'extra', 'publicKeyMultibase', 'publicKeyJwk', 'authentication', '__proto__', 'x') });
  const mutate = ({ base, pick, how, value: which, key }: { base: number; pick: number; how: string; value: number; key: string }, times: number): unknown => {
    const root = structuredClone(bases[base]) as Record<string, unknown>;
    for (let n = 0; n < times; n++) {
      const paths = pathsOf(root);
      const path = paths[(pick + n * 7919) % paths.length]!;
      if (path.length === 0) continue;
      const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((node, k) => node[k] as Record<string | number, unknown>, root);
      const last = path.at(-1)!;
      const value = odd()[which];
      if (how === 'delete') delete parent[last];
      else if (how === 'set') parent[last] = value;
      else if (typeof parent[last] === 'object' && parent[last] !== null && !Array.isArray(parent[last])) Object.defineProperty(parent[last], key, { value, enumerable: true, writable: true, configurable: true });
    }
    return root;
  };

  it('take every unmutated base without services, and whatever they take, zod takes and builds alike (key order included)', () => {
    for (const base of [bases[0], bases[1], bases[3]]) expect(plainOperation(base)).toEqual(zodOperation(base));
    fc.assert(
      fc.property(mutation, fc.integer({ min: 0, max: 2 }), (m, times) => {
        const input = mutate(m, times);
        const fast = plainOperation(input);
        if (fast === undefined) return;
        const reference = zodOperation(input);
        expect(reference).toBeDefined();
        expect(fast).toEqual(reference);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(reference));
      }),
      { numRuns: 3000 },
    );
  });

  it('parse to operations whose hash and signing bytes are those of the whole JCS', () => {
    fc.assert(
      fc.property(mutation, fc.integer({ min: 0, max: 1 }), (m, times) => {
        let op: DidOperation;
        try {
          op = parseOperation(mutate(m, times));
        } catch {
          return;
        }
        expect(operationHash(op)).toBe(operationRef(JSON.parse(JSON.stringify(op))));
        const { sig: _sig, ...unsigned } = op;
        expect(Buffer.from(operationSigningBytes(op)).toString()).toBe(Buffer.from(canonicalBytes(unsigned)).toString());
      }),
      { numRuns: 1500 },
    );
  });
});
