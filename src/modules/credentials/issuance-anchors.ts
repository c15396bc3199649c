import { Injectable } from '@nestjs/common';
import { MAX_ANCHOR_DIGESTS } from '../../domain/credentials/anchor.js';
import type { LedgerPosition } from '../../domain/did/index.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';

interface Waiting {
  readonly digest: string;
  readonly resolve: (position: LedgerPosition) => void;
  readonly reject: (error: unknown) => void;
}

/** How long the first digest waits for company before its `anchor` entry is requested. */
const ANCHOR_LINGER_MS = 10;

/**
 * Anchors issued credentials on this region's log (docs/credentials.md): digests queue while an
 * `anchor` entry is being written, and the next entry takes them all (up to 256), so many
 * concurrent issuances become few entries. `anchor` resolves once the entry is committed, and
 * issuance answers only then: a credential a client holds is always anchored, crash or not.
 */
@Injectable()
export class IssuanceAnchors {
  private waiting: Waiting[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly writer: LedgerWriter) {}

  anchor(digest: string): Promise<LedgerPosition> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ digest, resolve, reject });
      if (this.flushing) return;
      // A full entry goes at once; otherwise the first digest waits a moment for company.
      if (this.waiting.length >= MAX_ANCHOR_DIGESTS) {
        clearTimeout(this.timer);
        void this.flush();
      } else if (this.waiting.length === 1) this.timer = setTimeout(() => void this.flush(), ANCHOR_LINGER_MS);
    });
  }

  /** Appends one entry of what is waiting; what arrives meanwhile waits for the next. */
  private async flush(): Promise<void> {
    this.timer = undefined;
    this.flushing = true;
    const batch = this.waiting.splice(0, MAX_ANCHOR_DIGESTS);
    // The same token issued twice (deterministic EdDSA, same claims, same millisecond) is one digest.
    const digests = [...new Set(batch.map((w) => w.digest))];
    try {
      const row = await this.writer.append({ kind: 'anchor', prepare: async () => ({ payload: { digests } }) });
      for (const w of batch) w.resolve({ log: row.log, index: row.index });
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.flushing = false;
      if (this.waiting.length >= MAX_ANCHOR_DIGESTS) void this.flush();
      else if (this.waiting.length > 0) this.timer = setTimeout(() => void this.flush(), ANCHOR_LINGER_MS);
    }
  }
}
