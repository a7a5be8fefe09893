import { createTestSchema, requireInfrastructure, type TestSchema } from '@custody/testing';
import type { EntityManager } from 'typeorm';
import { writeAtCommit, WrittenAtCommitOutsideTransactionError } from './written-at-commit';

let db: TestSchema;
/** Each call of the writer: the rows it was given. */
let writes: string[][];

beforeAll(async () => {
  await requireInfrastructure({ postgres: true });
  db = await createTestSchema({ name: 'written_at_commit' });
  await db.dataSource.query(`CREATE TABLE ${db.schema}.rows (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE)`);
});

beforeEach(async () => {
  writes = [];
  await db.dataSource.query(`TRUNCATE ${db.schema}.rows`);
});

afterAll(async () => {
  await db?.drop();
});

async function writeNames(manager: EntityManager, names: readonly string[]): Promise<void> {
  writes.push([...names]);
  await manager.query(`INSERT INTO ${db.schema}.rows (name) SELECT name FROM unnest($1::text[]) WITH ORDINALITY AS row (name, position) ORDER BY position`, [names]);
}

function add(manager: EntityManager, name: string): void {
  writeAtCommit(manager, 'rows', name, writeNames);
}

async function names(): Promise<string[]> {
  const rows: Array<{ name: string }> = await db.dataSource.query(`SELECT name FROM ${db.schema}.rows ORDER BY id`);
  return rows.map(({ name }) => name);
}

describe('writeAtCommit (real PostgreSQL transactions through TypeORM)', () => {
  it('writes a transaction’s rows in one statement right before its COMMIT, ids in the order they were added', async () => {
    let seenInside: string[] = [];
    await db.dataSource.transaction(async (manager) => {
      for (const name of ['c', 'a', 'b']) add(manager, name);
      seenInside = writes.flat();
    });
    expect(seenInside).toEqual([]);
    expect(writes).toEqual([['c', 'a', 'b']]);
    expect(await names()).toEqual(['c', 'a', 'b']);
  });

  it('a rollback writes nothing, and the next transaction of the same connection does not inherit its rows', async () => {
    const runner = db.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      add(runner.manager, 'rolled-back');
      await runner.rollbackTransaction();
      await runner.startTransaction();
      add(runner.manager, 'committed');
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect(await names()).toEqual(['committed']);
  });

  it('a savepoint rolled back forgets the rows added inside it; a savepoint released keeps them, written at the outer COMMIT', async () => {
    await db.dataSource.transaction(async (manager) => {
      add(manager, 'before');
      await manager.transaction(async (inner) => add(inner, 'released'));
      await expect(
        manager.transaction(async (inner) => {
          add(inner, 'forgotten');
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      // The released savepoint's row now belongs to the transaction: a later savepoint's rollback keeps it.
      await expect(
        manager.transaction(async (inner) => {
          await inner.transaction(async (innermost) => add(innermost, 'forgotten too'));
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      add(manager, 'after');
      expect(writes).toEqual([]);
    });
    expect(await names()).toEqual(['before', 'released', 'after']);
  });

  it('a write that fails fails the commit: the transaction rolls back with everything it did', async () => {
    await db.dataSource.query(`INSERT INTO ${db.schema}.rows (name) VALUES ('taken')`);
    await expect(
      db.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO ${db.schema}.rows (name) VALUES ('state change')`);
        add(manager, 'taken');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await names()).toEqual(['taken']);
  });

  it('refuses a manager outside a transaction: its row would have nowhere to wait', () => {
    expect(() => add(db.dataSource.manager, 'alone')).toThrow(WrittenAtCommitOutsideTransactionError);
  });
});
