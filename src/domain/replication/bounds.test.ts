import { describe, expect, it } from 'vitest';
import { InvalidSignatureError } from '../errors.js';
import { boundEvidence, clip, describeBytes, MAX_EVIDENCE, peerReason, sha256Hex } from './bounds.js';

const garbage = 'x'.repeat(1024 * 1024);

describe('describeBytes', () => {
  it('names bytes by length and digest', () => {
    expect(describeBytes('abc')).toBe('3 bytes, sha256 ba7816bf8f01cfea');
    expect(describeBytes('é')).toMatch(/^2 bytes/);
  });
});

describe('clip', () => {
  it('keeps short text and cuts long text to the limit, with the digest of the whole', () => {
    expect(clip('short', 10)).toBe('short');
    const cut = clip(garbage, 200);
    expect(cut.length).toBeLessThanOrEqual(200);
    expect(cut).toContain(`${garbage.length} bytes, sha256 ${sha256Hex(garbage).slice(0, 16)}`);
  });
});

describe('peerReason', () => {
  it('replaces quoted values by length and digest', () => {
    const reason = peerReason(new InvalidSignatureError(`"${garbage}" is not a signature line`));
    expect(reason).toBe(`<${describeBytes(garbage)}> is not a signature line`);
  });

  it('is short whatever the message, even an unterminated quote or control characters', () => {
    expect(peerReason(new Error(`tree size ${garbage}`)).length).toBeLessThanOrEqual(200);
    expect(peerReason(new Error(`key "${garbage}`))).not.toContain('xxxx');
    expect(peerReason(new Error('a\nb\u0000c'))).toBe('a b c');
  });
});

describe('boundEvidence', () => {
  it('keeps small evidence whole', () => {
    const parts = { accepted: 'note a\n', offending: 'note b\n' };
    expect(JSON.parse(boundEvidence(parts))).toEqual(parts);
  });

  it('cuts large parts, with their length and the digest of the whole, to at most MAX_EVIDENCE bytes', () => {
    for (const offending of [garbage, '\u0001'.repeat(100_000), '€'.repeat(100_000)]) {
      const bounded = boundEvidence({ accepted: 'note a\n', offending });
      expect(Buffer.byteLength(bounded)).toBeLessThanOrEqual(MAX_EVIDENCE);
      const parsed = JSON.parse(bounded) as { accepted: string; offending: { truncated: string; bytes: number; sha256: string } };
      expect(parsed.accepted).toBe('note a\n');
      expect(parsed.offending.bytes).toBe(Buffer.byteLength(offending));
      expect(parsed.offending.sha256).toBe(sha256Hex(offending));
      expect(offending.startsWith(parsed.offending.truncated)).toBe(true);
    }
  });
});
