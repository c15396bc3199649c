import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds } from './json-body.js';

describe('jsonDepthExceeds', () => {
  it('counts arrays and objects, up to the limit inclusive', () => {
    expect(jsonDepthExceeds('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(jsonDepthExceeds('{"a":[{"b":[]}]}', 3)).toBe(true);
    expect(jsonDepthExceeds('[][][][]', 1)).toBe(false); // siblings are not depth
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[{{{{', b: 'say \\"[[[[\\"' }), 1)).toBe(false);
  });

  it('scans 100 000 levels without recursion', () => {
    expect(jsonDepthExceeds('['.repeat(100_000) + ']'.repeat(100_000), 64)).toBe(true);
  });
});
