import type { KeyObject } from 'node:crypto';
import { createSignCryptosuite as bbsSign, createVerifyCryptosuite as bbsVerify } from '@digitalbazaar/bbs-2023-cryptosuite';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as ecdsaRdfc } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import { createConfirmCryptosuite as ecdsaSdConfirm, createSignCryptosuite as ecdsaSdSign, createVerifyCryptosuite as ecdsaSdVerify } from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import { createSignCryptosuite as jcsSign, createVerifyCryptosuite as jcsVerify } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as eddsaRdfc } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { issue, type Cryptosuite as SuiteObject, type DiSigner, type DocumentLoader } from '@digitalbazaar/vc';
import { jsonLdError, safeModeError, safeModeProblem, SUITE_CURVES, type Cryptosuite } from '../../domain/credentials/data-integrity.js';
import { signJoseBytes, type JoseAlgorithm } from '../../domain/keys/ecdsa.js';

/** The cryptosuite object that signs with `suite` (selective suites: with these mandatory pointers). */
export function signingCryptosuite(suite: Cryptosuite, mandatoryPointers: string[] = []): SuiteObject {
  switch (suite) {
    case 'eddsa-rdfc-2022':
      return eddsaRdfc;
    case 'eddsa-jcs-2022':
      return jcsSign();
    case 'ecdsa-rdfc-2019':
      return ecdsaRdfc;
    case 'ecdsa-sd-2023':
      return ecdsaSdSign({ mandatoryPointers });
    case 'bbs-2023':
      return bbsSign({ mandatoryPointers });
  }
}

/**
 * The cryptosuite object that verifies `suite` proofs: for ecdsa-sd-2023 a derived proof, or
 * with `base` the issuer's base proof (what a holder checks before deriving).
 */
export function verifyingCryptosuite(suite: Cryptosuite, base = false): SuiteObject {
  switch (suite) {
    case 'eddsa-rdfc-2022':
      return eddsaRdfc;
    case 'eddsa-jcs-2022':
      return jcsVerify();
    case 'ecdsa-rdfc-2019':
      return ecdsaRdfc;
    case 'ecdsa-sd-2023':
      return base ? ecdsaSdConfirm() : ecdsaSdVerify();
    case 'bbs-2023':
      return bbsVerify();
  }
}

/** The Multikey algorithm name of a JOSE algorithm. */
const ALGORITHM: Readonly<Record<JoseAlgorithm, string>> = { EdDSA: 'Ed25519', ES256: 'P-256', ES384: 'P-384' };

/** A DI signer over a node:crypto key (ECDSA: IEEE P1363, low-S). */
export function keySigner(verificationMethod: string, alg: JoseAlgorithm, key: KeyObject): DiSigner {
  return { id: verificationMethod, algorithm: ALGORITHM[alg], sign: async ({ data }) => signJoseBytes(alg, data, key) };
}

/**
 * Secures a document with a DataIntegrityProof. A term the document's contexts leave
 * undefined (JSON-LD safe mode) is a 400 naming it (safeModeError).
 */
export async function secure(document: Record<string, unknown>, suite: Cryptosuite, signer: DiSigner, documentLoader: DocumentLoader, mandatoryPointers?: string[]): Promise<Record<string, unknown>> {
  try {
    return await issue({ credential: structuredClone(document), suite: new DataIntegrityProof({ signer, cryptosuite: signingCryptosuite(suite, mandatoryPointers) }), documentLoader });
  } catch (error) {
    const problem = safeModeProblem(error);
    if (problem) throw safeModeError(problem, document);
    throw jsonLdError(error) ?? error;
  }
}

/** The node:crypto key algorithms a suite signs with (bbs-2023: none of them). */
export function suiteAlgorithms(suite: Cryptosuite): JoseAlgorithm[] {
  const byCurve: Record<string, JoseAlgorithm> = { Ed25519: 'EdDSA', 'P-256': 'ES256', 'P-384': 'ES384' };
  return SUITE_CURVES[suite].flatMap((curve) => (byCurve[curve] ? [byCurve[curve]] : []));
}
