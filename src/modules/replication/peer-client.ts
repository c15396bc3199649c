import { Inject, Injectable } from '@nestjs/common';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { describeBytes, PEER_LIMITS } from '../../domain/replication/bounds.js';
import type { ServedEntry } from '../../domain/replication/mirror.js';

/** The other region could not be reached or answered nonsense. */
export class PeerUnavailableError extends Error {
  constructor(
    readonly region: string,
    message: string,
  ) {
    super(message);
    this.name = 'PeerUnavailableError';
  }
}

/** The peer answered more bytes than this call allows (PEER_LIMITS): it is not read further. */
export class PeerAnswerTooLargeError extends PeerUnavailableError {
  constructor(
    region: string,
    readonly limit: number,
    /** Length and digest of the bytes read before stopping. */
    readonly prefix: string,
  ) {
    super(region, `region ${region} answered more than ${limit} bytes (first ${prefix})`);
    this.name = 'PeerAnswerTooLargeError';
  }
}

const PAGE = 1000;

/**
 * HTTP calls to other regions. Each is bounded in time (PEER_TIMEOUT_MS, body included) and in
 * size (PEER_LIMITS): the body is streamed and the call aborted past the limit, so a peer
 * cannot make this region buffer or store more than that.
 */
@Injectable()
export class PeerClient {
  constructor(@Inject(REGION_CONFIG) private readonly config: RegionConfig) {}

  private async call(region: string, url: string, init: RequestInit = {}): Promise<Response> {
    try {
      // A peer's redirect is never followed: it could point this region anywhere (SSRF).
      return await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(this.config.peerTimeoutMs) });
    } catch (error) {
      throw this.unreachable(region, error);
    }
  }

  private unreachable(region: string, error: unknown): PeerUnavailableError {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.config.peerTimeoutMs} ms` : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    return new PeerUnavailableError(region, `region ${region} is unreachable (${reason})`);
  }

  /** The body as text, read until `limit` bytes at most. */
  private async text(region: string, response: Response, limit: number): Promise<string> {
    const declared = Number(response.headers.get('content-length'));
    if (declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw new PeerAnswerTooLargeError(region, limit, `content-length ${declared}`);
    }
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let length = 0;
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        length += value.byteLength;
        chunks.push(value);
        if (length > limit) {
          await reader.cancel().catch(() => undefined);
          throw new PeerAnswerTooLargeError(region, limit, describeBytes(Buffer.concat(chunks).subarray(0, limit).toString('latin1')));
        }
      }
    } catch (error) {
      if (error instanceof PeerUnavailableError) throw error;
      throw this.unreachable(region, error);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async json<T>(region: string, url: string, limit: number): Promise<T> {
    const response = await this.call(region, url);
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new PeerUnavailableError(region, `GET ${url} answered ${response.status}`);
    }
    const text = await this.text(region, response, limit);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new PeerUnavailableError(region, `GET ${url} did not answer JSON`);
    }
  }

  /** The latest checkpoint note the peer serves for `log`, or undefined when it has none. */
  async checkpoint(region: string, base: string, log: string): Promise<string | undefined> {
    const url = `${base}/ledger/${log}/checkpoint`;
    const response = await this.call(region, url);
    if (response.status === 404 || !response.ok) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 404) return undefined;
      throw new PeerUnavailableError(region, `GET ${url} answered ${response.status}`);
    }
    return this.text(region, response, PEER_LIMITS.checkpoint);
  }

  /** Entries start … end-1 of `log`, paged; a page over PEER_LIMITS.entriesPage is asked again smaller. */
  async entries(region: string, base: string, log: string, start: number, end: number): Promise<ServedEntry[]> {
    const out: ServedEntry[] = [];
    let limit = PAGE;
    while (start + out.length < end) {
      const from = start + out.length;
      let page: { entries?: unknown };
      try {
        page = await this.json<{ entries?: unknown }>(region, `${base}/ledger/${log}/entries?start=${from}&limit=${Math.min(limit, end - from)}`, PEER_LIMITS.entriesPage);
      } catch (error) {
        // One entry alone past the limit is the peer's fault, not a page size to try again.
        if (!(error instanceof PeerAnswerTooLargeError) || limit === 1) throw error;
        limit = Math.max(1, Math.floor(limit / 4));
        continue;
      }
      if (!Array.isArray(page.entries) || page.entries.length === 0) break;
      out.push(...(page.entries.slice(0, end - from) as ServedEntry[]));
    }
    return out;
  }

  async consistency(region: string, base: string, log: string, from: number, to: number): Promise<Uint8Array[]> {
    const body = await this.json<{ proof?: unknown }>(region, `${base}/ledger/${log}/proof/consistency?from=${from}&to=${to}`, PEER_LIMITS.consistency);
    if (!Array.isArray(body.proof) || !body.proof.every((h) => typeof h === 'string')) throw new PeerUnavailableError(region, 'a consistency proof is a list of base64 hashes');
    return (body.proof as string[]).map((h) => new Uint8Array(Buffer.from(h, 'base64')));
  }

  /** Tells the peer this region's log grew (best effort: the pull alone guarantees catch-up). */
  async hint(region: string, base: string, log: string): Promise<void> {
    try {
      const response = await this.call(region, `${base}/ledger/${log}/hint`, { method: 'POST' });
      await response.body?.cancel().catch(() => undefined);
    } catch {
      // the peer's next pull catches up
    }
  }

  /** Forwards a DID operation to its home region; answers with the home region's status and body. */
  async forwardOperation(region: string, base: string, operation: unknown, requestId: string): Promise<{ status: number; contentType: string; body: string }> {
    const response = await this.call(region, `${base}/1.0/operations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId, 'x-isthmus-forwarded': '1' },
      body: JSON.stringify(operation),
    });
    // Only a JSON media type is passed on to the caller, never whatever header the peer sent.
    const contentType = /^application\/(problem\+)?json\b/i.test(response.headers.get('content-type') ?? '') ? response.headers.get('content-type')!.split(';')[0]!.toLowerCase() : 'application/json';
    return { status: response.status, contentType, body: await this.text(region, response, PEER_LIMITS.forwardedAnswer) };
  }
}
