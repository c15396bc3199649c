import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.module.js';
import { ProblemFilter } from '../../common/problem.filter.js';
import { NetworkService } from '../network/network.service.js';
import { errorPage } from './pages.js';
import { htmlHeaders } from './explorer.headers.js';

/** At most this much of a problem's detail reaches the page (it may quote the request). */
const MAX_DETAIL = 1_000;

/**
 * Explorer pages fail as HTML: the same status, title and detail the problem+json of the API
 * would carry (the one mapping of errors, ProblemFilter's), as a page a person can read.
 */
@Catch()
export class ExplorerErrorFilter implements ExceptionFilter {
  private readonly problems: ProblemFilter;

  constructor(
    @Inject(LOGGER) log: Logger,
    private readonly network: NetworkService,
  ) {
    this.problems = new ProblemFilter(log);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const problem = this.problems.toProblem(exception, request);
    const detail = problem.detail.length > MAX_DETAIL ? `${problem.detail.slice(0, MAX_DETAIL)}…` : problem.detail;
    htmlHeaders(reply.status(problem.status));
    void reply.send(errorPage(this.network.self.id, problem.status, problem.title, detail, String(request.id)));
  }
}
