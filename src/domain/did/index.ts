export { didKeyFromPublicKey, parseDidKey, parseMultikey, validatePublicJwk, type KeyAlgorithm, type PublicJwk, type PublicKey } from './keys.js';
export {
  deriveDid,
  MAX_OPERATION_BYTES,
  operationHash,
  operationSigningBytes,
  parseOperation,
  requireSignatureBy,
  verifyOperationSignature,
  type DidOperation,
  type OperationDocument,
  type Service,
  type UnsignedOperation,
  type VerificationMethod,
} from './operation.js';
export { foldChain, foldVersions, renderDocument, selectVersion, validateNextOperation, type ChainItem, type DidDocumentMetadata, type FoldedDid, type VersionSelection } from './chain.js';
export { isIsthmusDid, parseDid, type ParsedDid } from './did-url.js';
export { didJwkDocument, didKeyDocument } from './documents.js';
