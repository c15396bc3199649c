import { Injectable } from '@nestjs/common';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { verify, verifyCredential, type VerifyResult } from '@digitalbazaar/vc';
import type { JWK } from 'jose';
import { CRYPTOSUITES, dataIntegrityDigest, isBaseProof, proofsOf, readProof, type Cryptosuite, type DataIntegrityProofView } from '../../domain/credentials/data-integrity.js';
import { asMultikey, DID_CONTEXT, MULTIKEY_CONTEXT } from '../../domain/credentials/data-integrity-loader.js';
import { issuerId } from '../../domain/credentials/vcdm.js';
import { decideKeyRule, parseMultikey, validatePublicJwk } from '../../domain/did/index.js';
import { DocumentLoaderService } from '../data-integrity/document-loader.js';
import { verifyingCryptosuite } from '../data-integrity/suites.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { DidJwsVerifier, methodsOf, type DidDocumentView } from '../registry/did-jws.js';
import { ResolverService } from '../registry/resolver.service.js';

/** Who signed a Data Integrity proof and under which key rule, or which check failed and why. */
export type ProofVerdict =
  | { readonly ok: true; readonly did: string; readonly methodId: string; readonly detail: string; readonly jwk: JWK; readonly proof: DataIntegrityProofView }
  | { readonly ok: false; readonly check: 'format' | 'issuer' | 'signature' | 'holder-binding'; readonly problem: string };

/** Why the library refused: the innermost error's message (a refused document names its URL). */
function whyNot(result: VerifyResult | undefined): string {
  const error = result?.error;
  const inner = error?.errors?.[0] ?? result?.results?.find((r) => r.error)?.error ?? error;
  return inner?.message ?? 'the proof does not verify';
}

// Status is the status check's (from this region's ledger copy); the library's is passed.
const statusChecked = async () => ({ verified: true });

/** A moment inside the credential's validity: its dates are the validity check's to judge, not the proof's. */
function insideValidity(credential: Record<string, unknown>): Date {
  const now = Date.now();
  const from = typeof credential.validFrom === 'string' ? Date.parse(credential.validFrom) : NaN;
  const until = typeof credential.validUntil === 'string' ? Date.parse(credential.validUntil) : NaN;
  if (!Number.isNaN(from) && from > now) return new Date(from);
  if (!Number.isNaN(until) && until < now) return new Date(until);
  return new Date(now);
}

const one = (document: Record<string, unknown>): { proof: DataIntegrityProofView } | { problem: string } => {
  const proofs = proofsOf(document);
  if (proofs.length !== 1) return { problem: `expected exactly one Data Integrity proof; found ${proofs.length}` };
  const proof = readProof(proofs[0]!);
  return 'problem' in proof ? proof : { proof };
};

/**
 * Verifies Data Integrity proofs (docs/data-integrity.md) with the Digital Bazaar libraries and
 * the offline document loader. A credential's key follows the key-tenure rule of JOSE
 * credentials: a key of the issuer's current document, or one that left it after the
 * credential's digest was anchored (DidJwsVerifier.history, decideKeyRule).
 */
@Injectable()
export class DataIntegrityVerifier {
  constructor(
    private readonly documents: DocumentLoaderService,
    private readonly signers: DidJwsVerifier,
    private readonly ledger: LedgerRepository,
    private readonly resolver: ResolverService,
  ) {}

  async verifyCredentialProof(credential: Record<string, unknown>): Promise<ProofVerdict> {
    const read = one(credential);
    if ('problem' in read) return { ok: false, check: 'format', problem: read.problem };
    const { proof } = read;
    if (proof.proofPurpose !== 'assertionMethod') return { ok: false, check: 'signature', problem: `a credential's proof has proofPurpose assertionMethod, not ${proof.proofPurpose}` };
    const methodId = proof.verificationMethod;
    const did = methodId.split('#')[0]!;
    if (!methodId.startsWith('did:') || !methodId.includes('#')) return { ok: false, check: 'issuer', problem: `the verificationMethod ${methodId} is not a DID URL` };
    const issuer = issuerId(credential);
    if (issuer !== did) return { ok: false, check: 'issuer', problem: `the credential names issuer ${issuer || '(none)'} but is signed by ${did}` };
    const history = await this.signers.history(did);
    if ('problem' in history) return { ok: false, check: 'issuer', problem: history.problem };
    const current = history.versions.at(-1)!;
    const candidates = [...history.keys.entries()].filter(([, key]) => key.ids.has(methodId)).sort(([a], [b]) => Number(current.assertionKeys.has(b)) - Number(current.assertionKeys.has(a)));
    if (candidates.length === 0) return { ok: false, check: 'signature', problem: `${methodId} is not and never was an assertion method of ${did}` };
    let problem = '';
    for (const [thumbprint, { jwk }] of candidates) {
      // The library sees only this key, as the issuer's assertion method: tenure is decided here.
      const method = asMultikey({ id: methodId, publicKeyJwk: jwk }, did);
      if (!method) continue;
      const { '@context': _context, ...bare } = method;
      const controller = { '@context': [DID_CONTEXT, MULTIKEY_CONTEXT], id: did, verificationMethod: [bare], assertionMethod: [methodId] };
      const result = await verifyCredential({
        credential,
        suite: new DataIntegrityProof({ cryptosuite: verifyingCryptosuite(proof.cryptosuite as Cryptosuite, isBaseProof(proof)) }),
        documentLoader: this.documents.loader(new Map([[methodId, method], [did, controller]])),
        checkStatus: statusChecked,
        now: insideValidity(credential),
      });
      if (!result.verified) {
        problem = whyNot(result);
        continue;
      }
      const digest = dataIntegrityDigest(proof);
      const anchors = current.assertionKeys.has(thumbprint) || !digest ? [] : await this.ledger.anchorsOf(digest);
      const verdict = decideKeyRule(history.versions, thumbprint, anchors);
      if (!verdict.ok) return { ok: false, check: 'signature', problem: `signed by a key that is no longer the issuer's (JWK thumbprint ${thumbprint}): ${verdict.detail}` };
      return { ok: true, did, methodId, detail: `${proof.cryptosuite}: ${verdict.detail}`, jwk, proof };
    }
    return { ok: false, check: 'signature', problem: `${proof.cryptosuite} proof by ${methodId}: ${problem}` };
  }

  /**
   * A presentation's proof: proofPurpose authentication, by an authentication key of its holder,
   * for the challenge (and domain) asked; without a challenge asked, the proof's own is checked
   * and freshness is the caller's to judge.
   */
  async verifyPresentationProof(presentation: Record<string, unknown>, challenge: string | undefined, domain: string | undefined): Promise<ProofVerdict> {
    const read = one(presentation);
    if ('problem' in read) return { ok: false, check: 'format', problem: read.problem };
    const { proof } = read;
    const holder = issuerId({ issuer: presentation.holder });
    const did = proof.verificationMethod.split('#')[0]!;
    if (!holder || holder !== did) return { ok: false, check: 'holder-binding', problem: `the presentation's holder ${holder || '(none)'} is not the DID that signed it (${did})` };
    if (proof.proofPurpose !== 'authentication') return { ok: false, check: 'holder-binding', problem: `a presentation's proof has proofPurpose authentication, not ${proof.proofPurpose}` };
    const resolved = await this.resolver.resolve(did);
    const document = resolved.didDocument as unknown as DidDocumentView | null;
    const method = document && !resolved.didDocumentMetadata.deactivated ? methodsOf(document, 'authentication').find((m) => m.id === proof.verificationMethod) : undefined;
    if (!method) return { ok: false, check: 'holder-binding', problem: `${proof.verificationMethod} is not an authentication key of an active ${did} here` };
    const result = await verify({
      presentation,
      suite: CRYPTOSUITES.map((suite) => new DataIntegrityProof({ cryptosuite: verifyingCryptosuite(suite) })),
      documentLoader: this.documents.loader(),
      challenge: challenge ?? proof.challenge ?? '',
      ...(domain !== undefined ? { domain } : proof.domain !== undefined ? { domain: proof.domain } : {}),
      checkStatus: statusChecked,
    });
    if (!result.presentationResult?.verified) return { ok: false, check: 'holder-binding', problem: `${proof.cryptosuite} proof by ${proof.verificationMethod}: ${whyNot(result.presentationResult ?? result)}` };
    let jwk: JWK;
    try {
      jwk = (method.publicKeyJwk ? validatePublicJwk(method.publicKeyJwk).jwk : parseMultikey(method.publicKeyMultibase).jwk) as JWK;
    } catch (error) {
      return { ok: false, check: 'holder-binding', problem: `${method.id}: ${(error as Error).message}` };
    }
    return { ok: true, did, methodId: method.id, detail: proof.cryptosuite, jwk, proof };
  }
}
