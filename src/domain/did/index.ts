export {
  bls12381G2Multikey,
  isBls12381G2Multikey,
  parseBls12381G2Multikey,
  didKeyFromPublicKey,
  parseDidKey,
  parseMultikey,
  validatePublicJwk,
  type KeyAlgorithm,
  type PublicJwk,
  type PublicKey,
} from './keys.js';
export {
  deriveDid,
  MAX_METHODS,
  MAX_OPERATION_BYTES,
  MAX_ROTATION_KEYS,
  MAX_SERVICES,
  operationHash,
  operationSigningBytes,
  parseOperation,
  requireSignatureBy,
  signOperation,
  signOperationWithKey,
  verifyOperationSignature,
  type DidOperation,
  type OperationDocument,
  type OperationSigner,
  type Service,
  type UnsignedOperation,
  type VerificationMethod,
} from './operation.js';
export {
  foldChain,
  foldNext,
  foldVersions,
  metadataTime,
  renderDocument,
  selectVersion,
  validateNextOperation,
  versionTimeInstant,
  type ChainItem,
  type DidDocumentMetadata,
  type FoldedDid,
  type VersionSelection,
} from './chain.js';
export { isIsthmusDid, parseDid, parseDidUrl, type ParsedDid, type ParsedDidUrl } from './did-url.js';
export { didJwkDocument, didKeyDocument } from './key-jwk-documents.js';
export { assertionKeysOf, assertionMethodsOf, jwkOfMethod, decideKeyRule, keyVersions, type KeyRule, type KeyVerdict, type KeyVersion, type LedgerPosition } from './key-tenure.js';
