import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOperationError, InvalidSignatureError, NotFoundError } from '../errors.js';
import { canonicalJson } from '../ledger/jcs.js';
import { foldChain, foldVersions, selectVersion, validateNextOperation, versionTimeInstant, type ChainItem } from './chain.js';
import { didKeyFromPublicKey } from './keys.js';
import { deriveDid, operationHash, operationSigningBytes, parseOperation, signOperationWithKey, verifyOperationSignature, type DidOperation, type OperationDocument } from './operation.js';
import { ED25519_TEST_SEED_HEX, edKey, p256Key } from '../../../test/support/did-fixtures.js';

const edDid = didKeyFromPublicKey(edKey);
const p256Did = didKeyFromPublicKey(p256Key);
const document: OperationDocument = {
  verificationMethod: [{ id: '#key-1', type: 'Multikey', publicKeyMultibase: edDid.slice(8) }],
  authentication: ['#key-1'],
  assertionMethod: ['#key-1'],
};
const withService: OperationDocument = { ...document, service: [{ id: '#hub', type: 'LinkedDomains', serviceEndpoint: 'https://hub.example' }] };

const create = signOperationWithKey({ type: 'create', prev: null, home: 'eu', rotationKeys: [edDid], document }, edKey);
// rotates to the P-256 key: from here on only it signs
const update = signOperationWithKey({ type: 'update', prev: operationHash(create), home: 'eu', rotationKeys: [p256Did], document: withService }, edKey);
const deactivate = signOperationWithKey({ type: 'deactivate', prev: operationHash(update), home: 'eu', rotationKeys: [p256Did] }, p256Key);
const did = deriveDid(create);
const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 12, minute));
const item = (operation: DidOperation, i: number, log = 'eu'): ChainItem => ({ operation, time: at(i * 10), log, index: 5 + i * 3 });
const chain = [item(create, 0), item(update, 1), item(deactivate, 2)];

describe('foldChain', () => {
  it('renders the latest document with absolute ids and the DID as controller', () => {
    const state = foldChain(chain.slice(0, 2));
    expect(state.did).toBe(did);
    expect(state.document).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [{ id: `${did}#key-1`, type: 'Multikey', controller: did, publicKeyMultibase: edDid.slice(8) }],
      authentication: [`${did}#key-1`],
      assertionMethod: [`${did}#key-1`],
      service: [{ id: `${did}#hub`, type: 'LinkedDomains', serviceEndpoint: 'https://hub.example' }],
    });
    expect(state.metadata).toEqual({ created: '2026-11-23T12:00:00Z', updated: '2026-11-23T12:10:00Z', versionId: '2' });
    expect(state.rotationKeys).toEqual([p256Did]);
    expect(state.lastOperationHash).toBe(operationHash(update));
    expect(state.operationDocument).toEqual(withService);
  });

  it('adds the JsonWebKey context only when a JsonWebKey method is present', () => {
    const jwkDoc: OperationDocument = { verificationMethod: [{ id: '#j', type: 'JsonWebKey', publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns', y: 'efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM' } }] };
    const op = signOperationWithKey({ type: 'create', prev: null, home: 'eu', rotationKeys: [edDid], document: jwkDoc }, edKey);
    expect(foldChain([item(op, 0)]).document['@context']).toEqual(['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1']);
  });

  it('selects versions by versionId and versionTime', () => {
    const v1 = foldChain(chain, { versionId: 1 });
    expect(v1.metadata).toEqual({ created: '2026-11-23T12:00:00Z', versionId: '1', nextVersionId: '2' });
    expect(v1.document).not.toHaveProperty('service');
    expect(foldChain(chain, { versionId: 2 }).metadata).toEqual({ created: '2026-11-23T12:00:00Z', updated: '2026-11-23T12:10:00Z', versionId: '2', nextVersionId: '3' });
    expect(foldChain(chain, { versionTime: at(0) }).version).toBe(1);
    expect(foldChain(chain, { versionTime: at(9) }).version).toBe(1);
    expect(foldChain(chain, { versionTime: at(10) }).version).toBe(2);
    expect(foldChain(chain, { versionTime: at(10_000) }).version).toBe(3);
    expect(foldChain(chain, { versionId: 2, versionTime: at(15) }).version).toBe(2);
  });

  it('writes created and updated in UTC without fractional seconds; a whole-second versionTime covers its second', () => {
    const ms = (minute: number, millis: number) => new Date(at(minute).getTime() + millis);
    const precise = chain.map((entry, i) => ({ ...entry, time: ms(i * 10, 250 + i) }));
    expect(foldChain(precise, { versionId: 2 }).metadata).toEqual({ created: '2026-11-23T12:00:00Z', updated: '2026-11-23T12:10:00Z', versionId: '2', nextVersionId: '3' });
    // resolving at the shown `updated` gives that version, though its ledger time is 12:10:00.251
    expect(foldChain(precise, { versionTime: versionTimeInstant('2026-11-23T12:10:00Z') }).version).toBe(2);
    expect(foldChain(precise, { versionTime: versionTimeInstant('2026-11-23T12:00:00Z') }).version).toBe(1);
    expect(foldChain(precise, { versionTime: versionTimeInstant('2026-11-23T13:10:00+01:00') }).version).toBe(2);
    // a fraction is taken to the millisecond (the credential verifier's signing times)
    expect(foldChain(precise, { versionTime: versionTimeInstant('2026-11-23T12:10:00.250Z') }).version).toBe(1);
    expect(foldChain(precise, { versionTime: versionTimeInstant('2026-11-23T12:10:00.251Z') }).version).toBe(2);
    expect(() => foldChain(precise, { versionTime: versionTimeInstant('2026-11-23T11:59:59Z') })).toThrow(NotFoundError);
    expect(Number.isNaN(versionTimeInstant('yesterday').getTime())).toBe(true);
  });

  it('resolves a deactivated DID with its last document and deactivated: true', () => {
    const last = foldChain(chain);
    expect(last.deactivated).toBe(true);
    expect(last.metadata).toEqual({ created: '2026-11-23T12:00:00Z', updated: '2026-11-23T12:20:00Z', versionId: '3', deactivated: true });
    expect(last.document).toEqual(foldChain(chain, { versionId: 2 }).document);
  });

  it.each<[string, { versionId?: number; versionTime?: Date }, RegExp]>([
    ['versionId 0', { versionId: 0 }, /versionId 0 does not exist: the DID has versions 1 to 3/],
    ['versionId 4', { versionId: 4 }, /versionId 4 does not exist/],
    ['a fractional versionId', { versionId: 1.5 }, /versionId 1.5 does not exist/],
    ['a time before the create', { versionTime: new Date(at(0).getTime() - 1) }, /did not exist at 2026-11-23T11:59:59.999Z/],
    ['an invalid time', { versionTime: new Date('nope') }, /not a valid instant/],
    ['a versionId and versionTime that disagree', { versionId: 1, versionTime: at(15) }, /select different versions/],
  ])('answers NotFound for %s', (_, selection, message) => {
    expect(() => foldChain(chain, selection)).toThrow(NotFoundError);
    expect(() => foldChain(chain, selection)).toThrow(message);
  });

  it('verifies once and selects many times (foldVersions + selectVersion)', () => {
    const versions = foldVersions(chain);
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(selectVersion(versions, chain, { versionId: 1 })).toEqual(foldChain(chain, { versionId: 1 }));
    expect(() => foldVersions([])).toThrow(NotFoundError);
  });

  it('does not change its arguments', () => {
    const copy = structuredClone(chain);
    foldChain(chain, { versionId: 1 });
    expect(chain).toEqual(copy);
  });
});

describe('chain rules', () => {
  const state1 = foldChain([item(create, 0)]);
  const state2 = foldChain(chain.slice(0, 2));

  it('a chain starts with a create signed by one of its own rotation keys', () => {
    expect(() => foldChain([item(update, 0)])).toThrow(/first operation of a chain must be a create/);
    expect(() => validateNextOperation(null, update)).toThrow(/a chain starts with a create, not update/);
    const selfless = signOperationWithKey({ type: 'create', prev: null, home: 'eu', rotationKeys: [p256Did], document }, edKey);
    expect(() => foldChain([item(selfless, 0)])).toThrow(InvalidSignatureError);
    expect(() => validateNextOperation(null, selfless)).toThrow(/a create is signed by one of its own rotationKeys/);
  });

  it('refuses a second create', () => {
    expect(() => validateNextOperation(state1, create)).toThrow(/already exists: only its first operation is a create/);
  });

  it('refuses a wrong prev, naming the expected hash', () => {
    const wrong = signOperationWithKey({ type: 'update', prev: operationHash(update), home: 'eu', rotationKeys: [edDid], document }, edKey);
    expect(() => validateNextOperation(state1, wrong)).toThrow(InvalidOperationError);
    expect(() => validateNextOperation(state1, wrong)).toThrow(`prev ${operationHash(update)} is not the hash of the latest operation of ${did} (version 1, ${operationHash(create)})`);
    expect(() => foldChain([item(create, 0), item(wrong, 1)])).toThrow(/is not the hash of the latest operation/);
  });

  it('refuses a reused prev (a fork), naming the version it forks from', () => {
    const fork = signOperationWithKey({ type: 'update', prev: operationHash(create), home: 'eu', rotationKeys: [p256Did], document }, edKey);
    expect(() => validateNextOperation(state2, fork)).toThrow(/is not the hash of the latest operation/);
    expect(() => foldChain([item(create, 0), item(update, 1), item(fork, 2)])).toThrow(
      `operation 3 of ${did} reuses prev ${operationHash(create)}: version 1 is already followed by version 2, and a chain cannot fork`,
    );
  });

  it('refuses a signature by a key that is not a rotation key of the previous operation', () => {
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const foreign = signOperationWithKey({ type: 'update', prev: operationHash(create), home: 'eu', rotationKeys: [edDid], document }, stranger);
    expect(() => validateNextOperation(state1, foreign)).toThrow(InvalidSignatureError);
    // after the rotation the old key no longer signs, even though it is a method of the document
    const byOldKey = signOperationWithKey({ type: 'deactivate', prev: operationHash(update), home: 'eu', rotationKeys: [edDid] }, edKey);
    expect(() => validateNextOperation(state2, byOldKey)).toThrow(`the operation is not signed by a rotation key of ${did} (the rotationKeys of its previous operation)`);
    // a new rotation key cannot authorize the operation that introduces it
    const selfAuthorized = signOperationWithKey({ type: 'update', prev: operationHash(create), home: 'eu', rotationKeys: [p256Did], document }, p256Key);
    expect(() => validateNextOperation(state1, selfAuthorized)).toThrow(InvalidSignatureError);
  });

  it('refuses anything after a deactivate', () => {
    const more = signOperationWithKey({ type: 'update', prev: operationHash(deactivate), home: 'eu', rotationKeys: [p256Did], document }, p256Key);
    expect(() => validateNextOperation(foldChain(chain), more)).toThrow(`${did} is deactivated: nothing follows a deactivate`);
    expect(() => foldChain([...chain, item(more, 3)])).toThrow(/deactivated/);
  });

  it('refuses a change of home region, and operations outside the home log or out of order', () => {
    const moved = signOperationWithKey({ type: 'update', prev: operationHash(create), home: 'ap', rotationKeys: [edDid], document }, edKey);
    expect(() => validateNextOperation(state1, moved)).toThrow(`the home region of ${did} is eu; it cannot change to ap`);
    expect(() => foldChain([item(create, 0, 'ap')])).toThrow(/is in log "ap", but its home region is "eu"/);
    expect(() => foldChain([item(create, 0), { ...item(update, 1), index: 5 }])).toThrow(/operation 2 of .* is at index 5, not after operation 1 at index 5/);
  });

  it('random valid chains of Ed25519 and P-256 rotations fold; flipping any signature bit breaks them', () => {
    const pool = Array.from({ length: 8 }, (_, i) => (i % 2 ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')));
    const didKeys = pool.map((k) => didKeyFromPublicKey(k.publicKey));
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.nat({ max: 7 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.nat(),
        fc.nat({ max: 511 }),
        (rotations, end, pick, bit) => {
          const ops: DidOperation[] = [];
          let signers: KeyObject[] = [];
          rotations.forEach((keys, i) => {
            const type = i === 0 ? 'create' : end && i === rotations.length - 1 ? 'deactivate' : 'update';
            const unsigned = { type, prev: i === 0 ? null : operationHash(ops[i - 1]!), home: 'eu', rotationKeys: keys.map((k) => didKeys[k]!), ...(type === 'deactivate' ? {} : { document }) } as const;
            if (i === 0) signers = keys.map((k) => pool[k]!.privateKey);
            ops.push(signOperationWithKey(unsigned, signers[i % signers.length]!));
            signers = keys.map((k) => pool[k]!.privateKey);
          });
          const items = ops.map((op, i) => item(parseOperation(JSON.parse(canonicalJson(op))), i));
          const state = foldChain(items);
          expect(state.version).toBe(ops.length);
          expect(state.did).toBe(deriveDid(ops[0]!));
          const victim = pick % ops.length;
          const sig = Buffer.from(ops[victim]!.sig, 'base64url');
          sig[bit >> 3]! ^= 1 << (bit & 7);
          const broken = items.map((it, i) => (i === victim ? { ...it, operation: { ...it.operation, sig: sig.toString('base64url') } } : it));
          expect(() => foldChain(broken)).toThrow();
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('the rotation golden vector (test/vectors/did/rotation.json)', () => {
  const v = JSON.parse(readFileSync(new URL('../../../test/vectors/did/rotation.json', import.meta.url), 'utf8'));
  const items: ChainItem[] = [v.create, v.update, v.deactivate].map((op: unknown, i: number) => ({ operation: parseOperation(op), time: new Date(v.ledger[i].time), log: v.ledger[i].log, index: v.ledger[i].index }));

  it('reproduces keys, bytes, hashes and the DID', () => {
    expect(didKeyFromPublicKey(createPrivateKey({ key: v.p256PrivateJwk, format: 'jwk' }))).toBe(v.p256DidKey);
    expect(v.ed25519SeedHex).toBe(ED25519_TEST_SEED_HEX);
    expect(v.ed25519DidKey).toBe(edDid);
    const { sig: _sig, ...unsignedCreate } = v.create;
    expect(signOperationWithKey(unsignedCreate, edKey)).toEqual(v.create);
    expect(new TextDecoder().decode(operationSigningBytes(v.create))).toBe(v.createSigningJcs);
    expect(canonicalJson(v.create)).toBe(v.createJcs);
    expect(operationHash(v.create)).toBe(v.createHash);
    expect(deriveDid(v.create)).toBe(v.did);
    expect(new TextDecoder().decode(operationSigningBytes(v.update))).toBe(v.updateSigningJcs);
    expect(operationHash(v.update)).toBe(v.updateHash);
    expect(operationHash(v.deactivate)).toBe(v.deactivateHash);
    expect(v.update.prev).toBe(v.createHash);
    expect(v.deactivate.prev).toBe(v.updateHash);
  });

  it('verifies the ES256 signatures with the P-256 rotation key only', () => {
    expect(verifyOperationSignature(v.update, v.p256DidKey)).toBe(true);
    expect(verifyOperationSignature(v.update, v.ed25519DidKey)).toBe(false);
    expect(verifyOperationSignature(v.deactivate, v.p256DidKey)).toBe(true);
  });

  it('folds into the documented resolution results', () => {
    const v2 = foldChain(items, { versionId: 2 });
    expect({ didDocument: v2.document, didDocumentMetadata: v2.metadata }).toEqual(v.resolved.version2);
    const latest = foldChain(items);
    expect({ didDocument: latest.document, didDocumentMetadata: latest.metadata }).toEqual(v.resolved.latest);
  });
});
