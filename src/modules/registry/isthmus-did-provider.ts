import type { DIDDocument, IAgentContext, IIdentifier, IKey, IKeyManager, IService } from '@veramo/core-types';
import { AbstractIdentifierProvider } from '@veramo/did-manager';
import { ConflictError, InvalidInputError } from '../../domain/errors.js';
import { bls12381G2Multikey, didKeyFromPublicKey, operationSigningBytes, validatePublicJwk, type DidOperation, type OperationDocument, type UnsignedOperation } from '../../domain/did/index.js';
import { algorithmOfKeyType, BBS_KEY_TYPE, publicJwkOf } from '../keys/node-crypto-kms.js';
import type { SubmittedOperation } from './registry.service.js';

/** What the provider needs of the registry: submit a signed operation, read a DID's latest one. */
/** The registrar's record of a DID it manages: Veramo's identifier and the owning issuer tenant. */
export type ManagedIdentifier = Omit<IIdentifier, 'provider'> & { readonly ownerId?: string };

export interface IsthmusLedgerPort {
  readonly home: string;
  /** Appends a signed operation; `record`, when given, is stored in the same transaction as its entry. */
  submit(operation: unknown, record?: (did: string) => ManagedIdentifier): Promise<SubmittedOperation>;
  /** The latest operation of a DID and its hash; undefined when the DID is unknown. */
  latest(did: string): Promise<{ operation: DidOperation; hash: string } | undefined>;
}

export interface CreateOptions {
  /** The signing key `#key-1`: Ed25519 (default), P-256 or P-384; Bls12381G2: an Ed25519 `#key-1` and a BLS12-381 G2 `#key-2` (bbs-2023, an assertion method only). */
  readonly keyType?: 'Ed25519' | 'P-256' | 'P-384' | 'Bls12381G2';
  /** How `#key-1` is written: JsonWebKey (publicKeyJwk, default) or Multikey (publicKeyMultibase). */
  readonly verificationMethodType?: 'JsonWebKey' | 'Multikey';
  readonly services?: OperationDocument['service'];
  /** The issuer tenant that will own the DID. */
  readonly ownerId?: string;
}

type Context = IAgentContext<IKeyManager>;

/**
 * did:isthmus for Veramo's DID manager: keys are created in Veramo's key manager (our node:crypto
 * KMS), operations are signed with the DID's rotation key and appended to this region's log.
 */
export class IsthmusDidProvider extends AbstractIdentifierProvider {
  constructor(private readonly ledger: IsthmusLedgerPort) {
    super();
  }

  async createIdentifier(args: { kms?: string; options?: CreateOptions }, context: Context): Promise<Omit<IIdentifier, 'provider'>> {
    const options = args.options ?? {};
    const rotation = await context.agent.keyManagerCreate({ kms: args.kms ?? 'node', type: 'Ed25519', meta: { purpose: 'rotation' } });
    const signing = await context.agent.keyManagerCreate({
      kms: args.kms ?? 'node',
      type: options.keyType === 'P-256' ? 'Secp256r1' : options.keyType === 'P-384' ? 'Secp384r1' : 'Ed25519',
      meta: { purpose: 'assertion', verificationMethod: '#key-1' },
    });
    // A BBS key signs bbs-2023 proofs only: the DID keeps an Ed25519 key for JOSE, status lists and authentication.
    const bbs = options.keyType === 'Bls12381G2' ? await context.agent.keyManagerCreate({ kms: args.kms ?? 'node', type: BBS_KEY_TYPE, meta: { purpose: 'assertion', verificationMethod: '#key-2' } }) : undefined;
    const document: OperationDocument = {
      verificationMethod: [
        options.verificationMethodType === 'Multikey'
          ? { id: '#key-1', type: 'Multikey', publicKeyMultibase: validatePublicJwk(publicJwkOf(signing)).multibase }
          : { id: '#key-1', type: 'JsonWebKey', publicKeyJwk: publicJwkOf(signing) },
        ...(bbs ? [{ id: '#key-2', type: 'Multikey' as const, publicKeyMultibase: bls12381G2Multikey(Buffer.from(bbs.publicKeyHex, 'hex')) }] : []),
      ],
      authentication: ['#key-1'],
      assertionMethod: bbs ? ['#key-1', '#key-2'] : ['#key-1'],
      service: options.services ?? [],
    };
    // The record of who owns the DID commits with its create entry: a crash cannot leave an unowned DID on the log.
    const record = (did: string): ManagedIdentifier => ({
      did,
      controllerKeyId: rotation.kid,
      keys: bbs ? [rotation, signing, bbs] : [rotation, signing],
      services: toVeramoServices(did, document.service ?? []),
      ...(options.ownerId ? { ownerId: options.ownerId } : {}),
    });
    const submitted = await this.sign(
      { type: 'create', prev: null, home: this.ledger.home, rotationKeys: [didKeyOf(rotation)], document },
      rotation,
      context,
      record,
    );
    return record(submitted.did) as Omit<IIdentifier, 'provider'>;
  }

  /** Replaces the document (relative ids, as in operations). */
  async updateIdentifier(args: { did: string; document: Partial<DIDDocument> }, context: Context): Promise<IIdentifier> {
    const identifier = await context.agent.didManagerGet({ did: args.did });
    const document = args.document as unknown as OperationDocument;
    await this.next(identifier, 'update', document, context);
    return { ...identifier, services: toVeramoServices(identifier.did, document.service ?? []) };
  }

  async deleteIdentifier(identifier: IIdentifier, context: Context): Promise<boolean> {
    await this.next(identifier, 'deactivate', undefined, context);
    return true;
  }

  async addKey(): Promise<never> {
    throw new InvalidInputError('add verification methods with an update of the whole document (setDidDocument or addToDidDocument)');
  }

  async removeKey(): Promise<never> {
    throw new InvalidInputError('remove verification methods with an update of the whole document (removeFromDidDocument)');
  }

  async addService(): Promise<never> {
    throw new InvalidInputError('add services with an update of the whole document (addToDidDocument)');
  }

  async removeService(): Promise<never> {
    throw new InvalidInputError('remove services with an update of the whole document (removeFromDidDocument)');
  }

  private async next(identifier: IIdentifier, type: 'update' | 'deactivate', document: OperationDocument | undefined, context: Context): Promise<SubmittedOperation> {
    const latest = await this.ledger.latest(identifier.did);
    if (!latest) throw new ConflictError(`${identifier.did} is not on this region's log`);
    if (latest.operation.type === 'deactivate') throw new ConflictError(`${identifier.did} is deactivated`);
    const rotation = identifier.keys.find((k) => k.kid === identifier.controllerKeyId);
    if (!rotation) throw new ConflictError(`this region does not hold the rotation key of ${identifier.did}`);
    const unsigned: UnsignedOperation = {
      type,
      prev: latest.hash,
      home: latest.operation.home,
      rotationKeys: latest.operation.rotationKeys,
      ...(document ? { document } : {}),
    };
    return this.sign(unsigned, rotation, context);
  }

  private async sign(unsigned: UnsignedOperation, key: IKey, context: Context, record?: (did: string) => ManagedIdentifier): Promise<SubmittedOperation> {
    const sig = await context.agent.keyManagerSign({
      keyRef: key.kid,
      data: Buffer.from(operationSigningBytes(unsigned)).toString('hex'),
      encoding: 'base16',
      algorithm: algorithmOfKeyType(key.type),
    });
    return this.ledger.submit({ ...unsigned, sig }, record);
  }
}

function didKeyOf(key: IKey): string {
  return didKeyFromPublicKey(publicJwkOf(key));
}

function toVeramoServices(did: string, services: NonNullable<OperationDocument['service']>): IService[] {
  // Veramo's IService has a single type: the first one stands for the list.
  return services.map((s) => ({ id: `${did}${s.id}`, type: Array.isArray(s.type) ? s.type[0]! : s.type, serviceEndpoint: s.serviceEndpoint as IService['serviceEndpoint'] }));
}
