import { describe, expect, it } from 'vitest';
import { InvalidInputError, InvalidKeyError } from '../errors.js';
import { generateNoteKeyPair, NOTE_COSIGNATURE_V1, NOTE_ED25519 } from '../ledger/note.js';
import { genesisDigest } from './database-owner.js';
import { parseGenesis } from './genesis.js';
import { generateNetwork } from './network-init.js';

describe('genesis witnesses (optional, docs/tiles.md)', () => {
  const { genesis } = generateNetwork('isthmus', [{ id: 'eu', url: 'http://127.0.0.1:3001' }]);
  const witness = generateNoteKeyPair('witness.example/w1', NOTE_COSIGNATURE_V1);

  it('a genesis without them parses, with none, and its digest is that of the file as it was', () => {
    expect(parseGenesis(genesis).witnesses).toEqual([]);
    expect(genesisDigest(JSON.parse(JSON.stringify(genesis)))).toBe(genesisDigest(genesis));
    expect('witnesses' in genesis).toBe(false);
  });

  it('are read with their cosignature/v1 key and submission URL', () => {
    const parsed = parseGenesis({ ...genesis, witnesses: [{ name: 'witness.example/w1', key: witness.verifierKey, url: 'https://witness.example/' }] });
    expect(parsed.witnesses).toHaveLength(1);
    expect(parsed.witnesses[0]).toMatchObject({ name: 'witness.example/w1', url: 'https://witness.example' });
    expect(parsed.witnesses[0]!.key.encoded).toBe(witness.verifierKey);
  });

  it('refuse a key of another name or type, a duplicate, a non-URL', () => {
    const ed = generateNoteKeyPair('witness.example/w1', NOTE_ED25519);
    expect(() => parseGenesis({ ...genesis, witnesses: [{ name: 'witness.example/w2', key: witness.verifierKey, url: 'https://w' }] })).toThrow(InvalidKeyError);
    expect(() => parseGenesis({ ...genesis, witnesses: [{ name: 'witness.example/w1', key: ed.verifierKey, url: 'https://w' }] })).toThrow(InvalidKeyError);
    const w = { name: 'witness.example/w1', key: witness.verifierKey, url: 'https://w' };
    expect(() => parseGenesis({ ...genesis, witnesses: [w, w] })).toThrow(/appears twice/);
    expect(() => parseGenesis({ ...genesis, witnesses: [{ ...w, url: 'ftp://w' }] })).toThrow(InvalidInputError);
    expect(() => parseGenesis({ ...genesis, witnesses: [{ ...w, extra: 1 }] })).toThrow(InvalidInputError);
  });
});
