import type { OAuthRefusal } from './request.js';

const OAUTH_ERROR = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

/**
 * A wallet's error response (OpenID4VP 1.0 section 8.5; RFC 6749 4.1.2.1) posted to the
 * response endpoint instead of a vp_token: the code and description the relying party reads,
 * or undefined when the body carries no `error`.
 */
export function walletError(body: Record<string, unknown>): { error: string; error_description?: string } | { invalid: OAuthRefusal } | undefined {
  if (body.error === undefined) return undefined;
  if (typeof body.error !== 'string' || !OAUTH_ERROR.test(body.error)) return { invalid: { error: 'invalid_request', error_description: 'error must be an OAuth error code' } };
  const description = typeof body.error_description === 'string' ? body.error_description.slice(0, 500) : undefined;
  return { error: body.error, ...(description ? { error_description: description } : {}) };
}

/**
 * The OAuth error for whatever the OpenID4VP library threw while reading a response: its own
 * error response when it carries one (Oauth2ServerErrorResponseError), else invalid_request
 * with the message (malformed vp_token, state mismatch, undecryptable JWE, …).
 */
export function refusalOf(error: unknown): OAuthRefusal {
  const response = (error as { errorResponse?: { error?: unknown; error_description?: unknown } } | null)?.errorResponse;
  if (response && typeof response.error === 'string') {
    return { error: response.error as OAuthRefusal['error'], error_description: typeof response.error_description === 'string' ? response.error_description : response.error };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { error: 'invalid_request', error_description: message.split('\n')[0]!.slice(0, 500) };
}

/**
 * A dc+sd-jwt presentation, the one format taken here: a compact SD-JWT (issuer JWT,
 * disclosures, key-binding JWT separated by ~) whose issuer JWT has typ dc+sd-jwt.
 */
export function isSdJwtPresentation(entry: unknown): entry is string {
  if (typeof entry !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]+~/.test(entry)) return false;
  try {
    return (JSON.parse(Buffer.from(entry.slice(0, entry.indexOf('.')), 'base64url').toString('utf8')) as { typ?: unknown }).typ === 'dc+sd-jwt';
  } catch {
    return false;
  }
}
