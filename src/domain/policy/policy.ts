import { z } from 'zod';
import { InvalidInputError } from '../errors.js';

/**
 * A region's jurisdiction policy (docs/jurisdictions.md), from DATA_DIR/policy.json: what must
 * stay selectively disclosable in credentials issued here, what relying parties here may
 * receive from other regions' credentials, whose accreditations this region recognizes, and
 * how long issuance records are kept.
 */
export interface RegionPolicy {
  readonly v: 1;
  /** Credential type → claims (of the subject) that credentials issued here must make selectively disclosable; `*` applies to every type. */
  readonly protectedClaims: Readonly<Record<string, readonly string[]>>;
  /**
   * Credential type → purpose → subject claims a relying party of this region may receive from
   * a credential issued in another region. Types not listed are not restricted; for a listed
   * type, a purpose not listed (or none stated) allows the claims of purpose `*`, or none.
   */
  readonly foreignDisclosure: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Region id → credential types whose accreditation by that region this one recognizes (`*`: all). */
  readonly recognize: Readonly<Record<string, readonly string[] | '*'>>;
  readonly retention: {
    /** After this many days a record keeps only what status changes need (or goes, without status entries); absent: kept whole. */
    readonly issuanceRecordDays?: number;
    /** `full`: types and token hash kept until issuanceRecordDays; `status-only`: only what status changes need, from the start. */
    readonly keep: 'full' | 'status-only';
  };
}

const claimName = z.string().regex(/^[^/~]{1,100}$/, 'must be a top-level claim name of the subject');
const typeName = z.string().min(1).max(200);

const schema = z.strictObject({
  v: z.literal(1),
  protectedClaims: z.record(typeName, z.array(claimName).max(100)).default({}),
  foreignDisclosure: z.record(typeName, z.record(z.string().min(1).max(100), z.array(claimName).max(100))).default({}),
  recognize: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a region id'), z.union([z.literal('*'), z.array(typeName).max(100)])).default({}),
  retention: z
    .strictObject({
      issuanceRecordDays: z.number().int().min(0).max(36_500).optional(),
      keep: z.enum(['full', 'status-only']).default('full'),
    })
    .default({ keep: 'full' }),
});

export const EMPTY_POLICY: RegionPolicy = { v: 1, protectedClaims: {}, foreignDisclosure: {}, recognize: {}, retention: { keep: 'full' } };

/**
 * The policy in a file's JSON, or an InvalidInputError naming the first problem by JSON pointer.
 * `regions`: the network's region ids (genesis); a `recognize` entry naming another is refused,
 * since no accreditation of it can ever reach the ledger (most likely a typo).
 */
export function parsePolicy(value: unknown, regions?: readonly string[]): RegionPolicy {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`/${issue.path.join('/')} ${issue.message}`);
  }
  const unknown = regions === undefined ? undefined : Object.keys(parsed.data.recognize).find((r) => !regions.includes(r));
  if (unknown !== undefined) throw new InvalidInputError(`/recognize/${unknown} is not a region of the network (${regions!.join(', ')})`);
  return parsed.data as RegionPolicy;
}

/** The claims the policy protects for a credential with these types. */
export function protectedClaimsOf(policy: RegionPolicy, types: readonly string[]): string[] {
  return [...new Set([...(policy.protectedClaims['*'] ?? []), ...types.flatMap((t) => policy.protectedClaims[t] ?? [])])];
}

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * The protected claims a credential would show to every verifier: present in a subject but not
 * named by `selectivelyDisclosable` (JSON pointers `/credentialSubject/<claim>`, or
 * `/credentialSubject/<n>/<claim>` for several subjects). Formats without selective disclosure
 * show everything. Each as the JSON pointer of the request to name in the refusal.
 */
export function alwaysVisibleProtectedClaims(policy: RegionPolicy, types: readonly string[], credentialSubject: unknown, selectivelyDisclosable: readonly string[], formatDiscloses: boolean): string[] {
  const protectedClaims = protectedClaimsOf(policy, types);
  if (protectedClaims.length === 0) return [];
  const subjects = Array.isArray(credentialSubject) ? credentialSubject : [credentialSubject];
  const chosen = new Set(selectivelyDisclosable);
  const visible: string[] = [];
  subjects.forEach((subject, i) => {
    if (!subject || typeof subject !== 'object') return;
    const base = Array.isArray(credentialSubject) ? `/credentialSubject/${i}` : '/credentialSubject';
    for (const claim of protectedClaims) {
      if (!(claim in subject)) continue;
      const pointer = `${base}/${escapePointer(claim)}`;
      if (!formatDiscloses || !chosen.has(pointer)) visible.push(pointer);
    }
  });
  return visible;
}

/** Top-level SD-JWT VC claims every verifier needs, never withheld: they carry nothing personal beyond the subject's identifier. */
const STRUCTURAL = new Set(['iss', 'vct', 'sub', 'jti', 'iat', 'nbf', 'exp', 'cnf', 'status', 'vct#integrity']);

/** What a relying party of this region may receive of a foreign credential, and what it may not. */
export interface DisclosureVerdict {
  /** The credential with the excess subject claims removed. */
  readonly credential: Record<string, unknown>;
  /** Subject claims withheld, as dotted names (`credentialSubject.birthDate`, or `birthDate` for SD-JWT VC). */
  readonly withheld: string[];
  /** The purpose whose allowance was applied (`*` when none was stated or the stated one is not listed). */
  readonly appliedPurpose: string;
}

/**
 * Applies the policy's foreign-disclosure allowance for a credential's types and the stated
 * purpose; undefined when no listed type restricts it. `claimsAtTop`: SD-JWT VC, whose subject
 * claims are top-level claims; otherwise they sit in `credentialSubject`.
 */
export function applyForeignDisclosure(policy: RegionPolicy, types: readonly string[], purpose: string | undefined, credential: Record<string, unknown>, claimsAtTop: boolean): DisclosureVerdict | undefined {
  const rules = types.map((t) => policy.foreignDisclosure[t]).filter((r) => r !== undefined);
  if (rules.length === 0) return undefined;
  const appliedPurpose = purpose !== undefined && rules.some((r) => r[purpose] !== undefined) ? purpose : '*';
  // Several restricted types: a claim must be allowed by each of them.
  const allowed = (claim: string) => rules.every((r) => (r[appliedPurpose] ?? []).includes(claim));
  const withheld: string[] = [];
  const filter = (subject: unknown, prefix: string): unknown => {
    if (!subject || typeof subject !== 'object' || Array.isArray(subject)) return subject;
    return Object.fromEntries(
      Object.entries(subject).filter(([claim]) => {
        const keep = claim === 'id' || allowed(claim);
        if (!keep) withheld.push(`${prefix}${claim}`);
        return keep;
      }),
    );
  };
  let filtered: Record<string, unknown>;
  if (claimsAtTop) {
    filtered = Object.fromEntries(
      Object.entries(credential).filter(([claim]) => {
        const keep = STRUCTURAL.has(claim) || allowed(claim);
        if (!keep) withheld.push(claim);
        return keep;
      }),
    );
  } else {
    const subject = credential.credentialSubject;
    filtered = { ...credential, credentialSubject: Array.isArray(subject) ? subject.map((s, i) => filter(s, `credentialSubject.${i}.`)) : filter(subject, 'credentialSubject.') };
  }
  return { credential: filtered, withheld: withheld.sort(), appliedPurpose };
}

/** Whether this region recognizes `region`'s accreditation for `type`. */
export function recognizes(policy: RegionPolicy, self: string, region: string, type: string): boolean {
  if (region === self) return true;
  const recognized = policy.recognize[region];
  return recognized === '*' || (recognized ?? []).includes(type);
}
