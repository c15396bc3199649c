import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ProblemException, problemType } from '../../common/problem.js';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { bearerToken, sameSecret } from './bearer.js';

export const unauthorized = (detail: string): ProblemException =>
  new ProblemException({ type: problemType('unauthorized'), title: 'Unauthorized', status: 401, detail });

/** Lets through only requests bearing the region admin token (ADMIN_TOKEN). */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(REGION_CONFIG) private readonly config: RegionConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<FastifyRequest>());
    if (token === undefined) throw unauthorized('This endpoint needs the region admin token: Authorization: Bearer <token>.');
    if (!sameSecret(token, this.config.adminToken)) throw unauthorized('The bearer token is not the region admin token.');
    return true;
  }
}
