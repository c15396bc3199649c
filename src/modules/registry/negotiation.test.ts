import { describe, expect, it } from 'vitest';
import { negotiate } from './negotiation.js';

describe('negotiate', () => {
  it.each([
    [undefined, 'resolution'],
    ['', 'resolution'],
    ['*/*', 'resolution'],
    ['application/did-resolution', 'resolution'],
    ['application/did+json', 'document'],
    ['application/did+ld+json', 'document-ld'],
    ['text/html, application/did+json;q=0.5', 'document'],
    ['application/did+json;q=0.4, application/did-resolution;q=0.9', 'resolution'],
    ['application/did+json;q=0, application/json', 'resolution'],
    ['text/html', undefined],
    ['image/png;q=1, application/did+json;q=0', undefined],
  ])('%s → %s', (accept, expected) => {
    expect(negotiate(accept)).toBe(expected);
    // the second time from the memo of decided headers
    expect(negotiate(accept)).toBe(expected);
  });
});
