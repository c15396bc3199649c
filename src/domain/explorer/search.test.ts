import { describe, expect, it } from 'vitest';
import { searchTarget } from './search.js';

const target = (q: string) => searchTarget(q, ['eu', 'ap'], 'eu');

describe('searchTarget', () => {
  it('finds DIDs, DID URLs, entry indexes and status list ids', () => {
    expect(target(' did:isthmus:xmf7szzuhcqfxaxcogwwplgl ')).toEqual({ kind: 'did', did: 'did:isthmus:xmf7szzuhcqfxaxcogwwplgl' });
    expect(target('did:isthmus:xmf7szzuhcqfxaxcogwwplgl#key-1')).toEqual({ kind: 'did', did: 'did:isthmus:xmf7szzuhcqfxaxcogwwplgl' });
    expect(target('12')).toEqual({ kind: 'entry', log: 'eu', index: 12 });
    expect(target('ap/0')).toEqual({ kind: 'entry', log: 'ap', index: 0 });
    expect(target('ap:7')).toEqual({ kind: 'entry', log: 'ap', index: 7 });
    const id = '8a1b2c3d-0000-4000-8000-00000000abcd';
    expect(target(id.toUpperCase())).toEqual({ kind: 'status-list', id });
    expect(target(`http://127.0.0.1:3001/status-lists/${id}#94211`)).toEqual({ kind: 'status-list', id });
  });

  it('says why nothing matches', () => {
    for (const q of ['', 'did:isthmus:<script>', 'xx/1', '-1', '01', 'hello', 'x'.repeat(5000)]) expect(target(q).kind, q).toBe('none');
    expect(target('zz/3')).toMatchObject({ reason: expect.stringContaining('no log named zz') });
  });
});
