import { describe, expect, it } from 'vitest';
import { issuerId, typesOfVct } from './vcdm.js';

describe('issuerId', () => {
  it('reads a URL or an object id, and gives no issuer for any other shape', () => {
    expect(issuerId({ issuer: 'did:example:1' })).toBe('did:example:1');
    expect(issuerId({ issuer: { id: 'did:example:1', name: 'x' } })).toBe('did:example:1');
    for (const issuer of [undefined, null, 7, [], {}, { id: 7 }, { id: { toString: 'x' } }]) expect(issuerId({ issuer })).toBe('');
    expect(issuerId({})).toBe('');
  });
});

describe('typesOfVct', () => {
  it('does not throw on a default-form vct that is not percent-encoding', () => {
    expect(typesOfVct('https://eu.example/vct/%E0%A4%A')).toEqual(['https://eu.example/vct/%E0%A4%A']);
    expect(typesOfVct('https://eu.example/vct/Degree%20Credential')).toEqual(['https://eu.example/vct/Degree%20Credential', 'Degree Credential']);
  });
});
