import { createHmac } from 'node:crypto';

const ROUNDS = 8;
/** Up to this half width the round function is tabulated once (8 × 1,024 HMACs), then looked up. */
const MAX_TABLE_HALF_BITS = 10;

/**
 * A keyed pseudorandom permutation of 0 … size-1: a balanced Feistel network over the
 * smallest even number of bits that covers `size`, with cycle walking to stay below it.
 * Handing out `at(0), at(1), …` draws indexes at random without reuse (herd privacy):
 * nothing in an index tells when, or in which order, its credential was issued, and two
 * counters never meet on one index. The key must stay secret to the issuing region.
 */
export class IndexPermutation {
  private readonly halfBits: number;
  private readonly mask: number;
  private table: Uint32Array | undefined;

  constructor(
    private readonly key: Uint8Array,
    readonly size: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 2 || size > 2 ** 40) throw new RangeError(`a permutation covers 2 … 2^40 positions, not ${size}`);
    if (key.length < 16) throw new RangeError('a permutation key has at least 16 bytes');
    const bits = Math.ceil(Math.log2(size));
    this.halfBits = Math.ceil(bits / 2);
    this.mask = 2 ** this.halfBits - 1;
  }

  /** The position the `counter`-th allocation gets. */
  at(counter: number): number {
    if (!Number.isSafeInteger(counter) || counter < 0 || counter >= this.size) throw new RangeError(`counter ${counter} is outside 0 … ${this.size - 1}`);
    let value = counter;
    // Cycle walking: the Feistel domain is a power of four ≥ size; re-encrypt until inside.
    do value = this.encrypt(value);
    while (value >= this.size);
    return value;
  }

  private encrypt(value: number): number {
    const span = this.mask + 1;
    let left = Math.floor(value / span);
    let right = value % span;
    for (let round = 0; round < ROUNDS; round++) {
      const next = (left ^ this.round(round, right)) & this.mask;
      left = right;
      right = next;
    }
    return left * span + right;
  }

  private round(round: number, half: number): number {
    if (this.halfBits <= MAX_TABLE_HALF_BITS) {
      const span = this.mask + 1;
      if (!this.table) {
        this.table = new Uint32Array(ROUNDS * span);
        for (let r = 0; r < ROUNDS; r++) for (let h = 0; h < span; h++) this.table[r * span + h] = this.prf(r, h);
      }
      return this.table[round * span + half]!;
    }
    return this.prf(round, half);
  }

  private prf(round: number, half: number): number {
    const input = Buffer.alloc(8);
    input.writeUInt32BE(round, 0);
    input.writeUInt32BE(half >>> 0, 4);
    const out = createHmac('sha256', this.key).update(input).digest();
    return out.readUInt32BE(0);
  }
}
