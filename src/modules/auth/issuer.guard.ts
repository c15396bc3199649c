import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IssuerRepository } from '../admin/issuer.repository.js';
import { unauthorized } from './admin.guard.js';
import { bearerToken, hashApiKey } from './bearer.js';

/** The issuer tenant a request acts for. */
export interface IssuerPrincipal {
  readonly id: string;
  readonly name: string;
}

type WithIssuer = FastifyRequest & { issuer?: IssuerPrincipal };

/** Lets through requests bearing an issuer API key, and records which issuer it is. */
@Injectable()
export class IssuerGuard implements CanActivate {
  constructor(private readonly issuers: IssuerRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithIssuer>();
    const token = bearerToken(request);
    if (token === undefined) throw unauthorized("This endpoint needs an issuer API key: Authorization: Bearer <key>.");
    const issuer = await this.issuers.findByApiKeyHash(hashApiKey(token));
    if (!issuer) throw unauthorized('The bearer token is not a valid issuer API key.');
    request.issuer = { id: issuer.id, name: issuer.name };
    return true;
  }
}

/** Injects the authenticated issuer (use with IssuerGuard). */
export const CurrentIssuer = createParamDecorator((_: unknown, context: ExecutionContext): IssuerPrincipal => {
  return context.switchToHttp().getRequest<WithIssuer>().issuer!;
});
