import { jwkThumbprint } from '../keys/thumbprint.js';
import type { ChainItem, FoldedDid } from './chain.js';
import { isBls12381G2Multikey, parseBls12381G2Multikey, parseMultikey } from './keys.js';
import type { OperationDocument } from './operation.js';

/** Where an entry sits on a log: entries of one log are totally ordered by index. */
export interface LedgerPosition {
  readonly log: string;
  readonly index: number;
}

/** One version of a DID as key tenure sees it: where its operation is and which keys assert. */
export interface KeyVersion extends LedgerPosition {
  readonly version: number;
  /** Thumbprint (RFC 7638) → the relative method ids it is an assertion method under. */
  readonly assertionKeys: ReadonlyMap<string, readonly string[]>;
}

/** The public JWK of an operation-document method (JsonWebKey or Multikey; for BLS12-381 G2 its thumbprint form). */
export function jwkOfMethod(method: OperationDocument['verificationMethod'][number]): Record<string, unknown> {
  if (method.publicKeyJwk) return method.publicKeyJwk;
  // BLS12-381 G2 (bbs-2023): a key of its own kind, with tenure like any other.
  return (isBls12381G2Multikey(method.publicKeyMultibase) ? parseBls12381G2Multikey(method.publicKeyMultibase).jwk : parseMultikey(method.publicKeyMultibase).jwk) as Record<string, unknown>;
}

/** The assertion methods of an operation document with their public JWKs and thumbprints. */
export function assertionMethodsOf(document: OperationDocument): { id: string; jwk: Record<string, unknown>; thumbprint: string }[] {
  return (document.assertionMethod ?? []).flatMap((id) => {
    const method = document.verificationMethod.find((m) => m.id === id);
    if (!method) return [];
    const jwk = jwkOfMethod(method);
    return [{ id, jwk, thumbprint: jwkThumbprint(jwk) }];
  });
}

/** The assertion keys of an operation document, by thumbprint. */
export function assertionKeysOf(document: OperationDocument): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const { id, thumbprint } of assertionMethodsOf(document)) keys.set(thumbprint, [...(keys.get(thumbprint) ?? []), id]);
  return keys;
}

/** Each version of a verified chain with its assertion keys (versions[i] folds items[0…i]). */
export function keyVersions(versions: readonly FoldedDid[], items: readonly ChainItem[]): KeyVersion[] {
  return versions.map((state, i) => ({ version: state.version, log: items[i]!.log, index: items[i]!.index, assertionKeys: assertionKeysOf(state.operationDocument) }));
}

/** Which rule decided whether a key may have signed a credential or a status list. */
export type KeyRule =
  /** The issuer's current document holds the key as an assertion method. */
  | 'current-key'
  /** The key has left the document, but the signed object was on the ledger while the document held it. */
  | 'anchored-before-removal'
  /** The key has left the document and nothing shows the object was on the ledger while it was held. */
  | 'key-removed';

export interface KeyVerdict {
  readonly ok: boolean;
  readonly rule: KeyRule;
  readonly detail: string;
}

const at = (p: LedgerPosition) => `log ${p.log} index ${p.index}`;

/**
 * Decides whether the key with `thumbprint` may have signed an object, given the DID's
 * versions (oldest first) and where the object was anchored on the ledger (its anchor entries,
 * or for a status list its own entry). The key passes when the current document holds it, or
 * when an anchor lies in the DID's log strictly inside a stretch of versions that held it:
 * after the operation that added it and before the one that removed it. An `iat` is never
 * consulted: whoever holds an old key writes it.
 */
export function decideKeyRule(versions: readonly KeyVersion[], thumbprint: string, anchors: readonly LedgerPosition[], what = 'credential'): KeyVerdict {
  const current = versions.at(-1);
  if (!current) return { ok: false, rule: 'key-removed', detail: 'the issuer has no versions' };
  const ids = current.assertionKeys.get(thumbprint);
  if (ids) return { ok: true, rule: 'current-key', detail: `key is in the issuer's current document (${ids.join(', ')}, version ${current.version})` };
  // Each stretch of consecutive versions holding the key: [added, removed).
  const tenures: { added: KeyVersion; removed: KeyVersion }[] = [];
  let added: KeyVersion | undefined;
  for (const version of versions) {
    const holds = version.assertionKeys.has(thumbprint);
    if (holds && !added) added = version;
    if (!holds && added) {
      tenures.push({ added, removed: version });
      added = undefined;
    }
  }
  if (tenures.length === 0) return { ok: false, rule: 'key-removed', detail: `the key was never an assertion method of the issuer` };
  const last = tenures.at(-1)!;
  for (const tenure of tenures) {
    const anchor = anchors.find((a) => a.log === tenure.added.log && a.log === tenure.removed.log && a.index > tenure.added.index && a.index < tenure.removed.index);
    if (anchor) {
      return {
        ok: true,
        rule: 'anchored-before-removal',
        detail: `key left the document at version ${tenure.removed.version} (${at(tenure.removed)}); ${what} anchored at ${at(anchor)} before that`,
      };
    }
  }
  const where = anchors.length === 0 ? `no anchor of this ${what} is on this region's ledger` : `its anchor (${anchors.map(at).join(', ')}) is not from while the key was held`;
  return { ok: false, rule: 'key-removed', detail: `key left the document at version ${last.removed.version} (${at(last.removed)}) and ${where}: a rotated-out key is trusted only for what was anchored before it left` };
}
