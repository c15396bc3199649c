import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { leafHash, rootHash } from './merkle.js';
import { decodeEntryBundle, encodeEntryBundle, parseTilePath, tileHashes, tileIndexPath, tilePath, tilesOfSize, tileServable } from './tiles.js';

describe('C2SP tlog-tiles paths', () => {
  it('encode the index in x-prefixed 3-digit groups, as the spec example', () => {
    expect(tileIndexPath(1234067)).toBe('x001/x234/067');
    expect(tileIndexPath(0)).toBe('000');
    expect(tileIndexPath(1000)).toBe('x001/000');
    expect(tilePath({ level: 4, index: 1234067, width: 8 })).toBe('tile/4/x001/x234/067.p/8');
    expect(tilePath({ level: 'entries', index: 5, width: 256 })).toBe('tile/entries/005');
  });
  it('parse back what they write, and nothing else', () => {
    for (const ref of [{ level: 0, index: 0, width: 256 }, { level: 63, index: 999_999_999, width: 1 }, { level: 'entries' as const, index: 1000, width: 255 }]) {
      expect(parseTilePath(tilePath(ref).slice('tile/'.length))).toEqual(ref);
    }
    for (const bad of ['0/1', '00/000', '0/x000/001', '0/000.p/256', '0/000.p/0', '0/000.p/07', '64/000', 'entries/abc', '0/000/', '0/001/002', '-1/000', 'x/000']) {
      expect(() => parseTilePath(bad), bad).toThrow(InvalidInputError);
    }
  });
  it('list the tiles of a size as the spec counts them (70 000: 273 full + 112, 1 full + 17, 1)', () => {
    const tiles = tilesOfSize(70_000).filter((t) => t.level !== 'entries');
    const at = (level: number) => tiles.filter((t) => t.level === level);
    expect(at(0)).toHaveLength(274);
    expect(at(0).at(-1)).toEqual({ level: 0, index: 273, width: 112 });
    expect(at(1)).toEqual([{ level: 1, index: 0, width: 256 }, { level: 1, index: 1, width: 17 }]);
    expect(at(2)).toEqual([{ level: 2, index: 0, width: 1 }]);
    expect(tilesOfSize(256).filter((t) => t.level !== 'entries')).toEqual([{ level: 0, index: 0, width: 256 }, { level: 1, index: 0, width: 1 }]);
    expect(tileServable({ level: 0, index: 0, width: 256 }, 255)).toBe(false);
    expect(tileServable({ level: 0, index: 0, width: 200 }, 255)).toBe(true);
  });
});

describe('tile contents', () => {
  const leaves = Array.from({ length: 600 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
  it('a level-1 hash is the root of the 256 leaves below it', () => {
    const [first, second] = tileHashes(leaves, 1, 0, 2);
    expect(Buffer.from(first!)).toEqual(Buffer.from(rootHash(leaves.slice(0, 256))));
    expect(Buffer.from(second!)).toEqual(Buffer.from(rootHash(leaves.slice(256, 512))));
  });
  it('entry bundles frame each entry behind a 2-byte big-endian length', () => {
    const bundle = encodeEntryBundle([Buffer.from('ab'), Buffer.alloc(0), Buffer.alloc(300, 7)]);
    expect(bundle.subarray(0, 4)).toEqual(Buffer.from([0, 2, 0x61, 0x62]));
    expect(bundle.readUInt16BE(6)).toBe(300);
    expect(decodeEntryBundle(bundle).map((e) => e.length)).toEqual([2, 0, 300]);
    expect(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1))).toThrow(/ends inside/);
    expect(() => encodeEntryBundle([Buffer.alloc(65_536)])).toThrow(/does not fit/);
  });
});
