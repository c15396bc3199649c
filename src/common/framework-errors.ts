import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_STATUS_SLUG, PROBLEM_CONTENT_TYPE, problemType, type Problem } from './problem.js';

const problemFor = (status: number, detail: string): Problem => ({
  type: problemType(HTTP_STATUS_SLUG[status] ?? `http-${status}`),
  title: STATUS_CODES[status] ?? 'Error',
  status,
  detail,
});

/** What Fastify's router refuses before any route, hook or Nest filter runs; the detail never quotes the URL. */
const ROUTER_DETAIL: Record<string, string> = {
  FST_ERR_BAD_URL: 'The request path is not valid percent-encoding.',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is longer than this service accepts.',
};

/** Fastify's `frameworkErrors`: the router's own refusals (bad percent-encoding, over-long parameter) as problem+json. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const problem = { ...problemFor(status, ROUTER_DETAIL[error.code] ?? 'The request cannot be routed.'), requestId: String(request.id) };
  void reply.status(status).header('content-type', PROBLEM_CONTENT_TYPE).header('x-request-id', request.id).send(JSON.stringify(problem));
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses (headers or URL too large,
 * malformed request line, request timeout) never reaches Fastify; answer it on the socket as problem+json.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line and headers are larger than this service accepts.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time.']
        : [400, 'The request is not valid HTTP.'];
  const body = JSON.stringify(problemFor(status, detail));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
