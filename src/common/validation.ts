import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { z } from 'zod';
import { ProblemException, problemType, type Problem } from './problem.js';

/** Builds the 400 problem that names every offending field as a JSON pointer. */
export function validationProblem(errors: { pointer: string; detail: string }[]): Problem {
  const fields = [...new Set(errors.map((e) => e.pointer))];
  return {
    type: problemType('validation'),
    title: 'Invalid request',
    status: 400,
    detail: `The request has invalid fields: ${fields.join(', ')}.`,
    errors,
  };
}

/** A property name as a pointer segment: escaped (RFC 6901), and clipped when a caller sends a huge one. */
const segment = (property: string): string => {
  const escaped = property.replace(/~/g, '~0').replace(/\//g, '~1');
  return escaped.length > 100 ? `${escaped.slice(0, 100)}…` : escaped;
};

function flatten(errors: ValidationError[], parent = ''): { pointer: string; detail: string }[] {
  return errors.flatMap((error) => {
    const pointer = `${parent}/${segment(error.property)}`;
    const own = Object.values(error.constraints ?? {}).map((detail) => ({ pointer, detail: detail.length > 300 ? `${detail.slice(0, 300)}…` : detail }));
    return [...own, ...flatten(error.children ?? [], pointer)];
  });
}

/** The one global pipe for class-validator DTOs: unknown fields refused, fields named. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ProblemException(validationProblem(flatten(errors))),
  });
}

/** Converts a zod failure into the same validation problem. */
export function zodProblem(error: z.ZodError, root = ''): ProblemException {
  return new ProblemException(
    validationProblem(
      error.issues.map((issue) => ({
        pointer: `${root}/${issue.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`.replace(/\/$/, '') || '/',
        detail: issue.message,
      })),
    ),
  );
}
