import { z } from 'zod';
import { InvalidInputError } from '../errors.js';

export const VCDM2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const VCDM1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

// XML Schema dateTimeStamp, as VCDM 2.0 requires for validFrom / validUntil: a time zone is mandatory.
const DATE_TIME_STAMP = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const dateTime = z
  .string()
  .regex(DATE_TIME_STAMP, 'must be an XML Schema dateTimeStamp, e.g. 2026-01-01T00:00:00Z')
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a real instant');
const url = z.string().regex(/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/, 'must be a URL');
const typeList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** A VCDM 2.0 credential as an issuer submits it (no proof: we secure it). */
const credentialSchema = z
  .object({
    '@context': z
      .array(z.union([z.string(), z.record(z.string(), z.unknown())]))
      .min(1)
      .refine((c) => c[0] === VCDM2_CONTEXT, `must start with "${VCDM2_CONTEXT}"`),
    id: url.optional(),
    type: typeList.refine((t) => (Array.isArray(t) ? t : [t]).includes('VerifiableCredential'), 'must include "VerifiableCredential"'),
    issuer: z.union([url, z.object({ id: url }).passthrough()]),
    validFrom: dateTime.optional(),
    validUntil: dateTime.optional(),
    credentialSubject: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown())).min(1)]),
    credentialSchema: z.unknown().optional(),
    credentialStatus: z.unknown().optional(),
    proof: z.undefined({ error: 'must be absent: the service secures the credential' }).optional(),
  })
  .passthrough();

export type Credential = z.infer<typeof credentialSchema>;

/** Validates a VCDM 2.0 credential; refusals name the field as a JSON pointer. */
export function parseCredential(input: unknown): Credential {
  const parsed = credentialSchema.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ pointer: `/credential/${issue.path.join('/')}`.replace(/\/$/, ''), detail: issue.message }));
    throw new InvalidInputError(`the credential is not a valid VCDM 2.0 credential: ${errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`, { errors });
  }
  const credential = parsed.data;
  if (credential.validFrom && credential.validUntil && Date.parse(credential.validUntil) < Date.parse(credential.validFrom)) {
    throw new InvalidInputError('validUntil is before validFrom', { errors: [{ pointer: '/credential/validUntil', detail: 'must not be before validFrom' }] });
  }
  return credential;
}

/** The issuer a credential names (a URL, or an object's `id`); '' when it names none, which no DID matches. */
export function issuerId(credential: { issuer?: unknown }): string {
  const { issuer } = credential;
  if (typeof issuer === 'string') return issuer;
  const id = issuer !== null && typeof issuer === 'object' ? (issuer as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : '';
}

/** The credential's types (the string ones; none when `type` is missing or not a string). */
export const typesOf = (credential: { type?: unknown }): string[] =>
  Array.isArray(credential.type) ? credential.type.filter((t): t is string => typeof t === 'string') : typeof credential.type === 'string' ? [credential.type] : [];

/** The `vct` this service gives an SD-JWT VC by default: `<region URL>/vct/<the credential's last type>`. */
export const defaultVct = (regionUrl: string, types: readonly string[]): string => `${regionUrl}/vct/${encodeURIComponent(types[types.length - 1]!)}`;

/** An SD-JWT VC's types: its vct, and for a vct of the default form that type too. */
export function typesOfVct(vct: unknown): string[] {
  if (typeof vct !== 'string') return [];
  const match = /\/vct\/([^/?#]+)$/.exec(vct);
  if (!match) return [vct];
  try {
    return [vct, decodeURIComponent(match[1]!)];
  } catch {
    return [vct]; // not percent-encoding: not one of our default vcts
  }
}
