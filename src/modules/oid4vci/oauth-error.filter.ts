import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OAuthError } from '../../domain/oid4vci/errors.js';

const quoted = (text: string): string => text.replace(/[\\"]/g, "'").replace(/[^\x20-\x7e]/g, '?');

/**
 * Wallet-facing refusals are OAuth errors (RFC 6749 §5.2, RFC 6750 §3, RFC 9449 §7.1,
 * OpenID4VCI §8.3.1.2): `application/json` `{error, error_description}`; a 401 also names the
 * error in `WWW-Authenticate: DPoP …`, and use_dpop_nonce sends the nonce to use in `DPoP-Nonce`.
 */
@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter {
  catch(error: OAuthError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = error.body();
    void reply.status(error.status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store');
    if (error.dpopNonce) void reply.header('dpop-nonce', error.dpopNonce);
    if (error.status === 401) void reply.header('www-authenticate', `DPoP error="${body.error}", error_description="${quoted(body.error_description)}", algs="ES256"`);
    void reply.send(body);
  }
}
