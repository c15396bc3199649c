import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * On SQLite, TypeORM runs every query of the process through one connection and one query
 * runner. A transaction that awaits between its statements (any TypeORM transaction does) lets
 * other requests' statements run on that connection meanwhile: they join the open transaction,
 * their callers are told they succeeded, and a rollback then erases them. This makes the
 * connection one transaction's alone while it is open: a statement from anywhere else waits
 * until it commits or rolls back. What belongs to the transaction is told by the async context
 * in which it began (the code that started it and everything it awaits), so statements inside it
 * need no transactional EntityManager to pass. PostgreSQL gives each transaction a pooled
 * connection of its own and needs none of this.
 */
export function serializeSqliteTransactions(db: DataSource): void {
  if (db.options.type !== 'better-sqlite3') return;
  const runner: QueryRunner = db.createQueryRunner(); // the process's one SQLite query runner
  const context = new AsyncLocalStorage<symbol>();
  let owner: symbol | undefined;
  let released: Promise<void> = Promise.resolve();
  let release = (): void => undefined;
  const mine = (): boolean => owner !== undefined && context.getStore() === owner;
  const turn = async (): Promise<void> => {
    while (owner !== undefined && !mine()) await released;
  };
  const acquire = async (me: symbol): Promise<void> => {
    while (owner !== undefined) await released;
    owner = me;
    released = new Promise((resolve) => (release = resolve));
  };
  const releaseIf = (me: symbol): void => {
    if (owner !== me) return;
    owner = undefined;
    release();
  };

  // `db.transaction(work)`: `work` and all it awaits run in the transaction's context.
  const transaction = db.manager.transaction.bind(db.manager);
  db.manager.transaction = (async (...args: Parameters<typeof transaction>) => {
    if (mine()) return transaction(...args); // nested: a savepoint
    const me = Symbol('sqlite transaction');
    await acquire(me);
    try {
      return await context.run(me, () => transaction(...args));
    } finally {
      releaseIf(me);
    }
  }) as typeof transaction;

  // Transactions TypeORM opens by itself (`save`) start here, outside any such context: the mark
  // is set before the first await, so that the caller's continuation carries it.
  const { startTransaction, commitTransaction, rollbackTransaction, query } = runner;
  runner.startTransaction = async function (this: QueryRunner, ...args: Parameters<QueryRunner['startTransaction']>) {
    if (!mine()) {
      const me = Symbol('sqlite transaction');
      context.enterWith(me);
      await acquire(me);
    }
    try {
      await startTransaction.apply(this, args);
    } catch (error) {
      end(this);
      throw error;
    }
  };
  const end = (self: QueryRunner): void => {
    if (!self.isTransactionActive && mine()) releaseIf(owner!);
  };
  runner.commitTransaction = async function (this: QueryRunner) {
    try {
      await commitTransaction.apply(this);
    } finally {
      end(this);
    }
  };
  runner.rollbackTransaction = async function (this: QueryRunner) {
    try {
      await rollbackTransaction.apply(this);
    } finally {
      end(this);
    }
  };
  runner.query = async function (this: QueryRunner, ...args: Parameters<QueryRunner['query']>) {
    await turn();
    return query.apply(this, args);
  } as QueryRunner['query'];
}
