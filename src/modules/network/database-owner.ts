import { randomBytes } from 'node:crypto';
import type { FactoryProvider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ConfigError, type RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { SealedKeyError, SecretBox } from '../../domain/keys/secret-box.js';
import { ownershipMismatch, type DatabaseOwner } from '../../domain/network/database-owner.js';
import { PrivateKeyEntity } from '../keys/keys.entity.js';
import { DatabaseOwnerEntity } from './database-owner.entity.js';
import { NetworkService } from './network.service.js';

const ROW_ID = 'database';
const CANARY_AAD = 'isthmus/key-canary';

export const DATABASE_OWNER = Symbol('DATABASE_OWNER');

/**
 * Claims the database for this region at its first start and checks the claim at every start
 * after, before any module writes: a region on another region's database, on a database of
 * another genesis, or with a KEY_ENCRYPTION_SECRET that does not open what the database holds
 * stops with one line naming the variable to fix.
 */
export async function claimDatabase(db: DataSource, config: RegionConfig, network: NetworkService): Promise<DatabaseOwner> {
  const starting: DatabaseOwner = { region: config.regionId, network: network.genesis.network, genesisSha256: network.genesisSha256 };
  const box = new SecretBox(config.keyEncryptionSecret);
  const owners = db.getRepository(DatabaseOwnerEntity);
  let row = await owners.findOneBy({ id: ROW_ID });
  if (!row) {
    // A database from before the claim was recorded: its sealed keys say whether the secret is right.
    const sealed = await db.getRepository(PrivateKeyEntity).find({ take: 1 });
    for (const key of sealed) opens(() => box.open(key.sealed, key.alias));
    await owners
      .createQueryBuilder()
      .insert()
      .values({ id: ROW_ID, ...starting, keyCanary: box.seal(randomBytes(32), CANARY_AAD), createdAt: new Date().toISOString() })
      .orIgnore() // a replica of the same region may claim it at the same moment; the re-read decides
      .execute();
    row = (await owners.findOneBy({ id: ROW_ID }))!;
  }
  const mismatch = ownershipMismatch(row, starting);
  if (mismatch) throw new ConfigError(config.databaseUrl ? 'DATABASE_URL' : 'DATA_DIR', mismatch);
  opens(() => box.open(row.keyCanary, CANARY_AAD));
  return starting;
}

function opens(open: () => unknown): void {
  try {
    open();
  } catch (error) {
    if (!(error instanceof SealedKeyError)) throw error;
    throw new ConfigError(
      'KEY_ENCRYPTION_SECRET',
      'does not open the keys sealed in this database: start the region with the secret it was first started with (keys sealed under another secret could never be opened again)',
    );
  }
}

export const databaseOwnerProvider: FactoryProvider<Promise<DatabaseOwner>> = {
  provide: DATABASE_OWNER,
  inject: [getDataSourceToken(), REGION_CONFIG, NetworkService],
  useFactory: claimDatabase,
};
