import { createTestSchema, requireInfrastructure, type TestSchema } from '@custody/testing';
import { afterCommit, AfterCommitOutsideTransactionError } from './after-commit';

let db: TestSchema;

beforeAll(async () => {
  await requireInfrastructure({ postgres: true });
  db = await createTestSchema({ name: 'after_commit' });
  await db.dataSource.query(`CREATE TABLE ${db.schema}.marks (name text PRIMARY KEY)`);
});

afterAll(async () => {
  await db?.drop();
});

/** Whether another connection sees the row: what a woken relay or waiter would find when it looks. */
async function visible(name: string): Promise<boolean> {
  const rows = (await db.dataSource.query(`SELECT 1 FROM ${db.schema}.marks WHERE name = $1`, [name])) as unknown[];
  return rows.length === 1;
}

describe('afterCommit (real PostgreSQL transactions through TypeORM)', () => {
  it('runs once the commit is done, so the one woken finds what the transaction wrote', async () => {
    let ran = false;
    let found: Promise<boolean> | undefined;
    let ranInsideTransaction = false;
    await db.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO ${db.schema}.marks (name) VALUES ('committed')`);
      afterCommit(manager, 'wake', () => {
        ran = true;
        found = visible('committed');
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      ranInsideTransaction = ran;
    });
    expect(ranInsideTransaction).toBe(false);
    expect(ran).toBe(true);
    expect(await found).toBe(true);
  });

  it('never runs for a transaction that rolls back, nor for the next transaction of the same connection', async () => {
    let runs = 0;
    const runner = db.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      afterCommit(runner.manager, 'wake', () => (runs += 1));
      await runner.rollbackTransaction();
      await runner.startTransaction();
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect(runs).toBe(0);
  });

  it('one run per key and transaction, after the outermost commit and not at a savepoint', async () => {
    const runs: string[] = [];
    await db.dataSource.transaction(async (manager) => {
      afterCommit(manager, 'relay', () => runs.push('relay'));
      afterCommit(manager, 'relay', () => runs.push('relay again'));
      await manager.transaction(async (inner) => {
        afterCommit(inner, 'waiter', () => runs.push('waiter'));
      });
      expect(runs).toEqual([]);
    });
    expect(runs).toEqual(['relay', 'waiter']);
  });

  it('a callback that throws neither fails the committed transaction nor stops the others', async () => {
    // Node's own reporting, watched rather than printed in the test's output.
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    let secondRan = false;
    let warnings: unknown[][] = [];
    try {
      await db.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO ${db.schema}.marks (name) VALUES ('despite-throw')`);
        afterCommit(manager, 'throws', () => {
          throw new Error('wake failed');
        });
        afterCommit(manager, 'second', () => (secondRan = true));
      });
      warnings = emitWarning.mock.calls;
    } finally {
      emitWarning.mockRestore();
    }
    expect(await visible('despite-throw')).toBe(true);
    expect(secondRan).toBe(true);
    expect(warnings).toEqual([['after-commit callback throws failed: wake failed', 'AfterCommitCallbackWarning']]);
  });

  it('is refused outside a transaction, where there is no commit to wait for', () => {
    expect(() => afterCommit(db.dataSource.manager, 'wake', () => undefined)).toThrow(AfterCommitOutsideTransactionError);
  });
});
