import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { compactVerify, importJWK, type JWK } from 'jose';
import { assertionMethodsOf, decideKeyRule, isIsthmusDid, keyVersions, parseMultikey, type KeyRule, type KeyVersion, type LedgerPosition } from '../../domain/did/index.js';
import { ECDSA_CURVES, hasHighS, type EcdsaAlgorithm } from '../../domain/keys/ecdsa.js';
import { jwkThumbprint } from '../../domain/keys/thumbprint.js';
import { ResolverService } from './resolver.service.js';

/** Only these algorithms, each bound to its key type: no `none`, no HMAC, no key confusion. */
export const JWS_ALGORITHMS: Readonly<Record<string, { kty: string; crv: string }>> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
};

export type VerificationMethod = { id: string; publicKeyJwk?: JWK; publicKeyMultibase?: string };
export type DidDocumentView = { id: string; verificationMethod?: VerificationMethod[]; assertionMethod?: (string | VerificationMethod)[]; authentication?: (string | VerificationMethod)[] };

/** Who signed a JWS and which key rule let the key sign, or which check failed and why. */
export type DidSignerResult =
  /** `deactivated`: whether the DID is deactivated now, when the history read told (did:isthmus). */
  | { readonly methodId: string; readonly rule: KeyRule; readonly detail: string; readonly deactivated?: boolean }
  | { readonly check: 'issuer' | 'signature'; readonly problem: string };

const absolute = (document: DidDocumentView, id: string) => (id.startsWith('#') ? `${document.id}${id}` : id);

/** The verification methods a relationship (assertionMethod, authentication) lists, with absolute ids. */
export function methodsOf(document: DidDocumentView, relationship: 'assertionMethod' | 'authentication'): VerificationMethod[] {
  return (document[relationship] ?? [])
    .map((entry) => (typeof entry === 'object' ? entry : document.verificationMethod?.find((m) => absolute(document, m.id) === absolute(document, entry))))
    .filter((m): m is VerificationMethod => m !== undefined)
    .map((m) => ({ ...m, id: absolute(document, m.id) }));
}

/** The assertion method `kid` (a DID URL) of a document, if it is one. */
export function assertionMethod(document: DidDocumentView, kid: string): VerificationMethod | undefined {
  return methodsOf(document, 'assertionMethod').find((m) => m.id === kid);
}

/** Every key that was ever an assertion method of a DID, by thumbprint, and each version's keys. */
export interface KeyHistory {
  readonly versions: readonly KeyVersion[];
  /** Thumbprint → the key and the absolute method ids it was filed under at some version. */
  readonly keys: ReadonlyMap<string, { readonly jwk: JWK; readonly ids: ReadonlySet<string> }>;
  /** The DID's latest version is a deactivation (known for did:isthmus). */
  readonly deactivated?: boolean;
}

/** Where the signed object was anchored: looked up only when its key has left the document. */
export type AnchorLookup = () => Promise<readonly LedgerPosition[]>;

/**
 * Verifies JWSs signed by a DID's assertion key, from this region's own ledger copy:
 * credentials and status lists alike. A key is its material (RFC 7638 thumbprint), never its
 * method id; a key the current document no longer holds is accepted only for an object that
 * was anchored on the ledger while the document held it (docs/did-method.md, key tenure).
 */
@Injectable()
export class DidJwsVerifier {
  private readonly histories = new WeakMap<object, KeyHistory>();

  constructor(private readonly resolver: ResolverService) {}

  async verifyAssertion(jws: string, alg: string, did: string, kid: string | undefined, anchors: AnchorLookup, what = 'credential'): Promise<DidSignerResult> {
    if (!JWS_ALGORITHMS[alg]) return { check: 'signature', problem: `alg ${alg} is not allowed` };
    if (!did.startsWith('did:') || (kid !== undefined && !kid.includes('#'))) {
      return { check: 'issuer', problem: 'the signer must be a DID: kid a DID URL naming the verification method, or the issuer a DID' };
    }
    // A status list is ours alone: only the low-S form we sign is accepted. A credential may come
    // from any ES256 / ES384 signer, so both forms verify and its identity (credentialDigest) is taken
    // over the low-S form: the malleated twin (r, n − s) is the same credential, not a second one.
    if (what !== 'credential' && alg !== 'EdDSA' && hasHighS(jws)) return { check: 'signature', problem: `the ${alg} signature of the ${what} is high-S (s > n/2); only its low-S form is accepted` };
    const history = await this.history(did);
    if ('problem' in history) return { check: 'issuer', problem: history.problem };
    const current = history.versions.at(-1)!;
    // The current document's keys first: the common case costs one signature check.
    const candidates = [...history.keys.entries()]
      .filter(([, key]) => kid === undefined || key.ids.has(kid))
      .sort(([a], [b]) => Number(current.assertionKeys.has(b)) - Number(current.assertionKeys.has(a)));
    let mismatch: string | undefined;
    for (const [thumbprint, { jwk, ids }] of candidates) {
      if (jwk.kty !== JWS_ALGORITHMS[alg]!.kty || jwk.crv !== JWS_ALGORITHMS[alg]!.crv) {
        mismatch = `alg ${alg} does not match the ${String(jwk.crv ?? jwk.kty)} key of ${kid ?? [...ids].join(', ')}`;
        continue;
      }
      if (!(await verifies(jws, jwk, alg))) continue;
      const verdict = decideKeyRule(history.versions, thumbprint, current.assertionKeys.has(thumbprint) ? [] : await anchors(), what);
      if (!verdict.ok) return { check: 'signature', problem: `signed by a key that is no longer the issuer's (JWK thumbprint ${thumbprint}): ${verdict.detail}` };
      return { methodId: kid ?? [...ids][0]!, rule: verdict.rule, detail: verdict.detail, ...(history.deactivated === undefined ? {} : { deactivated: history.deactivated }) };
    }
    return {
      check: 'signature',
      problem: candidates.length === 0 ? `${kid ?? did} is not and never was an assertion method of ${did}` : (kid && mismatch) || `the signature does not verify with ${kid ?? `any assertion key ${did} has had`}`,
    };
  }

  /** The DID's assertion keys over its history (did:isthmus), or as its document has them (did:key, did:jwk); Data Integrity proofs use it too. */
  async history(did: string): Promise<KeyHistory | { problem: string }> {
    const unresolvable = (why: string) => ({ problem: `the issuer ${did} does not resolve from this region's ledger: ${why}` });
    if (!isIsthmusDid(did)) {
      const resolved = await this.resolver.resolve(did);
      if (resolved.didResolutionMetadata.error) return unresolvable(String(resolved.didResolutionMetadata.message ?? resolved.didResolutionMetadata.error));
      const keys = new Map<string, { jwk: JWK; ids: Set<string> }>();
      for (const method of methodsOf(resolved.didDocument as unknown as DidDocumentView, 'assertionMethod')) {
        const jwk = jwkOf(method);
        const thumbprint = jwk && thumbprintOf(jwk);
        if (!jwk || !thumbprint) continue;
        keys.set(thumbprint, { jwk, ids: new Set([...(keys.get(thumbprint)?.ids ?? []), method.id]) });
      }
      const assertionKeys = new Map([...keys].map(([t, k]) => [t, [...k.ids]]));
      return { versions: [{ version: 1, log: '', index: 0, assertionKeys }], keys };
    }
    let chain;
    try {
      chain = await this.resolver.chain(did);
    } catch (error) {
      return unresolvable((error as Error).message);
    }
    if (!chain) return unresolvable(`${did} is not registered`);
    const cached = this.histories.get(chain);
    if (cached) return cached;
    const versions = keyVersions(chain.versions, chain.items);
    const keys = new Map<string, { jwk: JWK; ids: Set<string> }>();
    for (const state of chain.versions) {
      for (const { id, jwk, thumbprint } of assertionMethodsOf(state.operationDocument)) {
        const key = keys.get(thumbprint) ?? { jwk: jwk as JWK, ids: new Set<string>() };
        key.ids.add(`${did}${id}`);
        keys.set(thumbprint, key);
      }
    }
    const history = { versions, keys, deactivated: chain.current.deactivated };
    this.histories.set(chain, history);
    return history;
  }
}

const thumbprintOf = (jwk: JWK): string | undefined => {
  try {
    return jwkThumbprint(jwk);
  } catch {
    return undefined;
  }
};

/** The public JWK of a verification method, whichever form it is in. */
export function jwkOf(method: VerificationMethod): JWK | undefined {
  try {
    return method.publicKeyJwk ?? (parseMultikey(method.publicKeyMultibase).jwk as JWK);
  } catch {
    return undefined;
  }
}

/** A DID key as jose imported it, and as a node:crypto KeyObject when it is a plain public JWK (null: jose only). */
interface ImportedKey {
  readonly jose: Promise<Awaited<ReturnType<typeof importJWK>>>;
  readonly node: KeyObject | null;
}
/** Imported public keys by algorithm and JWK: a DID's key is imported once, not per verification (importJWK was 11% of a verification). */
const imported = new Map<string, ImportedKey>();
const IMPORTED_LIMIT = 10_000;
const PLAIN_JWK_MEMBERS = new Set(['kty', 'crv', 'x', 'y', 'alg', 'kid']);

function importedKey(jwk: JWK, alg: string): ImportedKey {
  const id = `${alg} ${JSON.stringify(jwk)}`;
  let key = imported.get(id);
  if (!key) {
    const jose = importJWK(jwk, alg);
    jose.catch(() => imported.delete(id));
    key = { jose, node: nodePublicKey(jwk, alg) };
    if (imported.size >= IMPORTED_LIMIT) imported.delete(imported.keys().next().value!);
    imported.set(id, key);
  }
  return key;
}

function nodePublicKey(jwk: JWK, alg: string): KeyObject | null {
  const expected = JWS_ALGORITHMS[alg];
  if (!expected || jwk.kty !== expected.kty || jwk.crv !== expected.crv || (jwk.alg !== undefined && jwk.alg !== alg)) return null;
  if (Object.keys(jwk).some((member) => !PLAIN_JWK_MEMBERS.has(member))) return null;
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return null;
  }
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/**
 * The verdict of a one-shot node:crypto check, for the JWSs where it is exactly jose's
 * compactVerify verdict: three canonical base64url segments, a JSON object header with this alg
 * and neither crit nor b64. Undefined for anything else, which jose decides. (jose verifies
 * through WebCrypto, an asynchronous job per signature: 17% of a verification with status.)
 */
function nodeVerdict(jws: string, key: KeyObject, alg: string): boolean | undefined {
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part) && part.length % 4 !== 1)) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return undefined;
  if ((header as { alg?: unknown }).alg !== alg || 'crit' in header || 'b64' in header) return undefined;
  const data = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
  const signature = Buffer.from(parts[2]!, 'base64url');
  try {
    return alg === 'EdDSA' ? verify(null, data, key, signature) : verify(ECDSA_CURVES[alg as EcdsaAlgorithm].hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return undefined;
  }
}

export async function verifies(jws: string, jwk: JWK, alg: string): Promise<boolean> {
  try {
    const key = importedKey(jwk, alg);
    const fast = key.node ? nodeVerdict(jws, key.node, alg) : undefined;
    if (fast !== undefined) return fast;
    await compactVerify(jws, await key.jose, { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}

/** The protected header and JSON payload of a compact JWS, unverified; undefined when it is not one. */
export function decodeJws(jws: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  const [header, payload, signature] = jws.split('.');
  if (header === undefined || payload === undefined || signature === undefined || jws.split('.').length !== 3) return undefined;
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!h || typeof h !== 'object' || Array.isArray(h) || !p || typeof p !== 'object' || Array.isArray(p)) return undefined;
    return { header: h as Record<string, unknown>, payload: p as Record<string, unknown> };
  } catch {
    return undefined;
  }
}
