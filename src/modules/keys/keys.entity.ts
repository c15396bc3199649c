import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Veramo's key metadata (public half), on the region's own tables. */
@Entity({ name: 'managed_key' })
export class ManagedKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  kid!: string;

  @Column({ type: 'varchar', length: 32 })
  kms!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: string;

  @Column({ name: 'public_key_hex', type: 'varchar', length: 200 })
  publicKeyHex!: string;

  /** JSON of Veramo's key `meta`. */
  @Column({ type: 'text', nullable: true })
  meta!: string | null;
}

/** Private keys, sealed with AES-256-GCM under KEY_ENCRYPTION_SECRET: never stored in clear. */
@Entity({ name: 'private_key' })
export class PrivateKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  alias!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: string;

  @Column({ type: 'text' })
  sealed!: string;
}

/** DIDs this region's registrar manages for issuer tenants (Veramo's identifier store). */
@Entity({ name: 'managed_did' })
export class ManagedDidEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  did!: string;

  @Column({ type: 'varchar', length: 32 })
  provider!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  alias!: string | null;

  @Column({ name: 'controller_key_id', type: 'varchar', length: 100 })
  controllerKeyId!: string;

  /** JSON: Veramo IKey[] (public parts only). */
  @Column({ type: 'text' })
  keys!: string;

  /** JSON: Veramo IService[]. */
  @Column({ type: 'text' })
  services!: string;

  /** The issuer tenant that created the DID: only it may update or deactivate it. */
  @Column({ name: 'owner_id', type: 'varchar', length: 36, nullable: true })
  ownerId!: string | null;
}
