import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

/** The RFC 9457 problem details schema (src/common/problem.ts), registered once in components. */
export const PROBLEM_SCHEMA_NAME = 'Problem';
export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details (docs/errors.md); extension members may follow.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'https://isthmus.dev/problems/validation' },
    title: { type: 'string', example: 'Invalid request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string', maxLength: 1000 },
    instance: { type: 'string' },
    requestId: { type: 'string', description: 'the x-request-id of the answer' },
    errors: {
      type: 'array',
      description: 'offending fields, for validation errors',
      items: { type: 'object', required: ['pointer', 'detail'], properties: { pointer: { type: 'string', example: '/options/format' }, detail: { type: 'string' } } },
    },
  },
  additionalProperties: true,
} as const;

/** `content` of a problem+json response, for `@ApiResponse`. */
export const problemContent = { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` } } };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/** What any route can answer before or beside its own logic (docs/errors.md, "refused before any route runs"). */
const GENERIC = {
  any: {
    '400': 'problem+json: a malformed request (bad percent-encoding, invalid query parameters)',
    '431': "problem+json: the request line and headers exceed Node's limit (16 KiB)",
    '500': 'problem+json: a fault of the service (logged in full; the answer carries the request id only)',
  },
  body: { '400': 'problem+json: the body is not JSON, nests too deep, or has invalid fields (named in errors)', '413': 'problem+json: the body is larger than BODY_LIMIT_BYTES', '415': 'problem+json: a content-type other than application/json' },
  pathParameter: { '404': 'problem+json: nothing here by that name (an unknown id, region or DID)', '414': 'problem+json: a path parameter over 4 096 characters' },
  bearer: { '401': 'problem+json: no bearer token, or not one this route accepts' },
} as const;

/**
 * Completes the generated document so that it tells every status a route can answer: the
 * statuses the framework answers for any route, and for every 4xx/5xx the problem+json schema
 * unless the route documents its own error format (verify's VC API result, DID resolution).
 * The bearer scheme carries opaque tokens (issuer API keys, the admin token), not JWTs.
 */
export function completeOpenApi(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, [PROBLEM_SCHEMA_NAME]: PROBLEM_SCHEMA as never };
  for (const scheme of Object.values(document.components.securitySchemes ?? {})) {
    if ('scheme' in scheme && scheme.scheme === 'bearer') {
      delete scheme.bearerFormat;
      scheme.description = 'an opaque token: an issuer API key (isk_…) or the region admin token';
    }
  }
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const generic: Record<string, string> = { ...GENERIC.any };
      // A body can be sent to any POST, even one that reads none: the framework checks its content-type and size.
      if (operation.requestBody || method === 'post' || method === 'put' || method === 'patch') Object.assign(generic, GENERIC.body);
      if ((operation.parameters ?? []).some((p) => 'in' in p && p.in === 'path')) Object.assign(generic, GENERIC.pathParameter);
      if ((operation.security ?? []).some((requirement) => 'bearer' in requirement)) Object.assign(generic, GENERIC.bearer);
      for (const [status, description] of Object.entries(generic)) operation.responses[status] ??= { description };
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!response || Number(status) < 400 || '$ref' in response) continue;
        if (!response.content) response.content = problemContent;
        else if (!response.content[PROBLEM_CONTENT_TYPE] && !Object.values(response.content).some((c) => c.schema)) response.content = problemContent;
      }
    }
  }
  return document;
}
