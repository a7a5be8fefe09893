import { createTestSchema, requireInfrastructure, type TestSchema } from '@custody/testing';
import { cursorRows, readInSnapshot } from './snapshot-read';

jest.setTimeout(30_000);

let db: TestSchema;

beforeAll(async () => {
  await requireInfrastructure({ postgres: true });
  db = await createTestSchema({ name: 'snapshot_read', poolSize: 3 });
  await db.dataSource.query(`CREATE TABLE ${db.schema}.numbers (n int PRIMARY KEY)`);
  await db.dataSource.query(`INSERT INTO ${db.schema}.numbers SELECT generate_series(1, 2500)`);
});

afterAll(async () => {
  await db?.drop();
});

/** This pool's connections in a transaction or a query (other than the asking one): a reader that leaks one shows here. */
const connectionsInUse = async () => {
  const [row]: Array<{ n: number }> = await db.dataSource.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = current_setting('application_name') AND state <> 'idle' AND pid <> pg_backend_pid()`,
  );
  return row.n;
};

describe('reading from one instant of the database, a batch at a time (real PostgreSQL)', () => {
  it('every row of the query comes, in order, through a cursor fetched in batches', async () => {
    const rows = await readInSnapshot(db.dataSource, async (m) => cursorRows<{ n: number }>(m, `SELECT n FROM ${db.schema}.numbers WHERE n > $1 ORDER BY n`, [500], 300));
    const seen: number[] = [];
    for await (const row of rows) seen.push(row.n);
    expect(seen).toEqual(Array.from({ length: 2000 }, (_, i) => 501 + i));
  });

  it('rows committed while the reader reads are not seen: every row comes from the instant prepare ran in', async () => {
    const rows = await readInSnapshot(db.dataSource, async (m) => {
      const [{ count }]: Array<{ count: number }> = await m.query(`SELECT count(*)::int AS count FROM ${db.schema}.numbers`);
      expect(count).toBe(2500);
      return cursorRows<{ n: number }>(m, `SELECT n FROM ${db.schema}.numbers ORDER BY n`, [], 100);
    });
    await db.dataSource.query(`INSERT INTO ${db.schema}.numbers VALUES (99999)`);
    let last = 0;
    let count = 0;
    for await (const row of rows) {
      last = row.n;
      count += 1;
    }
    expect({ count, last }).toEqual({ count: 2500, last: 2500 });
    await db.dataSource.query(`DELETE FROM ${db.schema}.numbers WHERE n = 99999`);
  });

  it('a refusal in prepare is thrown before anything is read, and the connection goes back to the pool', async () => {
    await expect(
      readInSnapshot(db.dataSource, async () => {
        throw new Error('books do not agree yet');
      }),
    ).rejects.toThrow('books do not agree yet');
    expect(await connectionsInUse()).toBe(0);
  });

  it('a reader stopped early ends its transaction and gives its connection back', async () => {
    const rows = await readInSnapshot(db.dataSource, async (m) => cursorRows<{ n: number }>(m, `SELECT n FROM ${db.schema}.numbers ORDER BY n`, [], 100));
    for await (const row of rows) if (row.n === 150) break;
    expect(await connectionsInUse()).toBe(0);
  });

  it('the snapshot is read only: a write through it is refused', async () => {
    await expect(
      readInSnapshot(db.dataSource, async (m) => {
        await m.query(`INSERT INTO ${db.schema}.numbers VALUES (100000)`);
        return cursorRows<{ n: number }>(m, `SELECT n FROM ${db.schema}.numbers`);
      }),
    ).rejects.toThrow(/read-only transaction/);
    expect(await connectionsInUse()).toBe(0);
  });
});
