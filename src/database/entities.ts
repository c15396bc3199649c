import { IssuerEntity } from '../modules/admin/issuer.entity.js';
import { CredentialRecordEntity, PendingAnchorEntity } from '../modules/credentials/credential-record.entity.js';
import { ManagedDidEntity, ManagedKeyEntity, PrivateKeyEntity } from '../modules/keys/keys.entity.js';
import { CheckpointEntity, CredentialAnchorEntity, LedgerEntryEntity, LedgerHeadEntity } from '../modules/ledger/ledger.entity.js';
import { DatabaseOwnerEntity } from '../modules/network/database-owner.entity.js';
import { LedgerAlarmEntity } from '../modules/replication/alarm.entity.js';
import { Oid4vpRequestEntity } from '../modules/oid4vp/oid4vp-request.entity.js';
import { Oid4vciNonceEntity, Oid4vciOfferEntity } from '../modules/oid4vci/oid4vci.entity.js';
import { StatusListEntity } from '../modules/status/status-list.entity.js';
import { WitnessStateEntity } from '../modules/witness/witness-state.entity.js';

/** Every entity of the application, in one list for the DataSource. */
export const ENTITIES = [
  IssuerEntity,
  LedgerEntryEntity,
  LedgerHeadEntity,
  CheckpointEntity,
  ManagedKeyEntity,
  PrivateKeyEntity,
  ManagedDidEntity,
  LedgerAlarmEntity,
  CredentialRecordEntity,
  StatusListEntity,
  DatabaseOwnerEntity,
  CredentialAnchorEntity,
  PendingAnchorEntity,
  Oid4vpRequestEntity,
  Oid4vciOfferEntity,
  Oid4vciNonceEntity,
  WitnessStateEntity,
];
