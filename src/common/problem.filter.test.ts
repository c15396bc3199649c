import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { ProblemFilter } from './problem.filter.js';

const request = { id: 'req-1', method: 'GET', url: '/x/%00' } as FastifyRequest;
const filter = new ProblemFilter(pino({ level: 'silent' }));
const queryError = (code: string) => new QueryFailedError('SELECT 1', [], Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code }));

describe('errors that are no exception classes of ours', () => {
  it('a NUL byte PostgreSQL refuses to store is the client’s input: 400, not 500', () => {
    expect(filter.toProblem(queryError('22021'), request)).toMatchObject({ status: 400, type: expect.stringMatching(/invalid-input$/), detail: expect.stringMatching(/NUL/) });
    expect(filter.toProblem(queryError('22P05'), request)).toMatchObject({ status: 400 });
  });

  it('any other database failure stays a 500 that names no detail', () => {
    expect(filter.toProblem(queryError('40001'), request)).toMatchObject({ status: 500, type: expect.stringMatching(/internal-error$/) });
    expect(filter.toProblem(new Error('boom'), request)).toMatchObject({ status: 500, detail: expect.not.stringMatching(/boom/) });
  });
});
