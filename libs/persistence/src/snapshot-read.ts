import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Rows fetched from a cursor at a time: enough to keep round trips few, few enough to keep memory flat. */
const DEFAULT_BATCH_SIZE = 1000;

let cursorCount = 0;

/**
 * A query's rows through a server-side cursor (`DECLARE … CURSOR` / `FETCH n`), a batch at a time, in the
 * caller's transaction: however many rows match, no more than two batches are ever in this process (the one being
 * handed out and the next, read meanwhile). For reading every row: the transaction plans its cursors for the whole
 * result from then on. The cursor is closed when the caller stops, whether at the end, early (`break`, `return()`)
 * or by an error.
 */
export async function* cursorRows<R>(manager: EntityManager, sql: string, params: unknown[] = [], batchSize = DEFAULT_BATCH_SIZE): AsyncGenerator<R> {
  if (!manager.queryRunner?.isTransactionActive) throw new Error('a cursor lives in a transaction: call cursorRows inside one');
  cursorCount += 1;
  const cursor = `custody_cursor_${process.pid}_${cursorCount}`;
  // Every row is read: plan for the whole result, not (PostgreSQL's default for cursors) for its first tenth, which
  // picks plans like an index walk in ORDER BY order over far more rows than the query keeps.
  await manager.query(`SET LOCAL cursor_tuple_fraction = 1.0`);
  await manager.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`, params);
  const fetch = (): Promise<R[]> => {
    const batch = manager.query(`FETCH ${batchSize} FROM ${cursor}`) as Promise<R[]>;
    // Handled here as well as where it is awaited: a batch failing while the caller still works on the previous one
    // must not count as an unhandled rejection (the await below still throws it).
    batch.catch(() => undefined);
    return batch;
  };
  // The next batch is asked for before this one is handed out, so the database reads it while the caller works.
  let next: Promise<R[]> | undefined = fetch();
  try {
    while (next) {
      const rows: R[] = await next;
      next = rows.length < batchSize ? undefined : fetch();
      yield* rows;
    }
  } finally {
    // A caller that stopped early leaves a batch in flight: let it land (its failure is no one's concern now).
    await next?.catch(() => undefined);
    // A failed transaction has dropped its cursors already; closing one there would only raise another error.
    if (manager.queryRunner?.isTransactionActive) await manager.query(`CLOSE ${cursor}`).catch(() => undefined);
  }
}

/**
 * Reads from one instant of the database, however long the reading takes: `prepare` runs in a READ ONLY
 * REPEATABLE READ transaction on a connection of its own and returns what to read (e.g. `cursorRows`); every
 * statement of both sees the same snapshot, so a check made in `prepare` still holds for every row read after.
 * If `prepare` throws, the transaction is rolled back and the error is thrown here, before anything is read. The
 * transaction ends and the connection goes back to the pool when the reader stops: at the end, early, or by an error.
 */
export async function readInSnapshot<R>(dataSource: DataSource, prepare: (manager: EntityManager) => Promise<AsyncIterable<R>>): Promise<AsyncIterable<R>> {
  const runner = dataSource.createQueryRunner();
  let rows: AsyncIterable<R>;
  try {
    await runner.startTransaction('REPEATABLE READ');
    await runner.query('SET TRANSACTION READ ONLY');
    rows = await prepare(runner.manager);
  } catch (error) {
    await end(runner, 'ROLLBACK');
    throw error;
  }
  return drain(runner, rows);
}

async function* drain<R>(runner: QueryRunner, rows: AsyncIterable<R>): AsyncGenerator<R> {
  let read = false;
  try {
    yield* rows;
    read = true;
  } finally {
    await end(runner, read ? 'COMMIT' : 'ROLLBACK');
  }
}

async function end(runner: QueryRunner, outcome: 'COMMIT' | 'ROLLBACK'): Promise<void> {
  try {
    if (runner.isTransactionActive) await (outcome === 'COMMIT' ? runner.commitTransaction() : runner.rollbackTransaction());
  } finally {
    await runner.release();
  }
}
