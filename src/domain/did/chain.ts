import { InvalidOperationError, NotFoundError } from '../errors.js';
import { deriveDid, operationHash, requireSignatureBy, type DidOperation, type OperationDocument } from './operation.js';

/** One operation of a DID's chain as the ledger holds it. */
export interface ChainItem {
  readonly operation: DidOperation;
  /** The time of its ledger entry. */
  readonly time: Date;
  readonly log: string;
  readonly index: number;
}

export interface DidDocumentMetadata {
  created: string;
  updated?: string;
  versionId: string;
  nextVersionId?: string;
  deactivated?: boolean;
}

/** A DID's state after folding its chain (up to a selected version). */
export interface FoldedDid {
  readonly did: string;
  /** The W3C DID document, ids absolute. */
  readonly document: Record<string, unknown>;
  /** The operation-form document (ids relative), as the next update would carry it. */
  readonly operationDocument: OperationDocument;
  readonly metadata: DidDocumentMetadata;
  readonly rotationKeys: readonly string[];
  readonly home: string;
  readonly lastOperationHash: string;
  readonly deactivated: boolean;
  /** 1-based position of the selected operation. */
  readonly version: number;
}

export interface VersionSelection {
  readonly versionId?: number;
  readonly versionTime?: Date;
}

/** Checks `op` as the next operation after `state` (null: the chain is empty). */
export function validateNextOperation(state: FoldedDid | null, op: DidOperation): void {
  if (state === null) {
    if (op.type !== 'create') throw new InvalidOperationError(`a chain starts with a create, not ${op.type}`);
    requireSignatureBy(op, op.rotationKeys, 'the new DID (a create is signed by one of its own rotationKeys)');
    return;
  }
  if (op.type === 'create') throw new InvalidOperationError(`${state.did} already exists: only its first operation is a create`);
  if (state.deactivated) throw new InvalidOperationError(`${state.did} is deactivated: nothing follows a deactivate`);
  if (op.prev !== state.lastOperationHash) {
    throw new InvalidOperationError(`prev ${op.prev} is not the hash of the latest operation of ${state.did} (version ${state.version}, ${state.lastOperationHash})`);
  }
  if (op.home !== state.home) throw new InvalidOperationError(`the home region of ${state.did} is ${state.home}; it cannot change to ${op.home}`);
  requireSignatureBy(op, state.rotationKeys, `${state.did} (the rotationKeys of its previous operation)`);
}

const CONTEXT_DID = 'https://www.w3.org/ns/did/v1';
const CONTEXT_JWK = 'https://w3id.org/security/jwk/v1';
const CONTEXT_MULTIKEY = 'https://w3id.org/security/multikey/v1';

/** Renders an operation document as a W3C DID document with absolute ids. */
export function renderDocument(did: string, doc: OperationDocument): Record<string, unknown> {
  const abs = (id: string) => `${did}${id}`;
  const context = [CONTEXT_DID];
  if (doc.verificationMethod.some((vm) => vm.type === 'JsonWebKey')) context.push(CONTEXT_JWK);
  if (doc.verificationMethod.some((vm) => vm.type === 'Multikey')) context.push(CONTEXT_MULTIKEY);
  const out: Record<string, unknown> = {
    '@context': context,
    id: did,
    verificationMethod: doc.verificationMethod.map((vm) => ({ ...vm, id: abs(vm.id), controller: did })),
  };
  if (doc.authentication) out.authentication = doc.authentication.map(abs);
  if (doc.assertionMethod) out.assertionMethod = doc.assertionMethod.map(abs);
  if (doc.service && doc.service.length > 0) out.service = doc.service.map((s) => ({ ...s, id: abs(s.id) }));
  return out;
}

/**
 * Verifies a whole chain (derivation, prev links, signatures, home) and folds it into the
 * state at the selected version (default: the latest). Throws on the first broken rule.
 */
export function foldChain(items: readonly ChainItem[], selection: VersionSelection = {}): FoldedDid {
  return selectVersion(foldVersions(items), items, selection);
}

/**
 * Verifies a whole chain once and returns the state after each operation (version 1…n), so
 * any version can then be selected without verifying again (selectVersion).
 */
export function foldVersions(items: readonly ChainItem[]): FoldedDid[] {
  if (items.length === 0) throw new NotFoundError('the DID has no operations');
  const states: FoldedDid[] = [];
  let state: FoldedDid | null = null;
  const did = deriveDid(items[0]!.operation.type === 'create' ? items[0]!.operation : failNotCreate());
  const versionOf = new Map<string, number>();
  for (const [i, item] of items.entries()) {
    const op = item.operation;
    if (state !== null && op.prev !== null && op.prev !== state.lastOperationHash && versionOf.has(op.prev)) {
      const reused = versionOf.get(op.prev)!;
      throw new InvalidOperationError(
        `operation ${i + 1} of ${did} reuses prev ${op.prev}: version ${reused} is already followed by version ${reused + 1}, and a chain cannot fork`,
      );
    }
    state = foldNext(state, item, did, items[i - 1]);
    versionOf.set(state.lastOperationHash, i + 1);
    states.push(state);
  }
  return states;
}

/** `created` / `updated` as W3C DID Resolution writes them: UTC, whole seconds (the ledger time, truncated). */
export const metadataTime = (time: Date): string => time.toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * The instant a `versionTime` parameter selects up to. Metadata shows whole seconds, so a
 * versionTime without fractional seconds stands for the whole of that second: resolving at a
 * version's `created` or `updated` gives that version, although its ledger time has milliseconds.
 * A versionTime with a fraction (as the credential verifier sends) is taken to the millisecond.
 */
export function versionTimeInstant(text: string): Date {
  const instant = new Date(text);
  const wholeSecond = /T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/i.test(text);
  return wholeSecond && !Number.isNaN(instant.getTime()) ? new Date(instant.getTime() + 999) : instant;
}

/**
 * Verifies `item` as the operation after `state` (null: the chain is empty) and returns the
 * state after it: one step of foldVersions, for a reader that keeps the state of a chain as it
 * grows (a mirror accepting a peer's entries) instead of folding the whole chain again.
 */
export function foldNext(state: FoldedDid | null, item: ChainItem, did: string, previous: ChainItem | undefined): FoldedDid {
  const op = item.operation;
  checkPlacement(item, state?.version ?? 0, previous, did);
  validateNextOperation(state, op);
  const doc: OperationDocument = op.document ?? state!.operationDocument;
  const created: string = state?.metadata.created ?? metadataTime(item.time);
  const version = (state?.version ?? 0) + 1;
  return {
    did,
    document: renderDocument(did, doc),
    operationDocument: doc,
    metadata: {
      created,
      ...(version > 1 ? { updated: metadataTime(item.time) } : {}),
      versionId: String(version),
      ...(op.type === 'deactivate' ? { deactivated: true } : {}),
    },
    rotationKeys: op.rotationKeys,
    home: op.home,
    lastOperationHash: operationHash(op),
    deactivated: op.type === 'deactivate',
    version,
  };
}

/** The state at the selected version (default: the latest) of an already verified chain. */
export function selectVersion(states: readonly FoldedDid[], items: readonly ChainItem[], selection: VersionSelection = {}): FoldedDid {
  const chosen = select(states, items, selection);
  return chosen.version < states.length ? { ...chosen, metadata: { ...chosen.metadata, nextVersionId: String(chosen.version + 1) } } : chosen;
}

/** The ledger side of a chain: only the home log sequences a DID, in index order. */
function checkPlacement(item: ChainItem, i: number, previous: ChainItem | undefined, did: string): void {
  if (item.log !== item.operation.home) {
    throw new InvalidOperationError(`operation ${i + 1} of ${did} is in log "${item.log}", but its home region is "${item.operation.home}": only the home log sequences a DID`);
  }
  if (Number.isNaN(item.time.getTime())) throw new InvalidOperationError(`operation ${i + 1} of ${did} has no valid ledger time`);
  if (previous && item.index <= previous.index) {
    throw new InvalidOperationError(`operation ${i + 1} of ${did} is at index ${item.index}, not after operation ${i} at index ${previous.index}`);
  }
}

function failNotCreate(): never {
  throw new InvalidOperationError('the first operation of a chain must be a create');
}

function select(states: readonly FoldedDid[], items: readonly ChainItem[], { versionId, versionTime }: VersionSelection): FoldedDid {
  let chosen = states[states.length - 1]!;
  if (versionId !== undefined) {
    if (!Number.isSafeInteger(versionId) || versionId < 1 || versionId > states.length) {
      throw new NotFoundError(`versionId ${versionId} does not exist: the DID has versions 1 to ${states.length}`);
    }
    chosen = states[versionId - 1]!;
  }
  if (versionTime !== undefined) {
    if (Number.isNaN(versionTime.getTime())) throw new NotFoundError('versionTime is not a valid instant');
    const at = items.findLastIndex((item) => item.time.getTime() <= versionTime.getTime());
    if (at < 0) throw new NotFoundError(`the DID did not exist at ${versionTime.toISOString()}`);
    if (versionId !== undefined && states[at] !== chosen) throw new NotFoundError('versionId and versionTime select different versions');
    chosen = states[at]!;
  }
  return chosen;
}
