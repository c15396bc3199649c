import type { DomainErrorCode } from '../domain/errors.js';

/** RFC 9457 problem details, as every error of the HTTP contract is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  /** Offending fields for validation errors: JSON pointers into the request. */
  errors?: { pointer: string; detail: string }[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://isthmus.dev/problems/';

/** Problem type URIs are stable identifiers; they need not resolve. */
export const problemType = (slug: string): string => `${TYPE_BASE}${slug}`;

/** A thrown problem: the filter renders it as is. */
export class ProblemException extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ProblemException';
  }
}

export const DOMAIN_ERROR_STATUS: Record<DomainErrorCode, { status: number; slug: string; title: string }> = {
  INVALID_INPUT: { status: 400, slug: 'invalid-input', title: 'Invalid input' },
  INVALID_OPERATION: { status: 400, slug: 'invalid-operation', title: 'Invalid DID operation' },
  INVALID_SIGNATURE: { status: 400, slug: 'invalid-signature', title: 'Invalid signature' },
  INVALID_DID: { status: 400, slug: 'invalid-did', title: 'Invalid DID' },
  INVALID_KEY: { status: 400, slug: 'invalid-key', title: 'Invalid key' },
  INVALID_PROOF: { status: 400, slug: 'invalid-proof', title: 'Invalid proof' },
  INVALID_CHECKPOINT: { status: 400, slug: 'invalid-checkpoint', title: 'Invalid checkpoint' },
  NOT_FOUND: { status: 404, slug: 'not-found', title: 'Not found' },
  CONFLICT: { status: 409, slug: 'conflict', title: 'Conflict' },
  DEACTIVATED: { status: 410, slug: 'deactivated', title: 'Deactivated' },
  METHOD_NOT_SUPPORTED: { status: 501, slug: 'method-not-supported', title: 'Method not supported' },
  UNAUTHORIZED: { status: 401, slug: 'unauthorized', title: 'Unauthorized' },
  FORBIDDEN: { status: 403, slug: 'forbidden', title: 'Forbidden' },
  UNAVAILABLE: { status: 503, slug: 'unavailable', title: 'Service unavailable' },
};

/** Problem type slugs for HTTP statuses that do not come from a DomainError. */
export const HTTP_STATUS_SLUG: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  408: 'request-timeout',
  409: 'conflict',
  413: 'payload-too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  422: 'unprocessable-content',
  429: 'too-many-requests',
  431: 'request-header-fields-too-large',
  500: 'internal-error',
  503: 'unavailable',
};
