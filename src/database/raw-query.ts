import type { DataSource } from 'typeorm';

/**
 * A read on a hot path as plain SQL through the data source (its cached prepared statement on
 * SQLite), without TypeORM's query builder, which cost more than the query itself there
 * (docs/performance.md). Write `?` placeholders; they become $1, $2, … on PostgreSQL. Logged like
 * every TypeORM query.
 */
export function rawQuery<T>(db: DataSource, sql: string, params: readonly unknown[]): Promise<T[]> {
  if (db.options.type !== 'postgres') return db.query(sql, [...params]);
  let n = 0;
  return db.query(sql.replace(/\?/g, () => `$${++n}`), [...params]);
}

/** `?, ?, …` for a list of `count` values. */
export const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');
