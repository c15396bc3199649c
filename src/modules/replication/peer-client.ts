import { Inject, Injectable } from '@nestjs/common';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
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

const PAGE = 1000;

/** HTTP calls to other regions, each bounded by PEER_TIMEOUT_MS. */
@Injectable()
export class PeerClient {
  constructor(@Inject(REGION_CONFIG) private readonly config: RegionConfig) {}

  private async call(region: string, url: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.config.peerTimeoutMs) });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.config.peerTimeoutMs} ms` : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
      throw new PeerUnavailableError(region, `region ${region} is unreachable (${reason})`);
    }
  }

  private async json<T>(region: string, url: string): Promise<T> {
    const response = await this.call(region, url);
    if (!response.ok) throw new PeerUnavailableError(region, `GET ${url} answered ${response.status}`);
    try {
      return (await response.json()) as T;
    } catch {
      throw new PeerUnavailableError(region, `GET ${url} did not answer JSON`);
    }
  }

  /** The latest checkpoint note the peer serves for `log`, or undefined when it has none. */
  async checkpoint(region: string, base: string, log: string): Promise<string | undefined> {
    const url = `${base}/ledger/${log}/checkpoint`;
    const response = await this.call(region, url);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new PeerUnavailableError(region, `GET ${url} answered ${response.status}`);
    return response.text();
  }

  /** Entries start … end-1 of `log`, paged. */
  async entries(region: string, base: string, log: string, start: number, end: number): Promise<ServedEntry[]> {
    const out: ServedEntry[] = [];
    while (start + out.length < end) {
      const from = start + out.length;
      const page = await this.json<{ entries: ServedEntry[] }>(region, `${base}/ledger/${log}/entries?start=${from}&limit=${Math.min(PAGE, end - from)}`);
      if (!Array.isArray(page.entries) || page.entries.length === 0) break;
      out.push(...page.entries);
    }
    return out.slice(0, end - start);
  }

  async consistency(region: string, base: string, log: string, from: number, to: number): Promise<Uint8Array[]> {
    const body = await this.json<{ proof?: unknown }>(region, `${base}/ledger/${log}/proof/consistency?from=${from}&to=${to}`);
    if (!Array.isArray(body.proof) || !body.proof.every((h) => typeof h === 'string')) throw new PeerUnavailableError(region, 'a consistency proof is a list of base64 hashes');
    return (body.proof as string[]).map((h) => new Uint8Array(Buffer.from(h, 'base64')));
  }

  /** Tells the peer this region's log grew (best effort: the pull alone guarantees catch-up). */
  async hint(region: string, base: string, log: string): Promise<void> {
    try {
      await this.call(region, `${base}/ledger/${log}/hint`, { method: 'POST' });
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
    return { status: response.status, contentType: response.headers.get('content-type') ?? 'application/json', body: await response.text() };
  }
}
