import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { SealedKeyError, SecretBox } from './secret-box.js';

const box = new SecretBox('11'.repeat(32));
const secret = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

describe('SecretBox', () => {
  it('opens what it sealed', () => {
    expect(box.open(box.seal(secret, 'kid-1'), 'kid-1')).toEqual(secret);
  });

  it('does not keep the plaintext visible and never seals the same way twice', () => {
    const a = box.seal(secret, 'kid-1');
    expect(a).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(box.seal(secret, 'kid-1')).not.toBe(a);
  });

  it('refuses another key id, another secret and a flipped byte', () => {
    const sealed = box.seal(secret, 'kid-1');
    expect(() => box.open(sealed, 'kid-2')).toThrow(SealedKeyError);
    expect(() => new SecretBox('22'.repeat(32)).open(sealed, 'kid-1')).toThrow(SealedKeyError);
    const [v, iv, body] = sealed.split('.');
    const bytes = Buffer.from(body!, 'base64url');
    bytes[0]! ^= 1;
    expect(() => box.open(`${v}.${iv}.${bytes.toString('base64url')}`, 'kid-1')).toThrow(SealedKeyError);
  });

  it('reports a key that does not open as a server fault, not as a DomainError (a 4xx)', () => {
    let thrown: unknown;
    try {
      new SecretBox('22'.repeat(32)).open(box.seal(secret, 'kid-1'), 'kid-1');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SealedKeyError);
    expect(thrown).not.toBeInstanceOf(DomainError);
  });
});
