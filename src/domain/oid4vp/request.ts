/**
 * The life of an OpenID4VP presentation request (docs/wallets.md, "Presentation"): created by a
 * relying party, its request object fetched once by a wallet, answered once, then completed or
 * failed. Expiry is read from the clock, never stored: a pending request past its expiry is failed.
 */

/** What is stored: `answering` holds the one response being verified, so no second one races it. */
export type RequestStatus = 'created' | 'fetched' | 'answering' | 'completed' | 'failed';

/** What the relying party sees. */
export type PublicState = 'pending' | 'completed' | 'failed';

export type ResponseMode = 'direct_post' | 'direct_post.jwt';
export const RESPONSE_MODES: readonly ResponseMode[] = ['direct_post', 'direct_post.jwt'];

export const DEFAULT_TTL_SECONDS = 300;
/** How long a request and its result (personal data) are kept after it expires: a day to read the result, then deleted. */
export const KEEP_AFTER_EXPIRY_MS = 86_400_000;
export const MAX_TTL_SECONDS = 3600;

/** An OAuth 2.0 error (RFC 6749 5.2, OpenID4VP 1.0 8.5), sent to wallets as application/json. */
export interface OAuthRefusal {
  readonly error: 'invalid_request' | 'invalid_request_uri' | 'invalid_request_object' | 'vp_formats_not_supported' | 'access_denied' | 'invalid_client' | 'server_error';
  readonly error_description: string;
}

export interface RequestView {
  readonly status: RequestStatus;
  readonly expiresAt: string;
}

const expired = (request: RequestView, nowMs: number): boolean => Date.parse(request.expiresAt) <= nowMs;
const finished = (status: RequestStatus): boolean => status === 'completed' || status === 'failed';

/** The state the relying party reads; an expired pending request reads as failed. */
export function publicState(request: RequestView, nowMs: number): PublicState {
  if (finished(request.status)) return request.status as PublicState;
  return expired(request, nowMs) ? 'failed' : 'pending';
}

/** The result recorded for a request that expired before it was answered. */
export const EXPIRED_RESULT = { error: 'expired', error_description: 'no valid response arrived before the request expired' } as const;

/** Why the request object cannot be handed out (it is single use), or undefined. */
export function requestObjectRefusal(request: RequestView, nowMs: number): OAuthRefusal | undefined {
  if (expired(request, nowMs) && !finished(request.status)) return { error: 'invalid_request_uri', error_description: 'the request has expired' };
  if (request.status !== 'created') return { error: 'invalid_request_uri', error_description: 'the request object was already fetched: a request_uri is single use' };
  return undefined;
}

/** Why a response cannot be taken (it is accepted once, within the request's life), or undefined. */
export function responseRefusal(request: RequestView, nowMs: number): OAuthRefusal | undefined {
  if (finished(request.status) || request.status === 'answering') return { error: 'invalid_request', error_description: 'this request was already answered: a response is accepted once' };
  if (expired(request, nowMs)) return { error: 'invalid_request', error_description: 'the request has expired' };
  if (request.status === 'created') return { error: 'invalid_request', error_description: 'the request object was never fetched, so no wallet can hold its nonce' };
  return undefined;
}

/** The transitions the repository makes atomically (UPDATE … WHERE status = from). */
export const TRANSITIONS = {
  fetch: { from: 'created', to: 'fetched' },
  answer: { from: 'fetched', to: 'answering' },
} as const satisfies Record<string, { from: RequestStatus; to: RequestStatus }>;
