import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RequestStatus } from '../../domain/oid4vp/request.js';

/**
 * An OpenID4VP presentation request of a relying party (docs/wallets.md): what the wallet is
 * asked, the single-use request object, and the result. Never replicated; the ephemeral
 * decryption key of a direct_post.jwt request is sealed under KEY_ENCRYPTION_SECRET.
 */
@Entity({ name: 'oid4vp_request' })
@Index('idx_oid4vp_request_tenant', ['tenantId'])
export class Oid4vpRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId!: string;

  /** created, fetched, answering, completed or failed (src/domain/oid4vp/request.ts). */
  @Column({ type: 'varchar', length: 16 })
  status!: RequestStatus;

  @Column({ name: 'client_id', type: 'varchar', length: 300 })
  clientId!: string;

  @Column({ type: 'varchar', length: 64 })
  nonce!: string;

  @Column({ type: 'varchar', length: 64 })
  state!: string;

  @Column({ name: 'response_mode', type: 'varchar', length: 16 })
  responseMode!: string;

  /** JSON: the DCQL query, purpose, trusted issuers, accreditation flag. */
  @Column({ type: 'text' })
  query!: string;

  /** The signed request object (oauth-authz-req+jwt). */
  @Column({ name: 'request_object', type: 'text' })
  requestObject!: string;

  @Column({ name: 'authorization_request', type: 'text' })
  authorizationRequest!: string;

  /** The sealed private JWK the response is encrypted to (direct_post.jwt), else null. */
  @Column({ name: 'decryption_key', type: 'text', nullable: true })
  decryptionKey!: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  webhook!: string | null;

  /** JSON: what the relying party reads once the request is completed or failed. */
  @Column({ type: 'text', nullable: true })
  result!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 40 })
  expiresAt!: string;
}
