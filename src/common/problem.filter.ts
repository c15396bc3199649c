import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { redactUrl } from './logger.js';
import { DomainError } from '../domain/errors.js';
import { DOMAIN_ERROR_STATUS, HTTP_STATUS_SLUG, PROBLEM_CONTENT_TYPE, ProblemException, problemType, type Problem } from './problem.js';

/** What Fastify's own 4xx errors mean to a caller, by Fastify error code. */
const FASTIFY_DETAIL: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty but its content-type says JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this service accepts.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request content-type is not supported; send application/json.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The content-length header does not match the body.',
};

const MAX_DETAIL = 1_000;

/**
 * The one exception filter: every error leaves as RFC 9457 problem+json. Domain errors map by
 * code; anything unexpected is logged in full and answered 500 with the request id only.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const problem = this.toProblem(exception, request);
    problem.requestId = String(request.id);
    // A detail may quote the request (an id, a path); it never echoes kilobytes of it.
    if (problem.detail.length > MAX_DETAIL) problem.detail = `${problem.detail.slice(0, MAX_DETAIL)}…`;
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  /** The problem details of an exception (also what the explorer renders as its HTML error page). */
  toProblem(exception: unknown, request: FastifyRequest): Problem {
    if (exception instanceof ProblemException) return { ...exception.problem };
    if (exception instanceof DomainError) {
      const { status, slug, title } = DOMAIN_ERROR_STATUS[exception.code];
      return { type: problemType(slug), title, status, detail: exception.message, ...(exception.details ?? {}) };
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception, request);
    if (unstorableText(exception)) {
      // PostgreSQL refuses a NUL byte in text (SQLite stores it): input that reached a query unchecked, still the client's.
      this.log.warn({ requestId: request.id, method: request.method, url: redactUrl(request.url) }, 'input the database cannot store reached a query');
      return { type: problemType('invalid-input'), title: 'Invalid input', status: 400, detail: 'The request carries a character that cannot be stored (a NUL byte).' };
    }
    this.log.error({ err: exception, requestId: request.id, method: request.method, url: redactUrl(request.url) }, 'unexpected error');
    return {
      type: problemType('internal-error'),
      title: 'Internal server error',
      status: 500,
      detail: 'The service failed to handle this request. Quote the request id when reporting it.',
    };
  }

  private fromHttpException(exception: HttpException, request: FastifyRequest): Problem {
    const status = exception.getStatus();
    const title = STATUS_CODES[status] ?? 'Error';
    const slug = HTTP_STATUS_SLUG[status] ?? `http-${status}`;
    const cause = exception.cause as { code?: unknown } | undefined;
    const fastifyDetail = typeof cause?.code === 'string' ? FASTIFY_DETAIL[cause.code] : undefined;
    if (status >= 500) this.log.error({ err: exception, requestId: request.id }, 'server error');
    if (status === 404 && fastifyDetail === undefined && !(exception.cause)) {
      const response = exception.getResponse();
      // Nest's router answers unknown paths with "Cannot GET /x": say it in our words.
      if (typeof response === 'object' && /^Cannot /.test(String((response as { message?: unknown }).message))) {
        return { type: problemType(slug), title, status, detail: `No resource at ${request.method} ${request.url.split('?')[0]}.` };
      }
    }
    return { type: problemType(slug), title, status, detail: fastifyDetail ?? this.messageOf(exception, status) };
  }

  private messageOf(exception: HttpException, status: number): string {
    if (status >= 500) return 'The service failed to handle this request. Quote the request id when reporting it.';
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    return typeof message === 'string' ? message : exception.message;
  }
}

/** PostgreSQL's refusals of text it cannot store (22021: a NUL byte in UTF-8 text; 22P05: untranslatable). */
function unstorableText(exception: unknown): boolean {
  const code = (exception as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return exception instanceof Error && exception.name === 'QueryFailedError' && (code === '22021' || code === '22P05');
}
