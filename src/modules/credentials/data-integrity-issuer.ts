import { Injectable } from '@nestjs/common';
import { dataIntegrityDigest, isSelectiveSuite, mandatoryPointersFor, readProof, requireCryptosuite, withholdableClaims, type Cryptosuite } from '../../domain/credentials/data-integrity.js';
import type { Credential } from '../../domain/credentials/vcdm.js';
import { InvalidInputError } from '../../domain/errors.js';
import type { KeyObject } from 'node:crypto';
import type { JoseAlgorithm } from '../../domain/keys/ecdsa.js';
import { DocumentLoaderService } from '../data-integrity/document-loader.js';
import { keySigner, secure } from '../data-integrity/suites.js';
import type { IssueOptionsDto } from './dto/credentials.dto.js';

/** What an ldp_vc issuance was asked for, checked before anything is allocated. */
export interface DataIntegrityPlan {
  readonly suite: Cryptosuite;
  readonly mandatoryPointers: string[] | undefined;
  /** The subject claims a holder can withhold (the policy's protected claims must be among them). */
  readonly withholdable: string[];
  readonly selective: boolean;
}

/**
 * Issues credentials secured with a Data Integrity proof (options.format ldp_vc, docs/data-integrity.md),
 * with the issuer DID's assertion key of the suite's key type (RegistrarService.assertionKey).
 */
@Injectable()
export class DataIntegrityIssuer {
  constructor(private readonly documents: DocumentLoaderService) {}

  /** options.cryptosuite and options.mandatoryPointers: a 400 for what cannot be done. */
  plan(credential: Credential, options: IssueOptionsDto | undefined): DataIntegrityPlan {
    const suite = requireCryptosuite(options?.cryptosuite);
    if (suite === 'bbs-2023') {
      throw new InvalidInputError('options.cryptosuite bbs-2023: this region holds no BLS12-381 keys for issuers yet (docs/data-integrity.md)', { errors: [{ pointer: '/options/cryptosuite', detail: 'bbs-2023 keys are not offered yet' }] });
    }
    const selective = isSelectiveSuite(suite);
    if (!selective && options?.mandatoryPointers !== undefined) {
      throw new InvalidInputError(`options.mandatoryPointers needs a selective-disclosure cryptosuite (ecdsa-sd-2023, bbs-2023); ${suite} discloses everything`, { errors: [{ pointer: '/options/mandatoryPointers', detail: 'needs ecdsa-sd-2023 or bbs-2023' }] });
    }
    const mandatoryPointers = selective ? mandatoryPointersFor(credential, options?.mandatoryPointers) : undefined;
    return { suite, mandatoryPointers, selective, withholdable: mandatoryPointers ? withholdableClaims(credential.credentialSubject, mandatoryPointers) : [] };
  }

  /** The signed credential and its issuance-anchor digest. */
  async sign(signer: { kid: string; alg: JoseAlgorithm; key: KeyObject }, credential: Record<string, unknown>, plan: DataIntegrityPlan): Promise<{ credential: Record<string, unknown>; digest: string }> {
    const { kid, alg, key } = signer;
    const secured = await secure(credential, plan.suite, keySigner(kid, alg, key), this.documents.loader(), plan.mandatoryPointers);
    const proof = readProof(secured.proof as Record<string, unknown>);
    const digest = 'problem' in proof ? undefined : dataIntegrityDigest(proof);
    if (!digest) throw new Error(`the ${plan.suite} proof has no anchorable signature`);
    return { credential: secured, digest };
  }
}
