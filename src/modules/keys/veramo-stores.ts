import type { IIdentifier, IKey, ManagedKeyInfo } from '@veramo/core-types';
import { AbstractDIDStore } from '@veramo/did-manager';
import { AbstractKeyStore } from '@veramo/key-manager';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { NotFoundError } from '../../domain/errors.js';
import { ManagedDidEntity, ManagedKeyEntity } from './keys.entity.js';

/** Veramo's key store (public key metadata) on the `managed_key` table. */
export class KeyStore extends AbstractKeyStore {
  private readonly keys: Repository<ManagedKeyEntity>;

  constructor(db: DataSource) {
    super();
    this.keys = db.getRepository(ManagedKeyEntity);
  }

  async importKey(key: Partial<IKey>): Promise<boolean> {
    await this.keys.save({
      kid: key.kid!,
      kms: key.kms!,
      type: key.type!,
      publicKeyHex: key.publicKeyHex!,
      meta: key.meta ? JSON.stringify(key.meta) : null,
    });
    return true;
  }

  async getKey({ kid }: { kid: string }): Promise<IKey> {
    const row = await this.keys.findOneBy({ kid });
    if (!row) throw new NotFoundError(`no key ${kid} in this region's key store`);
    return toKey(row);
  }

  async deleteKey({ kid }: { kid: string }): Promise<boolean> {
    return ((await this.keys.delete({ kid })).affected ?? 0) > 0;
  }

  async listKeys(): Promise<ManagedKeyInfo[]> {
    return (await this.keys.find()).map(toKey);
  }
}

function toKey(row: ManagedKeyEntity): IKey {
  return {
    kid: row.kid,
    kms: row.kms,
    type: row.type as IKey['type'],
    publicKeyHex: row.publicKeyHex,
    ...(row.meta ? { meta: JSON.parse(row.meta) as IKey['meta'] } : {}),
  };
}

/** Veramo's identifier store on the `managed_did` table; rows also record the owning issuer. */
export class DidStore extends AbstractDIDStore {
  private readonly dids: Repository<ManagedDidEntity>;
  private readonly changed: ((did: string) => void)[] = [];

  constructor(db: DataSource) {
    super();
    this.dids = db.getRepository(ManagedDidEntity);
  }

  /** Saves the record; with `tx`, inside that transaction (the ledger append's, for a create). */
  async importDID(identifier: IIdentifier & { ownerId?: string }, tx?: EntityManager): Promise<boolean> {
    for (const listener of this.changed) listener(identifier.did);
    const dids = tx ? tx.getRepository(ManagedDidEntity) : this.dids;
    const existing = await dids.findOneBy({ did: identifier.did });
    await dids.save({
      did: identifier.did,
      provider: identifier.provider,
      alias: identifier.alias ?? null,
      controllerKeyId: identifier.controllerKeyId ?? '',
      keys: JSON.stringify(identifier.keys.map(({ privateKeyHex: _drop, ...key }) => key)),
      services: JSON.stringify(identifier.services),
      ownerId: identifier.ownerId ?? existing?.ownerId ?? null,
    });
    // Again once written: a read between the first notice and the write may have cached the old row.
    for (const listener of this.changed) listener(identifier.did);
    return true;
  }

  async getDID(args: { did: string } | { alias: string }): Promise<IIdentifier> {
    const row = await this.dids.findOneBy('did' in args ? { did: args.did } : { alias: args.alias });
    if (!row) throw new NotFoundError(`no managed identifier ${'did' in args ? args.did : args.alias}`);
    return toIdentifier(row);
  }

  async deleteDID({ did }: { did: string }): Promise<boolean> {
    for (const listener of this.changed) listener(did);
    return ((await this.dids.delete({ did })).affected ?? 0) > 0;
  }

  async listDIDs(args: { alias?: string; provider?: string }): Promise<IIdentifier[]> {
    return (await this.dids.findBy({ ...(args.alias ? { alias: args.alias } : {}), ...(args.provider ? { provider: args.provider } : {}) })).map(toIdentifier);
  }

  async ownerOf(did: string): Promise<string | null | undefined> {
    return (await this.dids.findOneBy({ did }))?.ownerId;
  }

  /** The owning tenant and the identifier in one read; undefined for a DID not managed here. */
  async owned(did: string): Promise<{ ownerId: string | null; identifier: IIdentifier } | undefined> {
    const row = await this.dids.findOneBy({ did });
    return row ? { ownerId: row.ownerId, identifier: toIdentifier(row) } : undefined;
  }

  /** Called with the DID whenever this process writes its record (for caches of it). */
  onChange(listener: (did: string) => void): void {
    this.changed.push(listener);
  }
}

function toIdentifier(row: ManagedDidEntity): IIdentifier {
  return {
    did: row.did,
    provider: row.provider,
    ...(row.alias ? { alias: row.alias } : {}),
    controllerKeyId: row.controllerKeyId,
    keys: JSON.parse(row.keys) as IKey[],
    services: JSON.parse(row.services) as IIdentifier['services'],
  };
}
