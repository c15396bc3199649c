import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A status list this region's issuers own: the working bits and what allocation needs.
 * Every published version goes on the ledger (kind `status-list`); this row is local.
 */
@Entity({ name: 'status_list' })
@Index('idx_status_list_issuer', ['issuerDid', 'mechanism', 'purpose'])
export class StatusListEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'issuer_did', type: 'varchar', length: 200 })
  issuerDid!: string;

  /** The issuer tenant whose key signs the list. */
  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  /** `bitstring` (W3C Bitstring Status List, vc+jwt) or `token` (IETF Token Status List). */
  @Column({ type: 'varchar', length: 16 })
  mechanism!: string;

  /** `revocation` or `suspension` for bitstrings; `revocation+suspension` for 2-bit token lists. */
  @Column({ type: 'varchar', length: 32 })
  purpose!: string;

  /** Number of entries (credentials) the list holds. */
  @Column({ type: 'integer' })
  size!: number;

  @Column({ name: 'bits_per_status', type: 'integer' })
  bitsPerStatus!: number;

  /** Hex key of the index permutation: secret, it hides issuance order. */
  @Column({ name: 'permutation_key', type: 'varchar', length: 64 })
  permutationKey!: string;

  /** How many positions of the permutation have been handed out (or reserved by a process). */
  @Column({ type: 'integer' })
  allocated!: number;

  /** Base64 of the raw status bytes, as in the latest published version. */
  @Column({ type: 'text' })
  bits!: string;

  /** The latest published version (0: not published yet). */
  @Column({ type: 'integer' })
  version!: number;

  /** validUntil / exp of the latest published version ('' before the first). */
  @Column({ name: 'valid_until', type: 'varchar', length: 40 })
  validUntil!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt!: string;
}
