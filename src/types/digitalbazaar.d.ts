// The Digital Bazaar Data Integrity packages ship no type declarations; these are the parts we use.

declare module '@digitalbazaar/data-integrity' {
  import type { Cryptosuite, DiSigner } from '@digitalbazaar/vc';
  export class DataIntegrityProof {
    constructor(options: { signer?: DiSigner; date?: string | Date | number | null; cryptosuite: Cryptosuite; legacyContext?: boolean });
    readonly cryptosuite: string;
  }
}

declare module '@digitalbazaar/vc' {
  export type DocumentLoader = (url: string) => Promise<{ document: unknown; documentUrl: string; contextUrl?: string | null }>;
  /** A cryptosuite object (name, canonize, createVerifier…): opaque to us. */
  export interface Cryptosuite {
    readonly name: string;
  }
  export interface DiSigner {
    readonly id: string;
    readonly algorithm: string;
    sign(options: { data: Uint8Array }): Promise<Uint8Array>;
  }
  export interface VerifyResult {
    verified: boolean;
    error?: Error & { errors?: Error[] };
    results?: { verified: boolean; error?: Error; proof?: Record<string, unknown> }[];
    presentationResult?: VerifyResult;
    credentialResults?: VerifyResult[];
    statusResult?: { verified: boolean; results?: unknown[] };
  }
  /** A key pair of the Multikey libraries (Ed25519, ECDSA, BLS12-381). */
  export interface MultikeyPair {
    id: string;
    controller: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    signer(): DiSigner;
    export(options: { publicKey?: boolean; secretKey?: boolean; includeContext?: boolean }): Promise<Record<string, unknown>>;
  }
  /** ecdsa-sd-2023 and bbs-2023: sign with mandatory pointers, disclose with selective pointers, verify a derived proof. */
  export interface SelectiveSuiteFactories {
    createSignCryptosuite(options?: { mandatoryPointers?: string[] }): Cryptosuite;
    createDiscloseCryptosuite(options: { selectivePointers: string[] }): Cryptosuite;
    createVerifyCryptosuite(): Cryptosuite;
  }
  type Suite = object;
  export const defaultDocumentLoader: DocumentLoader;
  export function issue(options: { credential: Record<string, unknown>; suite: Suite; documentLoader: DocumentLoader; now?: string | Date }): Promise<Record<string, unknown>>;
  export function derive(options: { verifiableCredential: Record<string, unknown>; suite: Suite; documentLoader: DocumentLoader }): Promise<Record<string, unknown>>;
  export function verifyCredential(options: { credential: unknown; suite: Suite | Suite[]; documentLoader: DocumentLoader; checkStatus?: (options: unknown) => Promise<{ verified: boolean }>; now?: string | Date; maxClockSkew?: number }): Promise<VerifyResult>;
  export function createPresentation(options: { verifiableCredential?: unknown; id?: string; holder?: string }): Record<string, unknown>;
  export function signPresentation(options: { presentation: Record<string, unknown>; suite: Suite; documentLoader: DocumentLoader; challenge: string; domain?: string }): Promise<Record<string, unknown>>;
  export function verify(options: {
    presentation: unknown;
    suite: Suite | Suite[];
    documentLoader: DocumentLoader;
    challenge?: string;
    domain?: string;
    unsignedPresentation?: boolean;
    checkStatus?: (options: unknown) => Promise<{ verified: boolean }>;
  }): Promise<VerifyResult>;
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: import('@digitalbazaar/vc').Cryptosuite;
}
declare module '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite' {
  export const cryptosuite: import('@digitalbazaar/vc').Cryptosuite;
}
declare module '@digitalbazaar/eddsa-jcs-2022-cryptosuite' {
  export function createSignCryptosuite(): import('@digitalbazaar/vc').Cryptosuite;
  export function createVerifyCryptosuite(): import('@digitalbazaar/vc').Cryptosuite;
}
declare module '@digitalbazaar/ecdsa-sd-2023-cryptosuite' {
  export const { createSignCryptosuite, createDiscloseCryptosuite, createVerifyCryptosuite }: import('@digitalbazaar/vc').SelectiveSuiteFactories;
  /** Verifies a base proof (what a holder checks before deriving). */
  export function createConfirmCryptosuite(): import('@digitalbazaar/vc').Cryptosuite;
}
declare module '@digitalbazaar/bbs-2023-cryptosuite' {
  export const { createSignCryptosuite, createDiscloseCryptosuite, createVerifyCryptosuite }: import('@digitalbazaar/vc').SelectiveSuiteFactories;
}

declare module '@digitalbazaar/ed25519-multikey' {
  export type Ed25519KeyPair = import('@digitalbazaar/vc').MultikeyPair;
  export function generate(options?: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Ed25519KeyPair>;
  export function from(key: Record<string, unknown>): Promise<Ed25519KeyPair>;
}
declare module '@digitalbazaar/ecdsa-multikey' {
  export type EcdsaKeyPair = import('@digitalbazaar/vc').MultikeyPair;
  export function generate(options: { curve: 'P-256' | 'P-384'; id?: string; controller?: string }): Promise<EcdsaKeyPair>;
  export function from(key: Record<string, unknown>): Promise<EcdsaKeyPair>;
}
declare module '@digitalbazaar/bls12-381-multikey' {
  export type BlsKeyPair = import('@digitalbazaar/vc').MultikeyPair & { publicKey: Uint8Array; secretKey?: Uint8Array };
  export const ALGORITHMS: { BBS_BLS12381_SHA256: string; BBS_BLS12381_SHAKE256: string };
  export function generateBbsKeyPair(options: { algorithm: string; id?: string; controller?: string; seed?: Uint8Array }): Promise<BlsKeyPair>;
  export function from(key: Record<string, unknown>): Promise<BlsKeyPair>;
  export function fromRaw(options: { algorithm: string; secretKey?: Uint8Array; publicKey: Uint8Array }): Promise<BlsKeyPair>;
}

// JSON-LD context packages: URL → context document.
declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}
declare module '@digitalbazaar/data-integrity-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}
declare module '@digitalbazaar/multikey-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}
declare module 'did-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}

declare module '@digitalbazaar/vc-bitstring-status-list' {
  export function checkStatus(options: {
    credential: Record<string, unknown>;
    documentLoader: import('@digitalbazaar/vc').DocumentLoader;
    suite: object | object[];
    verifyBitstringStatusListCredential?: boolean;
    verifyMatchingIssuers?: boolean;
  }): Promise<{ verified: boolean; results?: { verified: boolean; status?: boolean; statusPurpose?: string }[]; error?: Error }>;
}
