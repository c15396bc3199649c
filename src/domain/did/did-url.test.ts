import { describe, expect, it } from 'vitest';
import { InvalidDidError } from '../errors.js';
import { isIsthmusDid, parseDid, parseDidUrl } from './did-url.js';

describe('parseDid', () => {
  it.each([
    ['did:isthmus:xmf7szzuhcqfxaxcogwwplgl', 'isthmus', 'xmf7szzuhcqfxaxcogwwplgl'],
    ['did:web:example.com%3A8443', 'web', 'example.com%3A8443'],
    ['did:web:example.com:user:alice', 'web', 'example.com:user:alice'],
    ['did:example::a', 'example', ':a'],
    ['did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw', 'key', 'z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw'],
    ['did:m2:A.b-c_d', 'm2', 'A.b-c_d'],
  ])('parses %s', (did, method, id) => {
    expect(parseDid(did)).toEqual({ did, method, id });
  });

  it.each<[unknown, RegExp]>([
    ['did:Web:x', /method name must be lowercase/],
    ['did:web:', /must not end with ":"/],
    ['did:web:a:', /must not end with ":"/],
    ['did:web', /method name/],
    ['DID:web:x', /does not start with "did:"/],
    ['did:web:a b', /method-specific id/],
    ['did:web:a%2', /method-specific id/],
    ['did:web:a%zz', /method-specific id/],
    ['did:web:a#frag', /method-specific id/],
    ['did:web:a/path', /method-specific id/],
    [`did:web:${'a'.repeat(5000)}`, /at most 4096/],
    [42, /a DID is a string/],
  ])('refuses %s', (value, message) => {
    expect(() => parseDid(value)).toThrow(InvalidDidError);
    expect(() => parseDid(value)).toThrow(message);
  });
});

describe('parseDidUrl', () => {
  it('splits path, query and fragment', () => {
    expect(parseDidUrl('did:isthmus:xmf7szzuhcqfxaxcogwwplgl#key-1')).toEqual({
      did: 'did:isthmus:xmf7szzuhcqfxaxcogwwplgl',
      method: 'isthmus',
      id: 'xmf7szzuhcqfxaxcogwwplgl',
      url: 'did:isthmus:xmf7szzuhcqfxaxcogwwplgl#key-1',
      fragment: 'key-1',
    });
    expect(parseDidUrl('did:web:a.example/p/q?versionId=2#x')).toMatchObject({ did: 'did:web:a.example', path: '/p/q', query: 'versionId=2', fragment: 'x' });
    expect(parseDidUrl('did:web:a.example?versionTime=2026-01-01T00:00:00Z')).toMatchObject({ query: 'versionTime=2026-01-01T00:00:00Z' });
    expect(parseDidUrl('did:web:a.example')).toEqual({ did: 'did:web:a.example', method: 'web', id: 'a.example', url: 'did:web:a.example' });
  });

  it('refuses a bad DID or bad characters', () => {
    expect(() => parseDidUrl('did:Web:a#x')).toThrow(InvalidDidError);
    expect(() => parseDidUrl('did:web:a#x y')).toThrow(/not a DID URL/);
    expect(() => parseDidUrl('did:web:a#x#y')).toThrow(/not a DID URL/);
  });
});

describe('isIsthmusDid', () => {
  it('accepts did:isthmus and 24 characters of lowercase base32 only', () => {
    expect(isIsthmusDid('did:isthmus:xmf7szzuhcqfxaxcogwwplgl')).toBe(true);
    expect(isIsthmusDid('did:isthmus:abcdefghijklmnopqrstuvw1')).toBe(false);
    expect(isIsthmusDid('did:isthmus:XMF7SZZUHCQFXAXCOGWWPLGL')).toBe(false);
    expect(isIsthmusDid('did:isthmus:xmf7szzuhcqfxaxcogwwplg')).toBe(false);
    expect(isIsthmusDid('did:isthmus:xmf7szzuhcqfxaxcogwwplglq')).toBe(false);
    expect(isIsthmusDid('did:isthmus:xmf7szzuhcqfxaxcogwwplgl#key-1')).toBe(false);
  });
});
