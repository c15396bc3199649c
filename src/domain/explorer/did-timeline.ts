import { canonicalJson } from '../ledger/jcs.js';
import type { OperationDocument, VerificationMethod } from '../did/operation.js';

/** One operation of a DID's chain as the explorer shows it. */
export interface TimelineStep {
  /** 1-based: the `versionId` of the state it produced. */
  readonly version: number;
  readonly type: 'create' | 'update' | 'deactivate';
  readonly log: string;
  readonly index: number;
  readonly time: string;
  readonly keysAdded: readonly string[];
  readonly keysRemoved: readonly string[];
  readonly servicesAdded: readonly string[];
  readonly servicesRemoved: readonly string[];
  readonly rotationKeysChanged: boolean;
}

/** What an operation of the chain brings: its type, where it is, its document and rotation keys. */
export interface TimelineInput {
  readonly type: 'create' | 'update' | 'deactivate';
  readonly log: string;
  readonly index: number;
  readonly time: Date;
  readonly document?: OperationDocument | undefined;
  readonly rotationKeys: readonly string[];
}

/** A verification method in words: its id, type and curve (never more than the public document says). */
export function describeKey(method: VerificationMethod): string {
  const jwk = method.publicKeyJwk as { crv?: unknown; kty?: unknown } | undefined;
  const curve = typeof jwk?.crv === 'string' ? jwk.crv : typeof jwk?.kty === 'string' ? jwk.kty : method.publicKeyMultibase?.startsWith('z6Mk') ? 'Ed25519' : undefined;
  return [method.id, method.type, curve].filter(Boolean).join(' ');
}

const keyIdentity = (m: VerificationMethod): string => canonicalJson({ id: m.id, type: m.type, jwk: m.publicKeyJwk ?? null, mb: m.publicKeyMultibase ?? null });

/**
 * The version timeline of a DID: per operation, the keys and services it added and removed
 * relative to the version before (a key whose material changed under the same id counts as
 * removed and added). A deactivation removes everything.
 */
export function didTimeline(operations: readonly TimelineInput[]): TimelineStep[] {
  let keys = new Map<string, VerificationMethod>();
  let services = new Set<string>();
  let rotation = '';
  return operations.map((op, i) => {
    const nextKeys = new Map((op.type === 'deactivate' ? [] : (op.document?.verificationMethod ?? [])).map((m) => [keyIdentity(m), m]));
    const nextServices = new Set(op.type === 'deactivate' ? [] : (op.document?.service ?? []).map((s) => s.id));
    const nextRotation = canonicalJson(op.rotationKeys);
    const step: TimelineStep = {
      version: i + 1,
      type: op.type,
      log: op.log,
      index: op.index,
      time: op.time.toISOString(),
      keysAdded: [...nextKeys].filter(([k]) => !keys.has(k)).map(([, m]) => describeKey(m)),
      keysRemoved: [...keys].filter(([k]) => !nextKeys.has(k)).map(([, m]) => describeKey(m)),
      servicesAdded: [...nextServices].filter((s) => !services.has(s)),
      servicesRemoved: [...services].filter((s) => !nextServices.has(s)),
      rotationKeysChanged: i > 0 && nextRotation !== rotation,
    };
    keys = nextKeys;
    services = nextServices;
    rotation = nextRotation;
    return step;
  });
}
