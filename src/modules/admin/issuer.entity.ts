import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An issuer tenant of this region. Only the hash of its API key is kept. */
@Entity({ name: 'issuer' })
export class IssuerEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Hex SHA-256 of the API key; the key itself is shown once and never stored. */
  @Column({ name: 'api_key_hash', type: 'varchar', length: 64, unique: true })
  apiKeyHash!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
