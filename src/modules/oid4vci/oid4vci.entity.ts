import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A credential offer of this region (docs/wallets.md). It holds the claim values until the
 * credential is issued: never replicated (no ledger entry names it), deleted once redeemed or expired.
 */
@Entity('oid4vci_offer')
@Index('idx_oid4vci_offer_code', ['code'], { unique: true })
@Index('idx_oid4vci_offer_token', ['accessTokenHash'], { unique: true })
@Index('idx_oid4vci_offer_expires', ['expiresAt'])
export class Oid4vciOfferEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  /** The pre-authorized code: in the offer object the wallet fetches, so kept as it is (as are the claim values beside it). */
  @Column({ name: 'code', type: 'varchar', length: 64 })
  code!: string;

  @Column({ name: 'tx_code_hash', type: 'varchar', length: 64, nullable: true })
  txCodeHash!: string | null;

  @Column({ name: 'tx_code_attempts', type: 'integer', default: 0 })
  txCodeAttempts!: number;

  @Column({ name: 'configuration_id', type: 'varchar', length: 32 })
  configurationId!: string;

  /** The /credentials/issue request (JSON): the claim values. */
  @Column({ type: 'text' })
  request!: string;

  /** `offered` or `token` (src/domain/oid4vci/offer.ts). */
  @Column({ type: 'varchar', length: 16 })
  state!: string;

  /** SHA-256 (hex) of the access token, once the code was exchanged. */
  @Column({ name: 'access_token_hash', type: 'varchar', length: 64, nullable: true })
  accessTokenHash!: string | null;

  @Column({ name: 'dpop_jkt', type: 'varchar', length: 64, nullable: true })
  dpopJkt!: string | null;

  /** ms since the epoch, as text of fixed width so that it sorts (docs/wallets.md). */
  @Column({ name: 'expires_at', type: 'varchar', length: 16 })
  expiresAt!: string;
}

/**
 * Spent single-use values, by SHA-256, until they expire: c_nonces spent by credential requests
 * and DPoP proof ids seen with a code or token of ours. Nonces handed out are not stored
 * (src/domain/oid4vci/nonce.ts); rows of kind `dpop_nonce` in older databases expire and are swept.
 */
@Entity('oid4vci_nonce')
@Index('idx_oid4vci_nonce_expires', ['expiresAt'])
export class Oid4vciNonceEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  hash!: string;

  /** `c_nonce` or `dpop_jti` (`dpop_nonce` in older databases). */
  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 16 })
  expiresAt!: string;
}
