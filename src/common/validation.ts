import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
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

/**
 * A check of a DTO's common valid bodies, compiled once as plain code: what it accepts is passed
 * on as it is, without class-transformer and class-validator (docs/performance.md: they were
 * ~15% of a request on hot routes). It must accept only what the DTO's decorators accept, with
 * no field to transform or strip; whatever it does not accept goes through class-validator,
 * which decides and words the errors as before.
 */
export type FastCheck = (value: unknown) => boolean;
const fastChecks = new Map<unknown, FastCheck>();

/** Registers the fast check of a DTO class (next to the DTO, so the two are read together). */
export function fastAccept(dto: abstract new (...args: never[]) => unknown, check: FastCheck): void {
  fastChecks.set(dto, check);
}

/** The fast check registered for a DTO class (for tests). */
export const fastCheckOf = (dto: unknown): FastCheck | undefined => fastChecks.get(dto);

/** A JSON object: not an array, not null (class-validator's IsObject). */
export const jsonObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A JSON object whose keys are all among `allowed`. */
export function plainObjectWith(value: unknown, allowed: ReadonlySet<string>): value is Record<string, unknown> {
  if (!jsonObject(value)) return false;
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

class FastValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A string path or query parameter typed string: ValidationPipe would return String(value), the same string.
    if (metadata.metatype === String && typeof value === 'string') return value;
    const check = metadata.metatype ? fastChecks.get(metadata.metatype) : undefined;
    if (check?.(value)) return value;
    return super.transform(value, metadata);
  }
}

/** The one global pipe for class-validator DTOs: unknown fields refused, fields named. */
export function createValidationPipe(): ValidationPipe {
  return new FastValidationPipe({
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
