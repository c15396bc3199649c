import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress, outboundUrlProblem } from '../domain/net/public-address.js';

export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
}

/** dns.lookup that fails when a name has any address a region must not call for a tenant. */
const publicLookup = ((hostname: string, options: LookupOneOptions | LookupAllOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused || addresses.length === 0) return callback(new OutboundRefusedError(`${hostname} resolves to a non-public address`), '');
    if ((options as LookupAllOptions).all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}) as unknown as LookupFunction;

export interface OutboundOptions {
  readonly timeoutMs: number;
  /** Allow loopback and private addresses (tests, or a relying party on the operator's own network). */
  readonly allowPrivateNetworks: boolean;
}

/**
 * POSTs JSON to a URL a tenant gave (a webhook) and answers the HTTP status: no redirect is
 * followed, the whole call is bounded in time, the answer's body is discarded unread, and
 * unless allowed, only public addresses are called — checked on the address actually
 * connected to, so a name that resolves to an internal address (or is rebound to one) is refused.
 */
export function postJsonOutbound(url: string, body: unknown, options: OutboundOptions): Promise<number> {
  if (!options.allowPrivateNetworks) {
    const problem = outboundUrlProblem(url);
    if (problem) return Promise.reject(new OutboundRefusedError(`the URL ${problem}`));
  }
  const target = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
        signal: AbortSignal.timeout(options.timeoutMs),
        agent: false,
        ...(options.allowPrivateNetworks ? {} : { lookup: publicLookup }),
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
