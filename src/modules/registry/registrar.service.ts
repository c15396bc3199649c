import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createAgent, type IDIDManager, type IKeyManager, type IResolver, type TAgent } from '@veramo/core';
import type { IIdentifier, IKey } from '@veramo/core-types';
import { DIDManager } from '@veramo/did-manager';
import { DIDResolverPlugin } from '@veramo/did-resolver';
import { KeyManager } from '@veramo/key-manager';
import type { DataSource } from 'typeorm';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { ConflictError, DomainError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { isBls12381G2Multikey, jwkOfMethod, operationHash, type DidOperation } from '../../domain/did/index.js';
import { SecretBox } from '../../domain/keys/secret-box.js';
import { jwkThumbprint } from '../../domain/keys/thumbprint.js';
import { editDocument, type DocumentOperation, type EditableDocument } from '../../domain/registrar/document-edit.js';
import { ProblemException, problemType } from '../../common/problem.js';
import type { IssuerPrincipal } from '../auth/issuer.guard.js';
import type { JoseAlgorithm } from '../../domain/keys/ecdsa.js';
import { algorithmOfKeyType, BBS_KEY_TYPE, keyThumbprint, KMS_NAME, NodeCryptoKms, type BbsKeyMaterial } from '../keys/node-crypto-kms.js';
import { DidStore, KeyStore } from '../keys/veramo-stores.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import type { CreateDidRequestDto, DeactivateDidRequestDto, UpdateDidRequestDto } from './dto/registrar.dto.js';
import type { RegistrationResultDto } from './dto/registry.dto.js';
import { IsthmusDidProvider, type CreateOptions } from './isthmus-did-provider.js';
import { registrationResult } from './registration-result.js';
import { RegistryService } from './registry.service.js';
import { ResolverService } from './resolver.service.js';

export type RegistrarAgent = TAgent<IDIDManager & IKeyManager & IResolver>;
const PROVIDER = 'did:isthmus';

/** A managed DID's record as of the DID's newest ledger index. */
interface CachedRecord {
  readonly latestIndex: number;
  readonly ownerId: string | null;
  readonly identifier: IIdentifier;
}
const RECORD_CACHE_LIMIT = 10_000;

/** The assertion methods of the document whose key (by RFC 7638 thumbprint: x alone does not name a P-256 key) is one of `keys`, in order. */
function heldAssertionKeys(
  document: { assertionMethod?: string[]; verificationMethod?: { id: string; type?: string; publicKeyJwk?: Record<string, unknown>; publicKeyMultibase?: string }[] },
  keys: readonly IKey[],
): { methodId: string; key: IKey }[] {
  const held: { methodId: string; key: IKey }[] = [];
  for (const methodId of document.assertionMethod ?? []) {
    const method = document.verificationMethod?.find((m) => m.id === methodId);
    if (!method) continue;
    const thumbprint = jwkThumbprint(jwkOfMethod(method as Parameters<typeof jwkOfMethod>[0]));
    const key = keys.find((k) => keyThumbprint(k) === thumbprint);
    if (key) held.push({ methodId, key });
  }
  return held;
}

const forbidden = (detail: string) => new ProblemException({ type: problemType('forbidden'), title: 'Forbidden', status: 403, detail });

/**
 * DIF Universal Registrar on Veramo: keys live in Veramo's key manager (sealed at rest), DIDs
 * in its identifier store with the issuer tenant that created them; only that tenant may
 * update or deactivate them.
 */
@Injectable()
export class RegistrarService {
  readonly agent: RegistrarAgent;
  private readonly provider: IsthmusDidProvider;
  private readonly dids: DidStore;
  private readonly kms: NodeCryptoKms;
  private readonly records = new Map<string, CachedRecord>();

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(REGION_CONFIG) config: RegionConfig,
    private readonly registry: RegistryService,
    private readonly resolver: ResolverService,
    writer: LedgerWriter,
  ) {
    this.dids = new DidStore(db);
    this.dids.onChange((did) => this.records.delete(did));
    this.kms = new NodeCryptoKms(db, new SecretBox(config.keyEncryptionSecret));
    this.provider = new IsthmusDidProvider({
      home: writer.log,
      submit: (operation, record) =>
        this.registry.submitJson(
          operation,
          record &&
            (async (tx, did) => {
              await this.dids.importDID({ ...record(did), provider: PROVIDER }, tx);
            }),
        ),
      latest: async (did) => {
        const chain = await this.resolver.chain(did);
        const last = chain?.items.at(-1)?.operation;
        return last ? { operation: last, hash: operationHash(last) } : undefined;
      },
    });
    this.agent = createAgent<IDIDManager & IKeyManager & IResolver>({
      plugins: [
        new KeyManager({ store: new KeyStore(db), kms: { [KMS_NAME]: this.kms } }),
        new DIDManager({ store: this.dids, defaultProvider: PROVIDER, providers: { [PROVIDER]: this.provider } }),
        new DIDResolverPlugin({ resolver: this.resolver.resolver }),
      ],
    });
  }

  async create(issuer: IssuerPrincipal, request: CreateDidRequestDto): Promise<RegistrationResultDto> {
    const services = (request.didDocument?.service ?? []) as CreateOptions['services'];
    const unknown = Object.keys(request.didDocument ?? {}).filter((k) => k !== 'service');
    if (unknown.length > 0) throw new InvalidInputError(`didDocument of a create may only carry service; the registrar generates the keys (found ${unknown.join(', ')})`);
    const identifier = await this.veramo(() =>
      this.agent.didManagerCreate({ provider: PROVIDER, kms: KMS_NAME, options: { keyType: request.options?.keyType, verificationMethodType: request.options?.verificationMethodType, services, ownerId: issuer.id } satisfies CreateOptions }),
    );
    return this.result(identifier.did);
  }

  async update(issuer: IssuerPrincipal, request: UpdateDidRequestDto): Promise<RegistrationResultDto> {
    const last = await this.activeOwned(issuer, request.did, 'it cannot be updated');
    const operations = (request.didDocumentOperation ?? request.didDocument.map(() => 'setDidDocument')) as DocumentOperation[];
    const document = editDocument(request.did, last.document as unknown as EditableDocument, operations, request.didDocument);
    await this.veramo(() => this.agent.didManagerUpdate({ did: request.did, document: document as never }));
    return this.result(request.did);
  }

  async deactivate(issuer: IssuerPrincipal, request: DeactivateDidRequestDto): Promise<RegistrationResultDto> {
    await this.activeOwned(issuer, request.did, 'it is already deactivated');
    // Not didManagerDelete: it would also drop the identifier from the store, and with it which
    // tenant owns the DID, so that later calls would answer 404 instead of 409 deactivated.
    const identifier = await this.dids.getDID({ did: request.did });
    await this.veramo(() => this.provider.deleteIdentifier(identifier, { agent: this.agent }));
    return this.result(request.did);
  }

  /**
   * The key to issue with as `did`: one this region holds for a verification method that the
   * DID's current document lists under assertionMethod. Only the owning tenant gets it.
   * One indexed query (the DID's newest ledger index) when the DID's record is cached: the
   * record changes only with an operation of the DID, so it is kept with that index; a held
   * key not found in a cached record is looked for again in a fresh read (another replica's update).
   * `accepts` narrows the algorithms (a Data Integrity cryptosuite takes one key type).
   */
  async assertionKey(issuer: IssuerPrincipal, did: string, accepts?: readonly JoseAlgorithm[]): Promise<{ kid: string; alg: JoseAlgorithm; key: KeyObject }> {
    const chain = await this.resolver.chain(did);
    const cached = chain === undefined ? undefined : this.records.get(did);
    const hit = cached !== undefined && cached.latestIndex === chain!.latestIndex;
    const fresh = hit ? undefined : await this.dids.owned(did);
    const record = hit ? cached : fresh;
    if (record === undefined) throw new NotFoundError(`${did} is not managed by this region's registrar: use a DID your tenant created here with POST /1.0/create`);
    if (record.ownerId !== issuer.id) throw forbidden(`${did} belongs to another issuer`);
    const last = chain?.items.at(-1)?.operation;
    if (!chain || !last) throw new ConflictError(`${did} is not on this region's log`);
    if (last.type === 'deactivate') throw new ConflictError(`${did} was deactivated, which is final: it can no longer sign credentials or status lists`);
    if (fresh) this.remember(did, { ...fresh, latestIndex: chain.latestIndex });
    const document = chain.current.document as { assertionMethod?: string[]; verificationMethod?: { id: string; publicKeyJwk?: Record<string, unknown>; publicKeyMultibase?: string }[] };
    const pick = async (keys: readonly IKey[]) => {
      for (const held of heldAssertionKeys(document, keys)) {
        if (held.key.type === BBS_KEY_TYPE) continue; // bbs-2023 only: bbsKey
        const { type, key } = await this.kms.privateKey(held.key.kid);
        if (accepts && !accepts.includes(algorithmOfKeyType(type))) continue;
        return { kid: held.methodId, alg: algorithmOfKeyType(type), key };
      }
      return undefined;
    };
    const found = (await pick(record.identifier.keys)) ?? (fresh ? undefined : await pick((await this.dids.getDID({ did })).keys));
    if (!found) throw new ConflictError(`${did} lists no assertion method whose key this region holds${accepts ? ` of type ${accepts.join(' or ')}` : ''}`);
    return found;
  }

  private remember(did: string, record: CachedRecord): void {
    if (this.records.size >= RECORD_CACHE_LIMIT) this.records.delete(this.records.keys().next().value!);
    this.records.set(did, record);
  }

  /**
   * The BLS12-381 G2 key to sign bbs-2023 proofs with as `did` (docs/data-integrity.md): one this
   * region holds for an assertion method of the DID's current document. Only the owning tenant gets it.
   */
  async bbsKey(issuer: IssuerPrincipal, did: string): Promise<{ kid: string; bbs: BbsKeyMaterial }> {
    await this.activeOwned(issuer, did, 'it can no longer sign credentials');
    const document = (await this.resolver.resolve(did)).didDocument as { assertionMethod?: string[]; verificationMethod?: { id: string; publicKeyMultibase?: string }[] } | null;
    const identifier = await this.dids.getDID({ did });
    for (const methodId of document?.assertionMethod ?? []) {
      const method = document?.verificationMethod?.find((m) => m.id === methodId);
      if (!method || !isBls12381G2Multikey(method.publicKeyMultibase)) continue;
      const thumbprint = jwkThumbprint(jwkOfMethod({ ...method, type: 'Multikey' } as Parameters<typeof jwkOfMethod>[0]));
      const held = identifier.keys.find((k) => k.type === BBS_KEY_TYPE && keyThumbprint(k) === thumbprint);
      if (held) return { kid: methodId, bbs: await this.kms.bbsKey(held.kid) };
    }
    throw new ConflictError(`${did} lists no BLS12-381 G2 assertion method whose key this region holds: create one with options.keyType Bls12381G2`);
  }

  /**
   * The latest operation of a DID this tenant created here and has not deactivated: 404 for a
   * DID this registrar does not manage, 403 for another tenant's, 409 once deactivated.
   */
  private async activeOwned(issuer: IssuerPrincipal, did: string, consequence: string): Promise<DidOperation> {
    const owner = await this.dids.ownerOf(did);
    if (owner === undefined) throw new NotFoundError(`${did} is not managed by this region's registrar: use a DID your tenant created here with POST /1.0/create`);
    if (owner !== issuer.id) throw forbidden(`${did} belongs to another issuer`);
    const last = (await this.resolver.chain(did))?.items.at(-1)?.operation;
    if (!last) throw new ConflictError(`${did} is not on this region's log`);
    if (last.type === 'deactivate') throw new ConflictError(`${did} was deactivated, which is final: ${consequence}`);
    return last;
  }

  /** The registrar answer for the operation that just landed (the latest of the DID's chain). */
  private async result(did: string): Promise<RegistrationResultDto> {
    const chain = (await this.resolver.chain(did))!;
    const resolved = await this.resolver.resolve(did);
    return registrationResult({ did, operation: chain.items.at(-1)!.operation, entry: chain.rows.at(-1)! }, resolved);
  }

  /** Veramo wraps our errors in plain Errors at times; surface the DomainError underneath. */
  private async veramo<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (!(error instanceof DomainError) && cause instanceof DomainError) throw cause;
      throw error;
    }
  }
}
