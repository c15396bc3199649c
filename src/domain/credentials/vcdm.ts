import { InvalidInputError } from '../errors.js';
import { dataModelProblems, describeProblems, VCDM1_CONTEXT, VCDM2_CONTEXT, type DataModelProblem } from './vcdm-rules.js';

export { VCDM1_CONTEXT, VCDM2_CONTEXT } from './vcdm-rules.js';

/** A VCDM 2.0 credential as an issuer submits it (no proof: we secure it), once it passed the rules. */
export interface Credential {
  '@context': (string | Record<string, unknown>)[];
  id?: string;
  type: string | string[];
  issuer: string | { id: string; [property: string]: unknown };
  validFrom?: string;
  validUntil?: string;
  credentialSubject: Record<string, unknown> | Record<string, unknown>[];
  credentialSchema?: unknown;
  credentialStatus?: unknown;
  [property: string]: unknown;
}

/**
 * Validates a credential an issuer submits (vcdm-rules.ts); refusals name each field as a JSON
 * pointer under /credential. VCDM 2.0 input is accepted for every format; VCDM 1.1 input (its
 * context first, issuanceDate / expirationDate) only for `jwt_vc_json`, the format that carries
 * 1.1, and comes back in the 2.0 shape the issuer signs from (validFrom / validUntil).
 */
export function parseCredential(input: unknown, format = 'vc+jwt'): Credential {
  const context = (input as { '@context'?: unknown } | null)?.['@context'];
  const version = Array.isArray(context) && context[0] === VCDM1_CONTEXT ? '1.1' : '2.0';
  if (version === '1.1' && format !== 'jwt_vc_json') {
    const errors = [{ pointer: '/credential/@context', detail: `VCDM 1.1 input is accepted for jwt_vc_json only; a ${format} credential starts with ${VCDM2_CONTEXT}` }];
    throw new InvalidInputError(`the credential is VCDM 1.1: ${errors[0]!.detail}`, { errors });
  }
  const problems: DataModelProblem[] = dataModelProblems(input, version);
  const credential = (version === '1.1' && problems.length === 0 ? fromVcdm1(input as Record<string, unknown>) : input) as Credential;
  if (problems.length === 0 && credential.proof !== undefined) problems.push({ pointer: '/proof', detail: 'must be absent: the service secures the credential' });
  if (problems.length === 0 && credential.validFrom && credential.validUntil && Date.parse(credential.validUntil) < Date.parse(credential.validFrom)) {
    problems.push(version === '1.1' ? { pointer: '/expirationDate', detail: 'must not be before issuanceDate' } : { pointer: '/validUntil', detail: 'must not be before validFrom' });
  }
  if (problems.length > 0) {
    const errors = problems.map((p) => ({ pointer: `/credential${p.pointer}`, detail: p.detail }));
    throw new InvalidInputError(`the credential is not a valid VCDM ${version} credential: ${describeProblems(errors)}`, { errors });
  }
  return credential;
}

// VCDM 1.1 dates are XML Schema dateTime, whose time zone is optional: without one, UTC.
const utc = (dateTime: string): string => (/(Z|[+-]\d{2}:\d{2})$/.test(dateTime) ? dateTime : `${dateTime}Z`);

/** A VCDM 1.1 credential in the 2.0 shape: the 2.0 context in place of 1.1's, its dates as validFrom / validUntil. */
function fromVcdm1(credential: Record<string, unknown>): Credential {
  const { issuanceDate, expirationDate, '@context': context, ...rest } = credential;
  return {
    ...rest,
    '@context': [VCDM2_CONTEXT, ...(context as Credential['@context']).slice(1)],
    ...(typeof issuanceDate === 'string' ? { validFrom: utc(issuanceDate) } : {}),
    ...(typeof expirationDate === 'string' ? { validUntil: utc(expirationDate) } : {}),
  } as Credential;
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
