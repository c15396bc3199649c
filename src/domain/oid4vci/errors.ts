/**
 * The error answers of OAuth 2.0 (RFC 6749 §5.2), DPoP (RFC 9449) and OpenID4VCI 1.0 (§8.3.1.2):
 * what a wallet gets back as `application/json` `{error, error_description}`, never problem+json.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_token'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'invalid_credential_request'
  | 'unknown_credential_configuration'
  | 'invalid_proof'
  | 'invalid_nonce'
  | 'credential_request_denied';

/** Where the error was met: the token endpoint answers 400, the credential endpoint 400 or 401 (RFC 6750). */
const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  invalid_token: 401,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  invalid_credential_request: 400,
  unknown_credential_configuration: 400,
  invalid_proof: 400,
  invalid_nonce: 400,
  credential_request_denied: 400,
};

export class OAuthError extends Error {
  readonly status: number;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    options: { status?: number; dpopNonce?: string } = {},
  ) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
    this.status = options.status ?? STATUS[code];
    this.dpopNonce = options.dpopNonce;
  }

  /** A fresh DPoP nonce to send back (`DPoP-Nonce`), with use_dpop_nonce. */
  readonly dpopNonce: string | undefined;

  /** The JSON body: the description clipped, so it never quotes a whole hostile input. */
  body(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description.length > 500 ? `${this.description.slice(0, 497)}...` : this.description };
  }
}
