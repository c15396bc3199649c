import { contexts as credentialContexts } from '@digitalbazaar/credentials-context';
import { contexts as dataIntegrityContexts } from '@digitalbazaar/data-integrity-context';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import { contexts as didContexts } from 'did-context';
import { bls12381G2Multikey, isBls12381G2Multikey, parseMultikey, validatePublicJwk } from '../did/keys.js';

/**
 * What the Data Integrity document loader may answer (docs/data-integrity.md): the JSON-LD
 * contexts shipped with the service, DIDs and their verification methods from this region's
 * own resolver, and the network's status lists; never the network. Pure routing and shaping
 * here; the loader itself is src/modules/data-integrity/document-loader.ts.
 */

export const DID_CONTEXT = 'https://www.w3.org/ns/did/v1';
export const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';

/** Every context the service ships: VCDM 1.1 and 2.0, undefined-terms/v2, Data Integrity v1/v2, Multikey, DID v1. */
export const SHIPPED_CONTEXTS: ReadonlyMap<string, Record<string, unknown>> = new Map([...credentialContexts, ...dataIntegrityContexts, ...multikeyContexts, ...didContexts]);

export type DocumentRoute =
  | { readonly kind: 'context'; readonly document: Record<string, unknown> }
  | { readonly kind: 'did'; readonly did: string; readonly fragment: string | undefined }
  | { readonly kind: 'status-list'; readonly id: string }
  | { readonly kind: 'refused'; readonly reason: string };

const LOCAL_DID = /^did:(isthmus|key|jwk):[^#?/]+$/;

/**
 * Where a URL a JSON-LD processor asks for is answered from. `statusListBases` are the
 * network's regions' `<url>/status-lists/` prefixes.
 */
export function routeDocumentUrl(url: string, statusListBases: readonly string[]): DocumentRoute {
  const context = SHIPPED_CONTEXTS.get(url);
  if (context) return { kind: 'context', document: context };
  if (url.startsWith('did:')) {
    const hash = url.indexOf('#');
    const did = hash < 0 ? url : url.slice(0, hash);
    if (!LOCAL_DID.test(did)) return { kind: 'refused', reason: `${url}: only did:isthmus, did:key and did:jwk resolve here` };
    return { kind: 'did', did, fragment: hash < 0 ? undefined : url.slice(hash + 1) };
  }
  const base = statusListBases.find((b) => url.startsWith(b));
  if (base) {
    const id = url.slice(base.length);
    if (/^[A-Za-z0-9_-]+$/.test(id)) return { kind: 'status-list', id };
  }
  return { kind: 'refused', reason: `${url} is not a context this service ships, a DID it resolves or one of the network's status lists; documents are never fetched` };
}

type MethodView = { id: string; type?: string; controller?: string; publicKeyJwk?: unknown; publicKeyMultibase?: unknown };
type DocumentView = { id: string; verificationMethod?: MethodView[]; assertionMethod?: (string | MethodView)[]; authentication?: (string | MethodView)[] };

/** A verification method as a Multikey (JsonWebKey methods converted), or undefined when its key is not one we take. */
export function asMultikey(method: MethodView, controller: string): Record<string, unknown> | undefined {
  let publicKeyMultibase: string;
  const jwk = method.publicKeyJwk as { crv?: unknown; x?: unknown } | undefined;
  // Key tenure's thumbprint form of a BLS12-381 G2 key (the DID documents list it as a Multikey).
  if (jwk?.crv === 'Bls12381G2' && typeof jwk.x === 'string') method = { ...method, publicKeyJwk: undefined, publicKeyMultibase: bls12381G2Multikey(Buffer.from(jwk.x, 'base64url')) };
  try {
    publicKeyMultibase = method.publicKeyJwk !== undefined ? validatePublicJwk(method.publicKeyJwk).multibase : parseMultikey(method.publicKeyMultibase).multibase;
  } catch {
    // BLS12-381 G2 Multikeys (bbs-2023) are passed through as they are; the library checks them.
    if (!isBls12381G2Multikey(method.publicKeyMultibase)) return undefined;
    publicKeyMultibase = method.publicKeyMultibase as string;
  }
  const id = method.id.startsWith('#') ? `${controller}${method.id}` : method.id;
  return { '@context': MULTIKEY_CONTEXT, id, type: 'Multikey', controller, publicKeyMultibase };
}

/**
 * A resolved DID document as the JSON-LD processor needs it: every key a Multikey with an
 * absolute id, the relationships as absolute ids. `fragment`: only that method (with @context).
 */
export function multikeyView(document: DocumentView, fragment: string | undefined): Record<string, unknown> | undefined {
  const did = document.id;
  const absolute = (id: string) => (id.startsWith('#') ? `${did}${id}` : id);
  const methods = new Map<string, Record<string, unknown>>();
  const add = (method: MethodView) => {
    const multikey = asMultikey(method, did);
    if (multikey) methods.set(multikey.id as string, multikey);
  };
  (document.verificationMethod ?? []).forEach(add);
  const relation = (entries: (string | MethodView)[] | undefined) =>
    (entries ?? []).map((entry) => {
      if (typeof entry === 'string') return absolute(entry);
      add(entry);
      return absolute(entry.id);
    });
  const assertionMethod = relation(document.assertionMethod);
  const authentication = relation(document.authentication);
  if (fragment !== undefined) return methods.get(`${did}#${fragment}`);
  return {
    '@context': [DID_CONTEXT, MULTIKEY_CONTEXT],
    id: did,
    verificationMethod: [...methods.values()].map(({ '@context': _context, ...method }) => method),
    assertionMethod: assertionMethod.filter((id) => methods.has(id)),
    authentication: authentication.filter((id) => methods.has(id)),
  };
}
