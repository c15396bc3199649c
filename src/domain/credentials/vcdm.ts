import { InvalidInputError } from '../errors.js';
import { dataModelProblems, describeProblems, type DataModelProblem } from './vcdm-rules.js';

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

/** Validates a VCDM 2.0 credential (vcdm-rules.ts); refusals name each field as a JSON pointer under /credential. */
export function parseCredential(input: unknown): Credential {
  const problems: DataModelProblem[] = dataModelProblems(input, '2.0');
  const credential = input as Credential;
  if (problems.length === 0 && credential.proof !== undefined) problems.push({ pointer: '/proof', detail: 'must be absent: the service secures the credential' });
  if (problems.length === 0 && credential.validFrom && credential.validUntil && Date.parse(credential.validUntil) < Date.parse(credential.validFrom)) {
    problems.push({ pointer: '/validUntil', detail: 'must not be before validFrom' });
  }
  if (problems.length > 0) {
    const errors = problems.map((p) => ({ pointer: `/credential${p.pointer}`, detail: p.detail }));
    throw new InvalidInputError(`the credential is not a valid VCDM 2.0 credential: ${describeProblems(errors)}`, { errors });
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
