import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.module.js';
import { OAuthException } from './oid4vp.service.js';

/**
 * Wallets read OAuth errors (RFC 6749 5.2, OpenID4VP 1.0 8.5): `application/json`
 * `{error, error_description}`, not problem+json, on the endpoints wallets call.
 */
@Catch()
export class WalletErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status: number;
    let body: { error: string; error_description: string };
    if (exception instanceof OAuthException) {
      status = exception.status;
      body = { ...exception.refusal };
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      status = exception.getStatus() === 404 ? 404 : 400;
      body = { error: 'invalid_request', error_description: exception.message };
    } else {
      this.log.error({ err: exception, requestId: request.id }, 'unexpected error on a wallet endpoint');
      status = 500;
      body = { error: 'server_error', error_description: `the verifier failed to handle this request (request id ${String(request.id)})` };
    }
    void reply.status(status).header('content-type', 'application/json').header('cache-control', 'no-store').send(body);
  }
}
