import { InvalidInputError } from '../errors.js';
import { bitstringEntries, MAX_STATUS_ENTRIES } from '../status/bitstring-status-list.js';

/**
 * The `credentialStatus` a credential is signed with: the entries its issuer wrote (kept as
 * written, as the W3C VC API expects), then the ones this service allocated (options.status).
 * Each issuer entry must be well-formed, and together they stay within what a verifier checks.
 */
export function combineCredentialStatus(given: unknown, ours: readonly Record<string, unknown>[]): unknown {
  if (given === undefined) return ours.length === 0 ? undefined : [...ours];
  checkIssuerStatus(given, ours.length);
  return ours.length === 0 ? given : [...(Array.isArray(given) ? given : [given]), ...ours];
}

/** Refuses (400, naming each entry) issuer-written status entries that are malformed or too many with `ours` more. */
export function checkIssuerStatus(given: unknown, ours: number): void {
  if (given === undefined) return;
  const entries = Array.isArray(given) ? given : [given];
  const errors: { pointer: string; detail: string }[] = [];
  entries.forEach((entry, i) => {
    const pointer = `/credential/credentialStatus${Array.isArray(given) ? `/${i}` : ''}`;
    // A BitstringStatusListEntry is checked field by field (the data-model rules checked type and id).
    for (const problem of bitstringEntries([entry]).problems) errors.push({ pointer, detail: problem.replace(/^credentialStatus\[0\]\.?/, '') || 'is malformed' });
  });
  if (entries.length + ours > MAX_STATUS_ENTRIES) {
    errors.push({ pointer: '/credential/credentialStatus', detail: `at most ${MAX_STATUS_ENTRIES} entries, with the ${ours} of options.status` });
  }
  if (errors.length > 0) throw new InvalidInputError(`credentialStatus: ${errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`, { errors });
}
