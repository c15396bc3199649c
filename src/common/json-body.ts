import type { FastifyRequest } from 'fastify';
import { ProblemException, problemType } from './problem.js';

/**
 * How deep a request body may nest arrays and objects. Our deepest documents (a DID document in
 * an operation, a credential with nested subjects) stay under 20; class-transformer and the
 * validators recurse per level, so a body 10 000 levels deep would overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `text` nests JSON arrays and objects deeper than `limit`: one pass, no recursion, strings skipped. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

type Done = (error: Error | null, body?: unknown) => void;
type JsonParser = (request: FastifyRequest, body: string, done: Done) => void;

/** Fastify's own JSON parser, behind the depth bound: too deep is a 400 that names the limit, before anything recurses. */
export function boundedJsonParser(parse: JsonParser): JsonParser {
  return (request, body, done) => {
    if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) {
      done(
        new ProblemException({
          type: problemType('json-too-deep'),
          title: 'Request body nested too deeply',
          status: 400,
          detail: `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; this service accepts at most ${MAX_JSON_DEPTH}.`,
          maxDepth: MAX_JSON_DEPTH,
        }),
      );
      return;
    }
    parse(request, body, done);
  };
}

/**
 * Routes that take `application/x-www-form-urlencoded` bodies: OAuth token endpoints (RFC 6749
 * §4.1.3) and the OpenID4VP response endpoint wallets post to (OpenID4VP 1.0 section 8.2).
 */
const FORM_ROUTES = /^(?:\/oid4vci\/issuers\/:[A-Za-z]+\/token|\/oid4vp\/requests\/:[A-Za-z]+\/response)$/;

/**
 * Form bodies for the routes above, as a flat object (a repeated name keeps its first value);
 * anywhere else a form is refused as an unsupported content-type, as before.
 */
export function formBodyParser(request: FastifyRequest, body: string, done: Done): void {
  if (!FORM_ROUTES.test(request.routeOptions.url ?? '')) {
    done(new ProblemException({ type: problemType('unsupported-media-type'), title: 'Unsupported Media Type', status: 415, detail: 'The request content-type is not supported; send application/json.' }));
    return;
  }
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) if (!(name in form)) form[name] = value;
  done(null, form);
}
