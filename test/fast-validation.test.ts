import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastCheckOf } from '../src/common/validation.js';
import { IssueRequestDto, VerifyRequestDto } from '../src/modules/credentials/dto/credentials.dto.js';
import { ResolveQueryDto } from '../src/modules/registry/dto/registry.dto.js';

/**
 * The fast checks of hot DTOs (src/common/validation.ts) must accept only what class-validator
 * accepts, and what they accept must be what the controller would have got from it.
 */
const slow = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

async function classValidatorVerdict(dto: unknown, value: unknown): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: await slow.transform(value, { type: 'body', metatype: dto as never }) };
  } catch {
    return { ok: false };
  }
}

const anyValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 2 }));
const pick = <T>(values: T[]) => fc.oneof(fc.constantFrom(...values), anyValue);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const issueOptions = fc.record(
  {
    format: pick(['vc+jwt', 'vc+sd-jwt', 'dc+sd-jwt', 'jwt_vc_json', 'ldp_vc']),
    selectivelyDisclosable: fc.oneof(fc.array(fc.constantFrom('/credentialSubject/a', '/x'), { maxLength: 3 }), fc.array(anyValue, { maxLength: 2 }), anyValue),
    holder: anyValue,
    vct: anyValue,
    status: fc.oneof(fc.array(fc.constantFrom('revocation', 'suspension', 'other'), { maxLength: 3 }), anyValue),
    extra: anyValue,
  },
  { requiredKeys: [] },
);
const issueBody = fc.record(
  { credential: fc.oneof(fc.dictionary(fc.constantFrom('issuer', 'type', '@context'), fc.string(), { maxKeys: 3 }), anyValue), options: fc.oneof(issueOptions, anyValue), other: anyValue },
  { requiredKeys: [] },
);
const verifyBody = fc.record({ verifiableCredential: anyValue, options: optional(fc.oneof(fc.dictionary(fc.constantFrom('challenge', 'checks'), fc.string(), { maxKeys: 2 }), anyValue)), other: anyValue }, { requiredKeys: [] });
const resolveQuery = fc.oneof(fc.constant({}), fc.record({ versionId: fc.oneof(fc.constant('2'), fc.string()), versionTime: fc.string() }, { requiredKeys: [] }));

describe('fast checks of hot DTOs', () => {
  for (const [name, dto, bodies] of [
    ['IssueRequestDto', IssueRequestDto, issueBody],
    ['VerifyRequestDto', VerifyRequestDto, verifyBody],
    ['ResolveQueryDto', ResolveQueryDto, resolveQuery],
  ] as const) {
    it(`${name}: accepts only what class-validator accepts, and passes on what it would`, async () => {
      const check = fastCheckOf(dto)!;
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(bodies as fc.Arbitrary<unknown>, async (body) => {
          if (!check(body)) return;
          accepted++;
          const verdict = await classValidatorVerdict(dto, body);
          expect(verdict.ok).toBe(true);
          expect(JSON.parse(JSON.stringify((verdict as { value: unknown }).value))).toEqual(JSON.parse(JSON.stringify(body)));
        }),
        { numRuns: 2000 },
      );
      expect(accepted).toBeGreaterThan(10); // the generator reaches the fast path
    });
  }

  it('a body with an unknown field, or a bad format, is left to class-validator', () => {
    const check = fastCheckOf(IssueRequestDto)!;
    expect(check({ credential: {} })).toBe(true);
    expect(check({ credential: {}, options: { format: 'vc+jwt', status: ['revocation', 'suspension'] } })).toBe(true);
    expect(check({ credential: {}, extra: 1 })).toBe(false);
    expect(check({ credential: {}, options: { format: 'ldp_vc' } })).toBe(false);
    expect(check({ credential: {}, options: { status: ['revocation', 'revocation'] } })).toBe(false);
    expect(check({ credential: [] })).toBe(false);
  });
});
