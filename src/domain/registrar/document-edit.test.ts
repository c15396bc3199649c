import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { editDocument, type EditableDocument } from './document-edit.js';

const did = 'did:isthmus:aaaaaaaaaaaaaaaaaaaaaaaa';
const key1 = { id: '#key-1', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x1' } };
const key2 = { id: '#key-2', type: 'JsonWebKey', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x2' } };
const current: EditableDocument = { verificationMethod: [key1], authentication: ['#key-1'], assertionMethod: ['#key-1'], service: [] };

describe('editDocument', () => {
  it('adds a method given with an absolute id, as a relative one', () => {
    const next = editDocument(did, current, ['addToDidDocument'], [{ verificationMethod: [{ ...key2, id: `${did}#key-2` }], assertionMethod: [`${did}#key-2`] }]);
    expect(next.verificationMethod).toEqual([key1, key2]);
    expect(next.assertionMethod).toEqual(['#key-1', '#key-2']);
    expect(current.verificationMethod).toEqual([key1]); // argument untouched
  });

  it('removes a method and every reference to it', () => {
    const withTwo = editDocument(did, current, ['addToDidDocument'], [{ verificationMethod: [key2], authentication: ['#key-2'] }]);
    const next = editDocument(did, withTwo, ['removeFromDidDocument'], [{ verificationMethod: [{ id: '#key-1' }] }]);
    expect(next.verificationMethod).toEqual([key2]);
    expect(next.authentication).toEqual(['#key-2']);
    expect(next.assertionMethod).toEqual([]);
  });

  it('replaces the document with setDidDocument', () => {
    expect(editDocument(did, current, ['setDidDocument'], [{ verificationMethod: [key2], assertionMethod: ['#key-2'] }])).toEqual({
      verificationMethod: [key2],
      assertionMethod: ['#key-2'],
    });
  });

  it.each([
    [['addToDidDocument'], [{ verificationMethod: [key1] }], /already has #key-1/],
    [['removeFromDidDocument'], [{ service: [{ id: '#nope' }] }], /no #nope to remove/],
    [['setDidDocument'], [{ alsoKnownAs: ['x'] }], /cannot carry: alsoKnownAs/],
    [['setDidDocument'], [{ id: 'did:isthmus:bbbbbbbbbbbbbbbbbbbbbbbb' }], /must be did:isthmus:a/],
    [['setDidDocument', 'addToDidDocument'], [{}], /has 2 entries but didDocument has 1/],
  ] as const)('refuses %j', (operations, documents, message) => {
    expect(() => editDocument(did, current, operations, documents as never)).toThrow(InvalidInputError);
    expect(() => editDocument(did, current, operations, documents as never)).toThrow(message);
  });

  it('refuses methods and services that are not objects with a string id, and relationships that are neither ids nor methods', () => {
    for (const change of [{ service: [null] }, { service: ['#hub'] }, { verificationMethod: [{ id: 7 }] }, { verificationMethod: [[]] }, { authentication: [null] }, { assertionMethod: [7] }]) {
      for (const operation of ['setDidDocument', 'addToDidDocument', 'removeFromDidDocument'] as const) {
        expect(() => editDocument(did, current, [operation], [change]), JSON.stringify(change)).toThrow(InvalidInputError);
      }
    }
  });
});
