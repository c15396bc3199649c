import type { DataSource } from 'typeorm';

/** What an intruder with database access would do: lift the append-only guard, alter, restore it. */
export async function tamperWithLedger(db: DataSource, sql: string): Promise<void> {
  if (db.options.type === 'postgres') {
    await db.query('ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_no_update');
    await db.query(sql);
    await db.query('ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_no_update');
  } else {
    await db.query('DROP TRIGGER IF EXISTS ledger_entry_no_update');
    await db.query(sql);
  }
}
