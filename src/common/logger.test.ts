import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('redacts the id of an OpenID4VCI offer (a capability), not the offers route', () => {
    expect(redactUrl('/oid4vci/offers/0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22/qr.png')).toBe('/oid4vci/offers/[redacted]/qr.png');
    expect(redactUrl('/oid4vci/offers/0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22?x=1')).toBe('/oid4vci/offers/[redacted]?x=1');
    expect(redactUrl('/oid4vci/offers')).toBe('/oid4vci/offers');
  });

  it('keeps paths and ordinary query parameters', () => {
    expect(redactUrl('/1.0/identifiers/did:isthmus:eu:abc')).toBe('/1.0/identifiers/did:isthmus:eu:abc');
    expect(redactUrl('/ledger/eu/entries?start=0&limit=100')).toBe('/ledger/eu/entries?start=0&limit=100');
    expect(redactUrl('/1.0/identifiers/x?versionTime=2026-01-01T00:00:00Z')).toBe('/1.0/identifiers/x?versionTime=2026-01-01T00:00:00Z');
  });

  it('redacts parameters named like a secret and values that look like a token', () => {
    expect(redactUrl('/x?access_token=abc&start=1')).toBe('/x?access_token=[redacted]&start=1');
    expect(redactUrl('/x?apiKey=1&Authorization=Bearer%20zz')).toBe('/x?apiKey=[redacted]&Authorization=[redacted]');
    expect(redactUrl('/x?q=eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln')).toBe('/x?q=[redacted]');
    expect(redactUrl(`/x?q=isk_short&r=${'a'.repeat(40)}`)).toBe('/x?q=[redacted]&r=[redacted]');
    expect(redactUrl(`/x?${'b'.repeat(40)}`)).toBe('/x?[redacted]');
    expect(redactUrl('/x?q=Bearer+secret')).toBe('/x?q=[redacted]');
  });
});
