import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { edKey, p256Key } from '../../../test/support/did-fixtures.js';
import { jwkThumbprint } from '../keys/thumbprint.js';
import { foldVersions, type ChainItem } from './chain.js';
import { didKeyFromPublicKey } from './keys.js';
import { assertionKeysOf, decideKeyRule, keyVersions, type KeyVersion } from './key-tenure.js';
import { operationHash, signOperationWithKey, type DidOperation, type OperationDocument } from './operation.js';

const jwk = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) => {
  const { kty, crv, x } = key.export({ format: 'jwk' });
  return { kty: kty!, crv: crv!, x: x! };
};
const oldKey = generateKeyPairSync('ed25519').publicKey;
const newKey = generateKeyPairSync('ed25519').publicKey;
const OLD = jwkThumbprint(jwk(oldKey));
const NEW = jwkThumbprint(jwk(newKey));
const version = (v: number, index: number, keys: Record<string, string[]>): KeyVersion => ({ version: v, log: 'eu', index, assertionKeys: new Map(Object.entries(keys)) });

// v1 at eu/10 holds OLD as #key-1; v2 at eu/20 replaces it, under the same id, with NEW.
const rotated = [version(1, 10, { [OLD]: ['#key-1'] }), version(2, 20, { [NEW]: ['#key-1'] })];

describe('which rule lets a key sign', () => {
  it('the current document holding the key decides first, whatever the anchors', () => {
    expect(decideKeyRule(rotated, NEW, [])).toMatchObject({ ok: true, rule: 'current-key', detail: "key is in the issuer's current document (#key-1, version 2)" });
  });

  it('a rotated-out key passes only for what was anchored while it was held', () => {
    expect(decideKeyRule(rotated, OLD, [{ log: 'eu', index: 15 }])).toEqual({
      ok: true,
      rule: 'anchored-before-removal',
      detail: 'key left the document at version 2 (log eu index 20); credential anchored at log eu index 15 before that',
    });
    for (const anchors of [[], [{ log: 'eu', index: 25 }], [{ log: 'eu', index: 5 }], [{ log: 'ap', index: 15 }]]) {
      const verdict = decideKeyRule(rotated, OLD, anchors);
      expect(verdict).toMatchObject({ ok: false, rule: 'key-removed' });
      expect(verdict.detail).toMatch(/left the document at version 2 \(log eu index 20\)/);
    }
  });

  it('a key removed, re-added and removed again counts each stretch it was held', () => {
    const versions = [version(1, 10, { [OLD]: ['#k'] }), version(2, 20, { [NEW]: ['#n'] }), version(3, 30, { [OLD]: ['#k'], [NEW]: ['#n'] }), version(4, 40, { [NEW]: ['#n'] })];
    expect(decideKeyRule(versions, OLD, [{ log: 'eu', index: 12 }])).toMatchObject({ ok: true, detail: expect.stringMatching(/version 2 .*index 12/) });
    expect(decideKeyRule(versions, OLD, [{ log: 'eu', index: 35 }])).toMatchObject({ ok: true, detail: expect.stringMatching(/version 4 .*index 35/) });
    expect(decideKeyRule(versions, OLD, [{ log: 'eu', index: 25 }])).toMatchObject({ ok: false, detail: expect.stringMatching(/version 4/) });
    expect(decideKeyRule(versions, 'never-held', [{ log: 'eu', index: 25 }])).toMatchObject({ ok: false, rule: 'key-removed' });
  });

  it('names keys by material: the same key under a new id stays current; a new key under the old id does not inherit', () => {
    const edX = (edKey.export({ format: 'jwk' }) as { x: string }).x;
    const p256 = didKeyFromPublicKey(p256Key).slice(8);
    const v1: OperationDocument = { verificationMethod: [{ id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: edX } }], assertionMethod: ['#key-1'] };
    const v2: OperationDocument = { verificationMethod: [{ id: '#key-9', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: edX } }, { id: '#key-1', type: 'Multikey', publicKeyMultibase: p256 }], assertionMethod: ['#key-9', '#key-1'] };
    const rotation = didKeyFromPublicKey(edKey);
    const ops: DidOperation[] = [signOperationWithKey({ type: 'create', prev: null, home: 'eu', rotationKeys: [rotation], document: v1 }, edKey)];
    ops.push(signOperationWithKey({ type: 'update', prev: operationHash(ops[0]!), home: 'eu', rotationKeys: [rotation], document: v2 }, edKey));
    const items: ChainItem[] = ops.map((operation, i) => ({ operation, time: new Date(Date.UTC(2026, 0, 1 + i)), log: 'eu', index: 3 + i * 4 }));
    const versions = keyVersions(foldVersions(items), items);
    expect(versions.map((v) => [v.version, v.index])).toEqual([[1, 3], [2, 7]]);
    const ed = jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: edX });
    expect(assertionKeysOf(v2).get(ed)).toEqual(['#key-9']);
    expect(decideKeyRule(versions, ed, [])).toMatchObject({ ok: true, rule: 'current-key', detail: expect.stringContaining('#key-9') });
    expect([...versions[1]!.assertionKeys.keys()]).toHaveLength(2);
  });
});
