import { deflateSync, inflateSync } from 'node:zlib';
import { InvalidInputError } from '../errors.js';

/** IETF Token Status List status values (section 7.1). */
export const TOKEN_STATUS = { valid: 0x00, invalid: 0x01, suspended: 0x02 } as const;
export const TOKEN_BITS = [1, 2, 4, 8] as const;
export type TokenBits = (typeof TOKEN_BITS)[number];

/** The `status_list` object of a status list token. */
export interface EncodedTokenList {
  readonly bits: TokenBits;
  readonly lst: string;
}

/**
 * A Token Status List: `bits` per referenced token, packed from the least significant bit of
 * each byte, index 0 in the first byte. Encoded as base64url (no padding) of the ZLIB
 * (RFC 1950) DEFLATE of the bytes.
 */
export class TokenStatusList {
  private constructor(
    readonly bits: TokenBits,
    private readonly bytes: Uint8Array,
  ) {}

  static empty(size: number, bits: TokenBits): TokenStatusList {
    if (!TOKEN_BITS.includes(bits)) throw new InvalidInputError(`bits must be one of ${TOKEN_BITS.join(', ')}`);
    return new TokenStatusList(bits, new Uint8Array(Math.ceil((size * bits) / 8)));
  }

  static fromBytes(bytes: Uint8Array, bits: TokenBits): TokenStatusList {
    return new TokenStatusList(bits, Uint8Array.from(bytes));
  }

  static decode(encoded: { bits?: unknown; lst?: unknown }): TokenStatusList {
    const bits = encoded.bits as TokenBits;
    if (!TOKEN_BITS.includes(bits)) throw new InvalidInputError(`status_list.bits must be one of ${TOKEN_BITS.join(', ')}`);
    if (typeof encoded.lst !== 'string' || !/^[A-Za-z0-9_-]+$/.test(encoded.lst)) throw new InvalidInputError('status_list.lst must be base64url');
    try {
      return new TokenStatusList(bits, new Uint8Array(inflateSync(Buffer.from(encoded.lst, 'base64url'))));
    } catch (error) {
      throw new InvalidInputError(`status_list.lst does not inflate: ${(error as Error).message}`);
    }
  }

  /** How many referenced tokens the list covers. */
  get size(): number {
    return (this.bytes.length * 8) / this.bits;
  }

  get(index: number): number {
    this.check(index);
    const bit = index * this.bits;
    return (this.bytes[bit >> 3]! >> (bit & 7)) & ((1 << this.bits) - 1);
  }

  set(index: number, value: number): void {
    this.check(index);
    const mask = (1 << this.bits) - 1;
    if (!Number.isInteger(value) || value < 0 || value > mask) throw new RangeError(`a ${this.bits}-bit status is 0 … ${mask}, not ${value}`);
    const bit = index * this.bits;
    const shift = bit & 7;
    this.bytes[bit >> 3] = (this.bytes[bit >> 3]! & ~(mask << shift)) | (value << shift);
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  encode(): EncodedTokenList {
    return { bits: this.bits, lst: deflateSync(this.bytes, { level: 9 }).toString('base64url') };
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`index ${index} is outside the list (0 … ${this.size - 1})`);
  }
}

/** The `status.status_list` reference of a referenced token, or what is malformed about it. */
export function tokenStatusReference(status: unknown): { idx: number; uri: string } | { problem: string } | undefined {
  if (status === undefined) return undefined;
  const ref = (status as { status_list?: { idx?: unknown; uri?: unknown } } | null)?.status_list;
  if (!ref || typeof ref !== 'object') return { problem: 'status has no status_list object' };
  if (!Number.isSafeInteger(ref.idx) || (ref.idx as number) < 0) return { problem: 'status.status_list.idx must be a non-negative integer' };
  if (typeof ref.uri !== 'string' || !URL.canParse(ref.uri)) return { problem: 'status.status_list.uri must be a URL' };
  return { idx: ref.idx as number, uri: ref.uri };
}
