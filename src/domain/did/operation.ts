import { createHash, createPublicKey, sign as cryptoSign, verify, type KeyObject } from 'node:crypto';
import { base32nopad } from '@scure/base';
import { z } from 'zod';
import { InvalidKeyError, InvalidOperationError, InvalidSignatureError } from '../errors.js';
import { ECDSA_CURVES, isLowS, normalizeLowS } from '../keys/ecdsa.js';
import { canonicalJson } from '../ledger/jcs.js';
import { hasOnly, isPlainObject, plainRecord } from '../ledger/plain-json.js';
import { isBls12381G2Multikey, parseBls12381G2Multikey, parseDidKey, parseMultikey, validatePublicJwk, type KeyAlgorithm } from './keys.js';

export const MAX_OPERATION_BYTES = 16 * 1024;
export const MAX_ROTATION_KEYS = 8;
export const MAX_METHODS = 32;
export const MAX_SERVICES = 32;

const FRAGMENT = /^#[A-Za-z0-9._-]{1,64}$/;
const REGION = /^[a-z][a-z0-9-]{0,31}$/;
const HASH = /^[A-Za-z0-9_-]{43}$/;

export interface VerificationMethod {
  id: string;
  type: 'JsonWebKey' | 'Multikey';
  publicKeyJwk?: Record<string, unknown>;
  publicKeyMultibase?: string;
}

export interface Service {
  id: string;
  type: string | string[];
  serviceEndpoint: string | Record<string, unknown> | (string | Record<string, unknown>)[];
}

/** The document an operation carries: ids relative to the DID (`#key-1`). */
export interface OperationDocument {
  verificationMethod: VerificationMethod[];
  authentication?: string[];
  assertionMethod?: string[];
  service?: Service[];
}

export interface UnsignedOperation {
  type: 'create' | 'update' | 'deactivate';
  prev: string | null;
  home: string;
  rotationKeys: string[];
  document?: OperationDocument;
}

export interface DidOperation extends UnsignedOperation {
  sig: string;
}

const url = z.string().max(2048).refine((v) => {
  try {
    return Boolean(new URL(v));
  } catch {
    return false;
  }
}, 'must be a URL');

const method = z.strictObject({
  id: z.string().regex(FRAGMENT, 'must be a relative id like #key-1'),
  type: z.enum(['JsonWebKey', 'Multikey']),
  publicKeyJwk: z.record(z.string(), z.unknown()).optional(),
  publicKeyMultibase: z.string().max(200).optional(),
});

const service = z.strictObject({
  id: z.string().regex(FRAGMENT, 'must be a relative id like #hub'),
  type: z.union([z.string().min(1).max(100), z.array(z.string().min(1).max(100)).min(1).max(8)]),
  serviceEndpoint: z.union([url, z.record(z.string(), z.unknown()), z.array(z.union([url, z.record(z.string(), z.unknown())])).min(1).max(8)]),
});

const reference = z.string().regex(FRAGMENT, 'must reference a method of the document, like #key-1');

const document = z.strictObject({
  verificationMethod: z.array(method).min(1, 'must list at least one verification method').max(MAX_METHODS),
  authentication: z.array(reference).max(MAX_METHODS).optional(),
  assertionMethod: z.array(reference).max(MAX_METHODS).optional(),
  service: z.array(service).max(MAX_SERVICES).optional(),
});

const operation = z.strictObject({
  type: z.enum(['create', 'update', 'deactivate']),
  prev: z.union([z.null(), z.string().regex(HASH, 'must be the base64url SHA-256 (43 characters) of the previous operation')]),
  home: z.string().regex(REGION, 'must be a region id'),
  rotationKeys: z.array(z.string().startsWith('did:key:', 'must be a did:key')).min(1, 'must list at least one rotation key').max(MAX_ROTATION_KEYS),
  document: document.optional(),
  sig: z.string().regex(/^(?:[A-Za-z0-9_-]{86}|[A-Za-z0-9_-]{128})$/, 'must be a 64-byte (EdDSA, ES256) or 96-byte (ES384) signature in unpadded base64url'),
});

/** What zod alone makes of an operation (the reference the hand-checked shapes are tested against). */
export function zodOperation(input: unknown): DidOperation | undefined {
  const parsed = operation.safeParse(input);
  return parsed.success ? (parsed.data as DidOperation) : undefined;
}

function fail(message: string): never {
  throw new InvalidOperationError(message);
}

/**
 * Parses an untrusted operation and checks every rule that does not need the DID's history
 * (docs/did-method.md section 4); the signature is checked against the chain.
 */
export function parseOperation(input: unknown): DidOperation {
  let op = plainOperation(input);
  if (op === undefined) {
    const parsed = operation.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const at = issue.path.length > 0 ? `/${issue.path.join('/')}` : 'the operation';
      fail(`${at}: ${issue.message}`);
    }
    op = parsed.data as DidOperation;
  }
  if (op.type === 'create' && op.prev !== null) fail('/prev: a create has prev null');
  if (op.type !== 'create' && op.prev === null) fail(`/prev: an ${op.type} names the hash of the previous operation`);
  if (op.type === 'deactivate' && op.document !== undefined) fail('/document: a deactivate carries no document');
  if (op.type !== 'deactivate' && op.document === undefined) fail(`/document: ${op.type === 'create' ? 'a create' : 'an update'} carries the DID document`);
  // One signature, one encoding: a non-canonical base64url sig would give the op a second hash.
  if (Buffer.from(op.sig, 'base64url').toString('base64url') !== op.sig) fail('/sig: not the canonical base64url encoding of its 64 or 96 bytes');
  if (new Set(op.rotationKeys).size !== op.rotationKeys.length) fail('/rotationKeys: keys must be distinct');
  op.rotationKeys.forEach((key, i) => {
    try {
      parseDidKey(key);
    } catch (error) {
      fail(`/rotationKeys/${i}: ${(error as Error).message}`);
    }
  });
  if (op.document) checkDocument(op.document);
  deepFreeze(op);
  parsedOperations.add(op);
  const size = formsOf(op).signed.length;
  if (size > MAX_OPERATION_BYTES) fail(`the operation is ${size} bytes; at most ${MAX_OPERATION_BYTES} bytes (16 KiB) are accepted`);
  return op;
}

// The common shapes (every operation without services), checked by hand: zod's generic walk was
// a visible share of an operation's cost. Anything else, or anything in doubt, goes to zod, which
// decides and words the refusal; what this accepts is what zod accepts, built as zod builds it
// (its key order included). A property test holds the two together (operation.test.ts).
const OPERATION_KEYS = new Set(['type', 'prev', 'home', 'rotationKeys', 'document', 'sig']);
const DOCUMENT_KEYS = new Set(['verificationMethod', 'authentication', 'assertionMethod', 'service']);
const METHOD_KEYS = new Set(['id', 'type', 'publicKeyJwk', 'publicKeyMultibase']);
const SIG = /^(?:[A-Za-z0-9_-]{86}|[A-Za-z0-9_-]{128})$/;

const isString = (value: unknown): value is string => typeof value === 'string';

function stringsMatching(value: unknown, min: number, max: number, test: (s: string) => boolean): string[] | undefined {
  if (!Array.isArray(value) || value.length < min || value.length > max) return undefined;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (!isString(item) || !test(item)) return undefined;
  }
  return value.slice() as string[];
}

function plainMethod(value: unknown): VerificationMethod | undefined {
  if (!isPlainObject(value) || !hasOnly(value, METHOD_KEYS)) return undefined;
  const { id, type, publicKeyJwk, publicKeyMultibase } = value;
  if (!isString(id) || !FRAGMENT.test(id) || (type !== 'JsonWebKey' && type !== 'Multikey')) return undefined;
  const method: VerificationMethod = { id, type };
  if (publicKeyJwk !== undefined) {
    const jwk = plainRecord(publicKeyJwk);
    if (!jwk) return undefined;
    method.publicKeyJwk = jwk;
  }
  if (publicKeyMultibase !== undefined) {
    if (!isString(publicKeyMultibase) || publicKeyMultibase.length > 200) return undefined;
    method.publicKeyMultibase = publicKeyMultibase;
  }
  return method;
}

function plainDocument(value: unknown): OperationDocument | undefined {
  if (!isPlainObject(value) || !hasOnly(value, DOCUMENT_KEYS)) return undefined;
  const methods = value.verificationMethod;
  if (!Array.isArray(methods) || methods.length < 1 || methods.length > MAX_METHODS) return undefined;
  const verificationMethod: VerificationMethod[] = [];
  for (let i = 0; i < methods.length; i++) {
    const method = plainMethod(methods[i]);
    if (!method) return undefined;
    verificationMethod.push(method);
  }
  const doc: OperationDocument = { verificationMethod };
  for (const relationship of ['authentication', 'assertionMethod'] as const) {
    if (value[relationship] === undefined) continue;
    const refs = stringsMatching(value[relationship], 0, MAX_METHODS, (ref) => FRAGMENT.test(ref));
    if (!refs) return undefined;
    doc[relationship] = refs;
  }
  // Services (URLs, unions) are zod's; an empty list is not.
  if (value.service !== undefined) {
    if (!Array.isArray(value.service) || value.service.length > 0) return undefined;
    doc.service = [];
  }
  return doc;
}

/** The operation as zod would give it, when the input has one of the common shapes; undefined otherwise. */
export function plainOperation(input: unknown): DidOperation | undefined {
  if (!isPlainObject(input) || !hasOnly(input, OPERATION_KEYS)) return undefined;
  const { type, prev, home, rotationKeys, document: doc, sig } = input;
  if (type !== 'create' && type !== 'update' && type !== 'deactivate') return undefined;
  if (prev !== null && !(isString(prev) && HASH.test(prev))) return undefined;
  if (!isString(home) || !REGION.test(home)) return undefined;
  const keys = stringsMatching(rotationKeys, 1, MAX_ROTATION_KEYS, (key) => key.startsWith('did:key:'));
  if (!keys) return undefined;
  let document: OperationDocument | undefined;
  if (doc !== undefined && !(document = plainDocument(doc))) return undefined;
  if (!isString(sig) || !SIG.test(sig)) return undefined;
  return { type, prev, home, rotationKeys: keys, ...(document ? { document } : {}), sig };
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}

interface CanonicalForms {
  /** JCS of the signed operation: hashed into its DID (a create) and the next operation's prev. */
  readonly signed: Uint8Array;
  /** JCS of the operation without sig: what the signature covers. */
  readonly signing: Uint8Array;
  /** SHA-256 of `signed`, when first asked for. */
  digest?: Buffer;
}

// A parsed operation is frozen, so its canonical forms are computed once however many checks
// (size, DID derivation, signature, prev) and replicas' catch-up folds need them.
const canonicalForms = new WeakMap<object, CanonicalForms>();
/** Operations parseOperation returned: frozen, their members exactly those of the schema. */
const parsedOperations = new WeakSet<object>();
const utf8 = new TextEncoder();

function formsOf(op: UnsignedOperation | DidOperation): CanonicalForms {
  const known = canonicalForms.get(op);
  if (known) return known;
  const { sig, ...unsigned } = op as DidOperation;
  const signing = canonicalJson(unsigned);
  const forms = { signed: utf8.encode(parsedOperations.has(op) ? withSig(signing, sig) : canonicalJson(op)), signing: utf8.encode(signing) };
  if (Object.isFrozen(op)) canonicalForms.set(op, forms);
  return forms;
}

/**
 * The JCS of a parsed operation from that of its unsigned part, without a second
 * canonicalization: of its members (document, home, prev, rotationKeys, sig, type) `sig` sorts
 * just before `type`, which is last and a string, so its member is the last `,"type":`.
 */
function withSig(signing: string, sig: string): string {
  const at = signing.lastIndexOf(',"type":');
  return `${signing.slice(0, at)},"sig":${JSON.stringify(sig)}${signing.slice(at)}`;
}

function digestOf(op: DidOperation): Buffer {
  const forms = formsOf(op);
  return (forms.digest ??= createHash('sha256').update(forms.signed).digest());
}

function checkDocument(doc: OperationDocument): void {
  const ids = new Set<string>();
  doc.verificationMethod.forEach((vm, i) => {
    if (ids.has(vm.id)) fail(`/document/verificationMethod/${i}/id: ${vm.id} appears twice`);
    ids.add(vm.id);
    try {
      if (vm.type === 'JsonWebKey') {
        if (vm.publicKeyJwk === undefined || vm.publicKeyMultibase !== undefined) throw new InvalidKeyError('a JsonWebKey method has publicKeyJwk only');
        validatePublicJwk(vm.publicKeyJwk);
      } else {
        if (vm.publicKeyMultibase === undefined || vm.publicKeyJwk !== undefined) throw new InvalidKeyError('a Multikey method has publicKeyMultibase only');
        if (isBls12381G2Multikey(vm.publicKeyMultibase)) parseBls12381G2Multikey(vm.publicKeyMultibase);
        else parseMultikey(vm.publicKeyMultibase);
      }
    } catch (error) {
      fail(`/document/verificationMethod/${i}: ${(error as Error).message}`);
    }
  });
  for (const relationship of ['authentication', 'assertionMethod'] as const) {
    const seen = new Set<string>();
    (doc[relationship] ?? []).forEach((ref, i) => {
      if (!ids.has(ref)) fail(`/document/${relationship}/${i}: ${ref} is not a verification method of the document`);
      if (seen.has(ref)) fail(`/document/${relationship}/${i}: ${ref} is listed twice`);
      seen.add(ref);
    });
  }
  const services = new Set<string>();
  (doc.service ?? []).forEach((s, i) => {
    if (services.has(s.id) || ids.has(s.id)) fail(`/document/service/${i}/id: ${s.id} appears twice`);
    services.add(s.id);
  });
}

/** The bytes a signature covers: JCS of the operation without `sig`. */
export function operationSigningBytes(op: UnsignedOperation | DidOperation): Uint8Array {
  return formsOf(op).signing;
}

/** base64url (unpadded) SHA-256 of the JCS bytes of the signed operation: the next op's `prev`. */
export function operationHash(op: DidOperation): string {
  return digestOf(op).toString('base64url');
}

/** did:isthmus + first 24 chars of lowercase unpadded base32 of SHA-256(JCS(signed create)). */
export function deriveDid(create: DidOperation): string {
  if (create.type !== 'create') throw new InvalidOperationError('a DID derives from its create operation');
  return `did:isthmus:${base32nopad.encode(digestOf(create)).toLowerCase().slice(0, 24)}`;
}

/** Signs with a key held elsewhere (a KMS, a wallet): `sign` gets the signing bytes. */
export interface OperationSigner {
  readonly alg: KeyAlgorithm;
  /** Ed25519: the 64-byte RFC 8032 signature; ES256 / ES384: the 64- / 96-byte r‖s (not DER). */
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

function withSignature(unsigned: UnsignedOperation, alg: KeyAlgorithm, signature: Uint8Array): DidOperation {
  const length = alg === 'ES384' ? 96 : 64;
  if (signature.length !== length) {
    const hint = alg === 'EdDSA' ? '' : ` (${alg} signatures are r‖s, ieee-p1363, not DER)`;
    throw new InvalidSignatureError(`a ${alg} signature is ${length} bytes; the signer returned ${signature.length}${hint}`);
  }
  const { sig: _sig, ...rest } = unsigned as DidOperation;
  // Low-S only (ES256 and ES384 alike): the high-S twin is refused, so it is never what we publish.
  const sig = alg === 'EdDSA' ? Buffer.from(signature) : normalizeLowS(signature);
  return parseOperation({ ...rest, sig: sig.toString('base64url') });
}

/** Signs an operation (any `sig` it has is replaced) and checks the result with parseOperation. */
export async function signOperation(unsigned: UnsignedOperation, signer: OperationSigner): Promise<DidOperation> {
  return withSignature(unsigned, signer.alg, await signer.sign(operationSigningBytes(unsigned)));
}

/** signOperation with an Ed25519, P-256 or P-384 private KeyObject, synchronously. */
export function signOperationWithKey(unsigned: UnsignedOperation, privateKey: KeyObject): DidOperation {
  const alg = algorithmOf(privateKey);
  const data = operationSigningBytes(unsigned);
  const signature = alg === 'EdDSA' ? cryptoSign(null, data, privateKey) : cryptoSign(ECDSA_CURVES[alg].hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return withSignature(unsigned, alg, signature);
}

function algorithmOf(privateKey: KeyObject): KeyAlgorithm {
  if (privateKey.type !== 'private') throw new InvalidKeyError('signing needs a private key');
  if (privateKey.asymmetricKeyType === 'ed25519') return 'EdDSA';
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (privateKey.asymmetricKeyType === 'ec' && jwk.crv === 'P-256') return 'ES256';
  if (privateKey.asymmetricKeyType === 'ec' && jwk.crv === 'P-384') return 'ES384';
  throw new InvalidKeyError(`only Ed25519, P-256 and P-384 keys sign operations; got ${privateKey.asymmetricKeyType}${jwk.crv ? ` ${jwk.crv}` : ''}`);
}

// An operation is checked at intake, again inside the append transaction, when a chain is
// folded for resolution and when a mirror accepts it: remember the checks that passed, keyed by
// everything the result depends on (key, signature, hash of the signed bytes).
const verifiedSignatures = new Set<string>();
const VERIFIED_SIGNATURES_MAX = 16_384;

/**
 * True when `rotationKey` (a did:key) signed the operation. A P-256 or P-384 signature must be low-S:
 * its high-S twin (r, n − s) would verify too and give the same operation a second hash, a
 * second DID (for a create) and a second `prev` to follow.
 */
export function verifyOperationSignature(op: DidOperation, rotationKey: string): boolean {
  const signature = Buffer.from(op.sig, 'base64url');
  if (signature.length !== 64 && signature.length !== 96) return false;
  // The operation's hash covers its signing bytes and its sig: all the verdict depends on but the key.
  const memo = `${rotationKey} ${operationHash(op)}`;
  if (verifiedSignatures.has(memo)) return true;
  const data = operationSigningBytes(op);
  const key = parseDidKey(rotationKey);
  if (signature.length !== (key.alg === 'ES384' ? 96 : 64)) return false;
  if (key.alg !== 'EdDSA' && !isLowS(signature)) return false;
  const valid =
    key.alg === 'EdDSA' ? verify(null, data, key.publicKey, signature) : verify(ECDSA_CURVES[key.alg].hash, data, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (valid) {
    if (verifiedSignatures.size >= VERIFIED_SIGNATURES_MAX) verifiedSignatures.clear();
    verifiedSignatures.add(memo);
  }
  return valid;
}

/** Throws unless one of `rotationKeys` signed the operation. */
export function requireSignatureBy(op: DidOperation, rotationKeys: readonly string[], whose: string): void {
  if (!rotationKeys.some((key) => verifyOperationSignature(op, key))) {
    const highS = !isLowS(Buffer.from(op.sig, 'base64url')) && rotationKeys.some((key) => parseDidKey(key).alg !== 'EdDSA');
    const hint = highS ? ' (an ES256 / ES384 signature must be low-S, s ≤ n/2: its high-S twin is refused, docs/did-method.md)' : '';
    throw new InvalidSignatureError(`the operation is not signed by a rotation key of ${whose}${hint}`);
  }
}
