import { Injectable } from '@nestjs/common';
import { dataIntegrityDigest, isSelectiveSuite, mandatoryPointersFor, readProof, requireCryptosuite, withholdableClaims, type Cryptosuite } from '../../domain/credentials/data-integrity.js';
import type { Credential } from '../../domain/credentials/vcdm.js';
import { InvalidInputError } from '../../domain/errors.js';
import { ALGORITHMS, fromRaw } from '@digitalbazaar/bls12-381-multikey';
import type { DiSigner } from '@digitalbazaar/vc';
import type { IssuerPrincipal } from '../auth/issuer.guard.js';
import { RegistrarService } from '../registry/registrar.service.js';
import { DocumentLoaderService } from '../data-integrity/document-loader.js';
import { keySigner, secure, suiteAlgorithms } from '../data-integrity/suites.js';
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
  constructor(
    private readonly documents: DocumentLoaderService,
    private readonly registrar: RegistrarService,
  ) {}

  /** options.cryptosuite and options.mandatoryPointers: a 400 for what cannot be done. */
  plan(credential: Credential, options: IssueOptionsDto | undefined): DataIntegrityPlan {
    const suite = requireCryptosuite(options?.cryptosuite);
    const selective = isSelectiveSuite(suite);
    if (!selective && options?.mandatoryPointers !== undefined) {
      throw new InvalidInputError(`options.mandatoryPointers needs a selective-disclosure cryptosuite (ecdsa-sd-2023, bbs-2023); ${suite} discloses everything`, { errors: [{ pointer: '/options/mandatoryPointers', detail: 'needs ecdsa-sd-2023 or bbs-2023' }] });
    }
    const mandatoryPointers = selective ? mandatoryPointersFor(credential, options?.mandatoryPointers, (options?.status ?? []).length > 0 ? ['credentialStatus'] : []) : undefined;
    return { suite, mandatoryPointers, selective, withholdable: mandatoryPointers ? withholdableClaims(credential.credentialSubject, mandatoryPointers) : [] };
  }

  /**
   * The signer of the issuer DID for the plan's suite: an assertion key of the suite's type this
   * region holds (a 409 otherwise); bbs-2023 with a BLS12-381 G2 key.
   */
  async signer(issuer: IssuerPrincipal, did: string, plan: DataIntegrityPlan): Promise<DiSigner> {
    if (plan.suite !== 'bbs-2023') {
      const { kid, alg, key } = await this.registrar.assertionKey(issuer, did, suiteAlgorithms(plan.suite));
      return keySigner(kid, alg, key);
    }
    const { kid, bbs } = await this.registrar.bbsKey(issuer, did);
    const pair = await fromRaw({ algorithm: ALGORITHMS.BBS_BLS12381_SHA256, ...bbs });
    Object.assign(pair, { id: kid, controller: did });
    return pair.signer();
  }

  /** The signed credential and its issuance-anchor digest. */
  async sign(signer: DiSigner, credential: Record<string, unknown>, plan: DataIntegrityPlan): Promise<{ credential: Record<string, unknown>; digest: string }> {
    const secured = await secure(credential, plan.suite, signer, this.documents.loader(), plan.mandatoryPointers);
    const proof = readProof(secured.proof as Record<string, unknown>);
    const digest = 'problem' in proof ? undefined : dataIntegrityDigest(proof);
    if (!digest) throw new Error(`the ${plan.suite} proof has no anchorable signature`);
    return { credential: secured, digest };
  }
}
