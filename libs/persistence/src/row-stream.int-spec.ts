import { createTestSchema, requireInfrastructure, type TestSchema } from '@custody/testing';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { streamRows } from './row-stream';

class RecordsTable1700000000200 implements MigrationInterface {
  readonly name = 'RecordsTable1700000000200';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE records (n integer PRIMARY KEY, bank_code text NOT NULL)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE records');
  }
}

/** `streamRows` against the real PostgreSQL: a server-side cursor read a batch at a time. */
describe('streamRows (real PostgreSQL)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestSchema({ name: 'row_stream', migrations: () => [RecordsTable1700000000200] });
    await db.dataSource.query(`INSERT INTO records (n, bank_code) SELECT g, CASE WHEN g % 2 = 0 THEN 'A' ELSE 'B' END FROM generate_series(1, 10) g`);
  });

  afterAll(() => db?.drop());

  const collect = async <T>(rows: AsyncIterable<T>): Promise<T[]> => {
    const all: T[] = [];
    for await (const row of rows) all.push(row);
    return all;
  };

  it.each([1, 2, 5, 6, 1000])('every row of the query, in its order and with its parameters, whatever the batch size (%p)', async (batchSize) => {
    const rows = await collect(streamRows<{ n: number }>(db.dataSource, `SELECT n FROM records WHERE bank_code = $1 ORDER BY n DESC`, ['A'], { batchSize }));
    expect(rows.map((r) => r.n)).toEqual([10, 8, 6, 4, 2]);
  });

  it('every batch reads the snapshot of the first: a row committed while the rows are read does not appear', async () => {
    const seen: number[] = [];
    for await (const row of streamRows<{ n: number }>(db.dataSource, `SELECT n FROM records WHERE n <= 10 OR n = 11 ORDER BY n`, [], { batchSize: 2 })) {
      if (seen.length === 0) await db.dataSource.query(`INSERT INTO records (n, bank_code) VALUES (11, 'A')`);
      seen.push(row.n);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await db.dataSource.query(`DELETE FROM records WHERE n = 11`);
  });

  it('a reader that stops early ends the read transaction: nothing keeps holding the table', async () => {
    for await (const row of streamRows<{ n: number }>(db.dataSource, `SELECT n FROM records ORDER BY n`, [], { batchSize: 2 })) {
      if (row.n === 3) break;
    }
    // An open cursor's transaction would still hold its ACCESS SHARE lock, and NOWAIT would fail at once.
    await expect(
      db.dataSource.transaction(async (m) => {
        await m.query('LOCK TABLE records IN ACCESS EXCLUSIVE MODE NOWAIT');
        return 'locked';
      }),
    ).resolves.toBe('locked');
  });

  it('a batch size that is not a positive integer is refused before anything is read', async () => {
    await expect(collect(streamRows(db.dataSource, 'SELECT n FROM records', [], { batchSize: 0 }))).rejects.toThrow(RangeError);
  });
});
