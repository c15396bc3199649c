export { canonicalBytes, canonicalJson } from './jcs.js';
export {
  consistencyProof,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  nodeHash,
  rootHash,
  SubtreeMemo,
  verifyConsistency,
  verifyInclusion,
  type ConsistencyClaim,
  type InclusionClaim,
} from './merkle.js';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.js';
export {
  appendSignatures,
  formatSignerKey,
  formatVerifierKey,
  generateNoteKeyPair,
  NOTE_COSIGNATURE_V1,
  NOTE_ED25519,
  noteKeyId,
  noteSignatureLine,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifyNote,
  type Note,
  type NoteSignature,
  type SignerKey,
  type VerifierKey,
} from './note.js';
export { cosignCheckpoint, verifyCosignature } from './cosignature.js';
export { canonicalEntry, ENTRY_KINDS, entryBytes, entryLeafHash, parseLedgerEntry, type EntryKind, type LedgerEntry } from './entry.js';
