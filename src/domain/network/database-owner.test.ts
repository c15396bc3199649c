import { describe, expect, it } from 'vitest';
import { genesisDigest, ownershipMismatch } from './database-owner.js';

const genesis = { v: 1, network: 'isthmus', regions: [{ id: 'eu', url: 'http://a' }] };

describe('genesisDigest', () => {
  it('depends on the content, not on key order or layout', () => {
    expect(genesisDigest({ regions: [{ url: 'http://a', id: 'eu' }], network: 'isthmus', v: 1 })).toBe(genesisDigest(genesis));
    expect(genesisDigest(genesis)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any field', () => {
    expect(genesisDigest({ ...genesis, regions: [{ id: 'eu', url: 'http://b' }] })).not.toBe(genesisDigest(genesis));
  });
});

describe('ownershipMismatch', () => {
  const eu = { region: 'eu', network: 'isthmus', genesisSha256: 'a'.repeat(64) };

  it('lets the same region of the same genesis (a restart, another replica) in', () => {
    expect(ownershipMismatch(eu, { ...eu })).toBeUndefined();
  });

  it('names the owning region to another region', () => {
    expect(ownershipMismatch(eu, { ...eu, region: 'ap' })).toMatch(/^holds the database of region "eu", not of region "ap"/);
  });

  it('refuses another genesis', () => {
    expect(ownershipMismatch(eu, { ...eu, genesisSha256: 'b'.repeat(64) })).toMatch(/^holds a database created under another genesis/);
  });
});
