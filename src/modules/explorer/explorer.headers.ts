import type { FastifyReply } from 'fastify';
import { EXPLORER_CSP } from './pages.js';

/** The headers of every explorer page: HTML, a strict Content-Security-Policy, no sniffing, no framing, no referrer. */
export function htmlHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', EXPLORER_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache');
}
