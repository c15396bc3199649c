import { OAuthError } from './errors.js';

/**
 * An offer's life (docs/wallets.md): `offered` (the pre-authorized code is valid) → `token`
 * (the code was exchanged once for a DPoP-bound access token) → gone (the credential endpoint
 * redeemed it, or it expired and the sweep deleted it). Nothing goes back.
 */
export type OfferState = 'offered' | 'token';

export interface OfferView {
  readonly state: OfferState;
  /** ms since the epoch: the code (state offered) or the access token (state token) is refused after it. */
  readonly expiresAt: number;
  /** SHA-256 (hex) of the transaction code, when the offer asks for one. */
  readonly txCodeHash: string | null;
  /** Wrong transaction codes tried so far. */
  readonly txCodeAttempts: number;
  /** RFC 7638 thumbprint of the DPoP key the access token is bound to (state token). */
  readonly dpopJkt: string | null;
}

/** After this many wrong transaction codes the offer is burned: a 6-digit code cannot be guessed online. */
export const MAX_TX_CODE_ATTEMPTS = 5;

export type TokenDecision = { readonly grant: true } | { readonly grant: false; readonly error: OAuthError; readonly burn: boolean; readonly countAttempt: boolean };

/**
 * The token endpoint's decision for a pre-authorized code (RFC 6749 §5.2, OpenID4VCI §6.3):
 * an unknown, used or expired code is `invalid_grant`; a missing transaction code is
 * `invalid_request`, a wrong one `invalid_grant` (and counts; the last allowed attempt burns the offer).
 */
export function decideToken(offer: OfferView | null, request: { readonly txCodeHash: string | null }, now: number): TokenDecision {
  const refuse = (error: OAuthError, burn = false, countAttempt = false): TokenDecision => ({ grant: false, error, burn, countAttempt });
  if (!offer) return refuse(new OAuthError('invalid_grant', 'the pre-authorized code is unknown, used or expired'));
  if (offer.state !== 'offered') return refuse(new OAuthError('invalid_grant', 'the pre-authorized code was already used'));
  if (now >= offer.expiresAt) return refuse(new OAuthError('invalid_grant', 'the pre-authorized code expired'), true);
  if (offer.txCodeHash === null) {
    if (request.txCodeHash !== null) return refuse(new OAuthError('invalid_request', 'this offer has no tx_code; do not send one'));
    return { grant: true };
  }
  if (request.txCodeHash === null) return refuse(new OAuthError('invalid_request', 'this offer needs the tx_code the issuer gave the holder'));
  if (request.txCodeHash !== offer.txCodeHash) {
    const last = offer.txCodeAttempts + 1 >= MAX_TX_CODE_ATTEMPTS;
    return refuse(new OAuthError('invalid_grant', last ? 'wrong tx_code; too many attempts, the offer is withdrawn' : 'wrong tx_code'), last, true);
  }
  return { grant: true };
}

/**
 * The credential endpoint's check of the access token's offer (RFC 6750 §3.1, RFC 9449 §7):
 * unknown, not yet exchanged or expired is `invalid_token` (401); a DPoP key other than the one
 * the token is bound to is `invalid_dpop_proof` (401).
 */
export function checkAccess(offer: OfferView | null, dpopJkt: string, now: number): void {
  if (!offer || offer.state !== 'token') throw new OAuthError('invalid_token', 'the access token is unknown, used or expired');
  if (now >= offer.expiresAt) throw new OAuthError('invalid_token', 'the access token expired');
  if (offer.dpopJkt !== dpopJkt) throw new OAuthError('invalid_dpop_proof', 'the DPoP proof is not signed with the key the access token is bound to', { status: 401 });
}
