import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One entry of a region's log, exactly as it was appended. Append-only: no code path updates
 * or deletes a row, and database triggers refuse it (migrations/…-CreateLedger.ts).
 */
@Entity({ name: 'ledger_entry' })
@Index('idx_ledger_entry_did', ['did', 'log', 'index'])
@Index('idx_ledger_entry_ref', ['ref'])
@Index('idx_ledger_entry_kind', ['kind', 'log', 'index'])
export class LedgerEntryEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  log!: string;

  @PrimaryColumn({ name: 'idx', type: 'integer' })
  index!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: string;

  /** The DID a `did-op` entry belongs to; null for other kinds. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  did!: string | null;

  /** What later entries point at: for a `did-op`, the operation's hash (its successor's `prev`). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  ref!: string | null;

  @Column({ type: 'varchar', length: 40 })
  time!: string;

  /** The JCS bytes of the entry object, as UTF-8 text: what the leaf hash covers. */
  @Column({ type: 'text' })
  entry!: string;

  /** Base64 RFC 9162 leaf hash of `entry`. */
  @Column({ name: 'leaf_hash', type: 'varchar', length: 44 })
  leafHash!: string;

  /** Base64 root of the tree of size index+1: each row commits to every row before it. */
  @Column({ name: 'root_hash', type: 'varchar', length: 44 })
  rootHash!: string;
}

/** Where each log ends: size, root and the Merkle frontier to extend it without a full reload. */
@Entity({ name: 'ledger_head' })
export class LedgerHeadEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  log!: string;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ name: 'root_hash', type: 'varchar', length: 44 })
  rootHash!: string;

  /** JSON: the frontier's subtree hashes (base64). */
  @Column({ type: 'text' })
  frontier!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt!: string;
}

/** A signed checkpoint (C2SP signed note, cosignatures appended as they arrive). */
@Entity({ name: 'checkpoint' })
export class CheckpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  log!: string;

  @PrimaryColumn({ type: 'integer' })
  size!: number;

  @Column({ name: 'root_hash', type: 'varchar', length: 44 })
  rootHash!: string;

  @Column({ type: 'text' })
  note!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt!: string;
}

/**
 * Where each issued credential's digest was anchored (an `anchor` entry): filled in the same
 * transaction as the entry, on the issuing region and on every mirror, so a verifier finds a
 * digest with one indexed query. Derived from the entries; nothing else writes it.
 */
@Entity({ name: 'credential_anchor' })
export class CredentialAnchorEntity {
  /** base64url SHA-256 of the issuer-signed JWT. */
  @PrimaryColumn({ type: 'varchar', length: 43 })
  digest!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  log!: string;

  /** The index of the `anchor` entry in its log. */
  @PrimaryColumn({ name: 'idx', type: 'integer' })
  index!: number;
}
