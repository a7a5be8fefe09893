import type { DataSource } from 'typeorm';

export interface RowStreamOptions {
  /** Rows fetched per round trip, the most held in memory at once. Default 1000. */
  batchSize?: number;
}

/**
 * The rows of one query, a batch at a time, from a server-side cursor (`DECLARE … FETCH`), for results too large
 * to hold: a day file of a million records costs one batch of memory. The cursor lives in a read-only REPEATABLE
 * READ transaction, so every batch reads the same snapshot: a row committed meanwhile neither appears half-way
 * through nor shifts the rest. The connection is held until the last row is read or the reader stops (`break`, an
 * error), then released. Pure SQL over the pool's own connection: no cursor library to add.
 */
export async function* streamRows<T>(dataSource: DataSource, sql: string, parameters: unknown[] = [], options: RowStreamOptions = {}): AsyncGenerator<T> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, not ${batchSize}`);
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction('REPEATABLE READ');
    await runner.query('SET TRANSACTION READ ONLY');
    await runner.query(`DECLARE row_stream NO SCROLL CURSOR FOR ${sql}`, parameters);
    for (;;) {
      const rows: T[] = await runner.query(`FETCH FORWARD ${batchSize} FROM row_stream`);
      for (const row of rows) yield row;
      if (rows.length < batchSize) break;
    }
    await runner.commitTransaction();
  } finally {
    // A reader that stopped early leaves the transaction open: read-only, so rolling it back loses nothing.
    try {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
  }
}
