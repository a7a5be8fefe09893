import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { QueryRunner } from 'typeorm';

/** Rows are handed to PostgreSQL in pieces of about this many bytes: few writes, little memory. */
const BATCH_BYTES = 256 * 1024;

async function* batched(rows: AsyncIterable<string>): AsyncGenerator<string> {
  let batch = '';
  for await (const row of rows) {
    batch += row;
    if (batch.length >= BATCH_BYTES) {
      yield batch;
      batch = '';
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Streams COPY text rows (`copyRow`) into a table on the runner's connection, inside its transaction: a day
 * file of a million records goes into PostgreSQL as fast as it is read, and never sits in memory. Returns the
 * rows copied.
 */
export async function copyRows(runner: QueryRunner, table: string, columns: readonly string[], rows: AsyncIterable<string>): Promise<number> {
  // TypeORM's runner hands out the pg client it holds: the same connection, so the same transaction.
  const client = (await runner.connect()) as PoolClient;
  const copy = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(batched(rows)), copy);
  return copy.rowCount;
}
