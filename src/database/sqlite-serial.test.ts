import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { DataSource, EntitySchema } from 'typeorm';
import { serializeSqliteTransactions } from './sqlite-serial.js';

const Thing = new EntitySchema<{ id: number; v: string }>({ name: 'thing', columns: { id: { type: Number, primary: true }, v: { type: String } } });
let db: DataSource | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

async function open(serialized: boolean): Promise<DataSource> {
  // The schema by hand, as migrations would make it (synchronize is never on in this project).
  db = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [Thing] }).initialize();
  await db.query('CREATE TABLE thing (id integer PRIMARY KEY NOT NULL, v varchar NOT NULL)');
  if (serialized) serializeSqliteTransactions(db);
  return db;
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rows = async (d: DataSource) => (await d.query('SELECT id, v FROM thing ORDER BY id')) as { id: number; v: string }[];

/** A transaction that writes, waits (as any real one awaits), then fails; and a write from elsewhere meanwhile. */
async function failingTransactionBesideAWrite(d: DataSource): Promise<void> {
  const failing = d
    .transaction(async (tx) => {
      await tx.query("INSERT INTO thing (id, v) VALUES (1, 'in the transaction')");
      await tick(50);
      throw new Error('rolled back');
    })
    .catch(() => undefined);
  await tick(10);
  await d.query("INSERT INTO thing (id, v) VALUES (2, 'elsewhere')");
  await failing;
}

describe('serializeSqliteTransactions', () => {
  it('without it, a write answered while a transaction is open is erased by the rollback (the fault it fixes)', async () => {
    const d = await open(false);
    await failingTransactionBesideAWrite(d);
    expect(await rows(d)).toEqual([]);
  });

  it('with it, the write waits for the transaction to end and stays', async () => {
    const d = await open(true);
    await failingTransactionBesideAWrite(d);
    expect(await rows(d)).toEqual([{ id: 2, v: 'elsewhere' }]);
  });

  it('statements inside the transaction pass, also those not made through its EntityManager, and nested transactions are savepoints', async () => {
    const d = await open(true);
    await d.transaction(async (tx) => {
      await tx.query("INSERT INTO thing (id, v) VALUES (1, 'a')");
      await tick(5);
      await d.query("INSERT INTO thing (id, v) VALUES (2, 'b')"); // the data source itself, same async context
      await d.transaction(async (inner) => inner.query("INSERT INTO thing (id, v) VALUES (3, 'c')"));
      await d
        .transaction(async (inner) => {
          await inner.query("INSERT INTO thing (id, v) VALUES (4, 'rolled back alone')");
          throw new Error('inner');
        })
        .catch(() => undefined);
    });
    expect(await rows(d)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 3, v: 'c' },
    ]);
  });

  it('concurrent transactions run one after the other, each whole', async () => {
    const d = await open(true);
    const order: string[] = [];
    await Promise.all(
      [1, 2, 3].map((n) =>
        d.transaction(async (tx) => {
          order.push(`begin ${n}`);
          await tx.query(`INSERT INTO thing (id, v) VALUES (${n}, 'first')`);
          await tick(10);
          await tx.query(`UPDATE thing SET v = 'second' WHERE id = ${n}`);
          order.push(`end ${n}`);
        }),
      ),
    );
    expect(order).toEqual(['begin 1', 'end 1', 'begin 2', 'end 2', 'begin 3', 'end 3']);
    expect((await rows(d)).map((r) => r.v)).toEqual(['second', 'second', 'second']);
  });

  it('a repository save (its own implicit transaction) beside a failing transaction is kept', async () => {
    const d = await open(true);
    const failing = d
      .transaction(async (tx) => {
        await tx.query("INSERT INTO thing (id, v) VALUES (1, 'x')");
        await tick(30);
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await tick(5);
    await d.getRepository(Thing).save({ id: 5, v: 'saved' });
    await failing;
    expect(await rows(d)).toEqual([{ id: 5, v: 'saved' }]);
  });
});
