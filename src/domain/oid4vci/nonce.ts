import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a nonce is for: a wallet's key proofs (`c_nonce`) or its DPoP proofs (`dpop_nonce`). */
export type NonceUse = 'c_nonce' | 'dpop_nonce';

const PAYLOAD_BYTES = 8 + 16; // expiry (ms, big-endian) and randomness
const TAG_BYTES = 16;
/** base64url of the payload, a dot, base64url of the tag. */
const SHAPE = /^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{22}$/;

/**
 * Nonces a region hands to anyone who asks (OpenID4VCI §7 nonce endpoint, RFC 9449 §8 DPoP
 * nonces) without storing anything: the nonce carries its own expiry and a MAC under a key
 * derived from KEY_ENCRYPTION_SECRET, so asking for a million writes nothing, and every
 * replica of the region accepts the nonces of the others. A nonce of one use is not valid for
 * the other. Single use of a c_nonce is kept by the caller, which records a nonce when a
 * request authenticated by an access token spends it (so only holders of a token can cause a write).
 */
export class NonceMinter {
  private readonly key: Buffer;

  /** `secretHex`: the region's KEY_ENCRYPTION_SECRET (the derived key is for nonces only). */
  constructor(secretHex: string) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(secretHex, 'hex'), Buffer.alloc(0), 'isthmus oid4vci nonce v1', 32));
  }

  /** A fresh nonce for `use`, valid until `expiresAt` (ms since the epoch). */
  mint(use: NonceUse, expiresAt: number): string {
    const payload = Buffer.alloc(PAYLOAD_BYTES);
    payload.writeBigUInt64BE(BigInt(Math.floor(expiresAt)));
    randomBytes(16).copy(payload, 8);
    return `${payload.toString('base64url')}.${this.tag(use, payload).toString('base64url')}`;
  }

  /** When `nonce` is one of ours for `use` and not expired at `now`: its expiry (ms); otherwise undefined. */
  check(use: NonceUse, nonce: unknown, now: number): number | undefined {
    if (typeof nonce !== 'string' || !SHAPE.test(nonce)) return undefined;
    const [encoded, tag] = nonce.split('.') as [string, string];
    const payload = Buffer.from(encoded, 'base64url');
    const given = Buffer.from(tag, 'base64url');
    // One spelling per nonce (base64url's unused trailing bits must be zero), so that a spent c_nonce cannot be spent again spelt otherwise.
    if (given.length !== TAG_BYTES || given.toString('base64url') !== tag || !timingSafeEqual(given, this.tag(use, payload))) return undefined;
    const expiresAt = Number(payload.readBigUInt64BE());
    return expiresAt > now ? expiresAt : undefined;
  }

  private tag(use: NonceUse, payload: Buffer): Buffer {
    return createHmac('sha256', this.key).update(use).update('\0').update(payload).digest().subarray(0, TAG_BYTES);
  }
}
