import { createHash } from 'node:crypto';
import { base58 } from '@scure/base';
import { InvalidInputError } from '../errors.js';

/**
 * W3C Data Integrity (docs/data-integrity.md): the cryptosuites this service issues and
 * verifies, which keys each takes, the mandatory pointers of the selective-disclosure suites,
 * the JSON-LD safe-mode refusals, and the digest a DI credential is anchored under. Pure: the
 * signing and verifying themselves are the Digital Bazaar libraries' (src/modules/data-integrity).
 */

export const CRYPTOSUITES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'ecdsa-rdfc-2019', 'ecdsa-sd-2023', 'bbs-2023'] as const;
export type Cryptosuite = (typeof CRYPTOSUITES)[number];

/** The DI format's name in options.format (W3C VC API: a credential secured with an embedded proof). */
export const LDP_VC = 'ldp_vc';

export const isCryptosuite = (value: unknown): value is Cryptosuite => CRYPTOSUITES.includes(value as Cryptosuite);

/** The selective-disclosure suites: a holder derives a credential disclosing a subset. */
export const isSelectiveSuite = (suite: Cryptosuite): boolean => suite === 'ecdsa-sd-2023' || suite === 'bbs-2023';

/** The key curves each suite signs with (a Multikey's curve; Bls12381G2 for BBS). */
export const SUITE_CURVES: Readonly<Record<Cryptosuite, readonly string[]>> = {
  'eddsa-rdfc-2022': ['Ed25519'],
  'eddsa-jcs-2022': ['Ed25519'],
  'ecdsa-rdfc-2019': ['P-256', 'P-384'],
  'ecdsa-sd-2023': ['P-256'],
  'bbs-2023': ['Bls12381G2'],
};

/** The options.cryptosuite refusal: a 400 naming the allowed ones. */
export function requireCryptosuite(value: unknown): Cryptosuite {
  if (isCryptosuite(value)) return value;
  const detail = `must be one of ${CRYPTOSUITES.join(', ')}`;
  throw new InvalidInputError(`options.cryptosuite ${value === undefined ? 'is required for ldp_vc' : `${JSON.stringify(value)} is not offered`}: ${detail}`, { errors: [{ pointer: '/options/cryptosuite', detail }] });
}

const unescape = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const escape = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** Whether a JSON pointer names a value present in `document`. */
export function pointerResolves(document: unknown, pointer: string): boolean {
  if (pointer === '') return true;
  if (!pointer.startsWith('/')) return false;
  let value: unknown = document;
  for (const segment of pointer.slice(1).split('/').map(unescape)) {
    if (value === null || typeof value !== 'object') return false;
    if (Array.isArray(value)) {
      if (!/^(0|[1-9]\d*)$/.test(segment) || Number(segment) >= value.length) return false;
      value = value[Number(segment)];
    } else {
      if (!Object.hasOwn(value, segment)) return false;
      value = (value as Record<string, unknown>)[segment];
    }
  }
  return true;
}

/** Whether `mandatory` makes the claim at `pointer` always disclosed (it is the claim or contains it). */
export const coversPointer = (mandatory: string, pointer: string): boolean => mandatory === '' || pointer === mandatory || pointer.startsWith(`${mandatory}/`);

/**
 * What every derived credential must keep for a verifier: issuer, type, dates and status. They
 * are added to the issuer's mandatory pointers when present (the verifier needs them).
 */
const ALWAYS_MANDATORY = ['issuer', 'type', 'validFrom', 'validUntil', 'credentialStatus'];

/**
 * The mandatory pointers a selective-disclosure proof is made with: the issuer's
 * (options.mandatoryPointers, each a JSON pointer naming a value of the credential: 400
 * otherwise) and the always-mandatory members present, or to be added before signing (`added`:
 * credentialStatus when the service appends status entries).
 */
export function mandatoryPointersFor(credential: Record<string, unknown>, requested: readonly string[] | undefined, added: readonly string[] = []): string[] {
  const errors: { pointer: string; detail: string }[] = [];
  (requested ?? []).forEach((pointer, i) => {
    if (typeof pointer !== 'string' || !pointer.startsWith('/')) errors.push({ pointer: `/options/mandatoryPointers/${i}`, detail: 'must be a JSON pointer into the credential, like /credentialSubject/degree' });
    else if (!pointerResolves(credential, pointer)) errors.push({ pointer: `/options/mandatoryPointers/${i}`, detail: `${pointer} names no value of the credential` });
  });
  if (errors.length > 0) throw new InvalidInputError(`options.mandatoryPointers: ${errors.map((e) => e.detail).join('; ')}`, { errors });
  const always = ALWAYS_MANDATORY.filter((member) => credential[member] !== undefined || added.includes(member)).map((member) => `/${member}`);
  return [...new Set([...always, ...(requested ?? [])])];
}

/**
 * The subject claims a holder can withhold under these mandatory pointers: every claim of
 * every subject that no mandatory pointer covers (as /credentialSubject[/n]/claim pointers).
 * Non-selective suites disclose everything, so none.
 */
export function withholdableClaims(credentialSubject: unknown, mandatory: readonly string[]): string[] {
  const subjects = Array.isArray(credentialSubject) ? credentialSubject : [credentialSubject];
  return subjects.flatMap((subject, i) => {
    if (!subject || typeof subject !== 'object') return [];
    const base = Array.isArray(credentialSubject) ? `/credentialSubject/${i}` : '/credentialSubject';
    return Object.keys(subject)
      .map((claim) => `${base}/${escape(claim)}`)
      .filter((pointer) => !mandatory.some((m) => coversPointer(m, pointer)));
  });
}

/** Where a term appears as a member name in a document, as JSON pointers (first few). */
function pointersOfTerm(document: unknown, term: string, at = '', found: string[] = []): string[] {
  if (found.length >= 5 || document === null || typeof document !== 'object') return found;
  if (Array.isArray(document)) {
    document.forEach((item, i) => pointersOfTerm(item, term, `${at}/${i}`, found));
    return found;
  }
  for (const [key, value] of Object.entries(document)) {
    if (key === '@context') continue;
    if (key === term) found.push(`${at}/${escape(key)}`);
    pointersOfTerm(value, term, `${at}/${escape(key)}`, found);
  }
  return found;
}

/** A JSON-LD safe-mode refusal (jsonld.ValidationError): what did not expand, and why. */
export interface SafeModeProblem {
  readonly term: string;
  readonly detail: string;
}

/**
 * Reads a JSON-LD safe-mode error (a term or a type that expands to no IRI, a relative IRI…),
 * or undefined when the error is something else.
 */
export function safeModeProblem(error: unknown): SafeModeProblem | undefined {
  const event = (error as { details?: { event?: { code?: unknown; message?: unknown; details?: Record<string, unknown> } } } | null)?.details?.event;
  if (!event || typeof event.code !== 'string') return undefined;
  const details = event.details ?? {};
  const term = [details.property, details.type, details.value, details.term, details.iri].find((v): v is string => typeof v === 'string') ?? '';
  return { term, detail: `${event.code}: ${typeof event.message === 'string' ? event.message : 'not expressible in JSON-LD'}` };
}

/**
 * The 400 for a credential the JSON-LD contexts it names do not fully define (safe mode):
 * naming the term and where it is, and how to bring a context for it.
 */
export function safeModeError(problem: SafeModeProblem, credential: unknown): InvalidInputError {
  const where = problem.term === '' ? [] : pointersOfTerm(credential, problem.term);
  const hint = 'define it in a context the credential lists (for example https://www.w3.org/ns/credentials/undefined-terms/v2, or an inline context)';
  const detail = `${problem.term ? `"${problem.term}"` : 'a term'} expands to no IRI under the credential's @context (${problem.detail}): ${hint}`;
  const errors = (where.length > 0 ? where : ['']).map((pointer) => ({ pointer: `/credential${pointer}`, detail }));
  return new InvalidInputError(`JSON-LD safe mode: ${detail}`, { errors });
}

/**
 * Any other JSON-LD refusal at issuance (a context that is not shipped, bad JSON-LD syntax, an
 * unsupported @version) as a 400 naming what jsonld reported; undefined for other errors.
 */
export function jsonLdError(error: unknown): InvalidInputError | undefined {
  const { name, message, details } = (error ?? {}) as { name?: unknown; message?: unknown; details?: { code?: unknown; url?: unknown } };
  if (typeof name !== 'string' || !name.startsWith('jsonld.')) return undefined;
  const url = typeof details?.url === 'string' ? details.url : undefined;
  const detail = url
    ? `the context ${url} is not one this service ships, and documents are never fetched: use the shipped contexts (docs/data-integrity.md) or an inline context`
    : `${typeof details?.code === 'string' ? details.code : name}: ${typeof message === 'string' ? message : 'not valid JSON-LD'}`;
  return new InvalidInputError(`the credential cannot be processed as JSON-LD: ${detail}`, { errors: [{ pointer: url ? '/credential/@context' : '/credential', detail }] });
}

/** A Data Integrity proof as a credential or presentation carries it. */
export interface DataIntegrityProofView {
  readonly type: string;
  readonly cryptosuite: string;
  readonly verificationMethod: string;
  readonly proofPurpose: string;
  readonly proofValue: string;
  readonly challenge?: string;
  readonly domain?: string;
  readonly created?: string;
}

/** The proofs of a secured document (one, or a set); empty when it has none. */
export function proofsOf(document: unknown): Record<string, unknown>[] {
  const proof = document && typeof document === 'object' ? (document as { proof?: unknown }).proof : undefined;
  const list = Array.isArray(proof) ? proof : proof === undefined ? [] : [proof];
  return list.filter((p): p is Record<string, unknown> => p !== null && typeof p === 'object' && !Array.isArray(p));
}

/** Whether an input is a document secured with an embedded Data Integrity proof (not an envelope or a token). */
export const isDataIntegritySecured = (input: unknown): boolean => proofsOf(input).length > 0 && typeof input === 'object' && !Array.isArray(input);

/** Reads one DataIntegrityProof; a problem when it is not one this verifier takes. */
export function readProof(proof: Record<string, unknown>): DataIntegrityProofView | { problem: string } {
  if (proof.type !== 'DataIntegrityProof') return { problem: `proof type ${JSON.stringify(proof.type)} is not DataIntegrityProof` };
  if (!isCryptosuite(proof.cryptosuite)) return { problem: `cryptosuite ${JSON.stringify(proof.cryptosuite)} is not one of ${CRYPTOSUITES.join(', ')}` };
  for (const member of ['verificationMethod', 'proofPurpose', 'proofValue'] as const) {
    if (typeof proof[member] !== 'string' || proof[member] === '') return { problem: `the proof has no ${member}` };
  }
  return proof as unknown as DataIntegrityProofView;
}

/** ecdsa-sd-2023 and bbs-2023 proof values: multibase u + CBOR with a 3-byte tag header. */
const SD_HEADERS: Readonly<Record<string, { base: boolean; signatureBytes: number }>> = {
  d95d00: { base: true, signatureBytes: 64 }, // ecdsa-sd-2023 base
  d95d01: { base: false, signatureBytes: 64 }, // ecdsa-sd-2023 derived: still carries the base signature
  d95d02: { base: true, signatureBytes: 80 }, // bbs-2023 base
};

/** Whether a selective-disclosure proof is a base proof (the issuer's, for the holder) rather than a derived one. */
export function isBaseProof(proof: Pick<DataIntegrityProofView, 'proofValue'>): boolean {
  if (!proof.proofValue.startsWith('u')) return false;
  return SD_HEADERS[Buffer.from(proof.proofValue.slice(1, 5), 'base64url').subarray(0, 3).toString('hex')]?.base === true;
}

/**
 * The bytes a DI credential's issuance anchor is taken over, which stay the same in every
 * credential derived from it: the signature of eddsa / ecdsa-rdfc proofs, the base signature
 * of ecdsa-sd-2023 (base and derived). A bbs-2023 derived proof is unlinkable by design and
 * shares nothing with its base: undefined (docs/data-integrity.md, key rotation).
 */
export function anchoredSignature(proof: DataIntegrityProofView): Uint8Array | undefined {
  const value = proof.proofValue;
  try {
    if (value.startsWith('z')) return base58.decode(value.slice(1));
    if (!value.startsWith('u')) return undefined;
    const bytes = Buffer.from(value.slice(1), 'base64url');
    const header = SD_HEADERS[bytes.subarray(0, 3).toString('hex')];
    // CBOR: an array (0x8_), then the signature as a byte string with a 1-byte length (0x58 n).
    if (!header || (bytes[3]! & 0xe0) !== 0x80 || bytes[4] !== 0x58 || bytes[5] !== header.signatureBytes) return undefined;
    return bytes.subarray(6, 6 + header.signatureBytes);
  } catch {
    return undefined;
  }
}

/** The issuance-anchor digest of a DI credential (docs/credentials.md): base64url SHA-256 over `di:` and its anchored signature. */
export function dataIntegrityDigest(proof: DataIntegrityProofView): string | undefined {
  const signature = anchoredSignature(proof);
  return signature ? createHash('sha256').update('di:').update(signature).digest('base64url') : undefined;
}
