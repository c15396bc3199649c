import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { InvalidKeyError } from '../errors.js';

const VERSION = 'v1';

/**
 * A sealed key that does not open: a wrong KEY_ENCRYPTION_SECRET or altered data, a fault of
 * this server and never of a request. Deliberately not a DomainError, so the HTTP layer answers
 * it as an unexpected 500 (logged, no detail to the caller), not as a 4xx.
 */
export class SealedKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedKeyError';
  }
}

/**
 * Encrypts private keys at rest: AES-256-GCM under KEY_ENCRYPTION_SECRET, with the key's id as
 * associated data so a ciphertext cannot be moved to another key's row.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretHex: string) {
    if (!/^[0-9a-f]{64}$/i.test(secretHex)) throw new InvalidKeyError('the key encryption secret must be 32 bytes as 64 hex characters');
    this.key = Buffer.from(secretHex, 'hex');
  }

  seal(plaintext: Uint8Array, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  open(sealed: string, associatedData: string): Uint8Array {
    const [version, iv, body] = sealed.split('.');
    if (version !== VERSION || !iv || !body) throw new SealedKeyError('a stored private key is not in the v1 sealed format');
    const bytes = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    try {
      return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]));
    } catch {
      throw new SealedKeyError('a stored private key does not decrypt: wrong KEY_ENCRYPTION_SECRET or altered data');
    }
  }
}
