import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * What the region keeps of an issued credential: no claim values, only what status updates
 * and audits need. Never replicated.
 */
@Entity({ name: 'credential_record' })
@Index('idx_credential_record_tenant', ['tenantId'])
@Index('idx_credential_record_offer', ['offerId'])
export class CredentialRecordEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  id!: string;

  /** The issuer tenant that issued it. */
  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  @Column({ name: 'issuer_did', type: 'varchar', length: 200 })
  issuerDid!: string;

  /** JSON list of the credential's types. */
  @Column({ type: 'text' })
  types!: string;

  @Column({ type: 'varchar', length: 16 })
  format!: string;

  /** Hex SHA-256 of the issued token. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  /** JSON list of status entries (filled by the status lists). */
  @Column({ name: 'status_entries', type: 'text' })
  statusEntries!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt!: string;

  /** The OpenID4VCI offer it was issued through (docs/wallets.md); null for POST /credentials/issue. */
  @Column({ name: 'offer_id', type: 'varchar', length: 36, nullable: true })
  offerId!: string | null;
}

/**
 * The outbox of issuance anchors: a credential's digest is stored here before the issuance
 * answers, and deleted in the transaction that appends it in an `anchor` entry. What a crash
 * leaves here is anchored at the next boot (docs/credentials.md).
 */
@Entity({ name: 'credential_anchor_pending' })
export class PendingAnchorEntity {
  @PrimaryColumn({ type: 'varchar', length: 43 })
  digest!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt!: string;
}
