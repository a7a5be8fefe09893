import type { EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent, TransactionStartEvent } from 'typeorm';
import { subscribeOnce } from './transaction-subscribers';

/** Where a transaction's pending rows wait on its QueryRunner (`QueryRunner.data` is TypeORM's place for such things). */
const PENDING = 'custody.writtenAtCommit';

export class WrittenAtCommitOutsideTransactionError extends Error {}

/** How the rows of one kind are written: one statement for all the transaction's rows of it, in the order added. */
export type WriteRows<R> = (manager: EntityManager, rows: readonly R[]) => Promise<void>;

interface Pending {
  readonly write: WriteRows<unknown>;
  /** Each row with the savepoint level it was added at (1: the transaction itself). */
  rows: Array<{ row: unknown; level: number }>;
}

/**
 * Adds `row` to what `manager`'s transaction writes right before its COMMIT, with every other row of `kind` the
 * transaction added, in one call of `write` (issue 9: a transaction applying three messages wrote three outbox rows in
 * three round trips; now one). Nothing reads such a row before the commit, so writing it late changes nothing another
 * transaction can see, and locks the transaction took are still held while it is written.
 *
 * - A rollback writes nothing; a savepoint rolled back forgets the rows added inside it, as PostgreSQL would have.
 * - `write` failing fails the commit: the transaction rolls back and its caller gets the error, as if the row had
 *   been written when it was added.
 * - `write` must be the same for every row of `kind` (the first one given is used).
 */
export function writeAtCommit<R>(manager: EntityManager, kind: string, row: R, write: WriteRows<R>): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new WrittenAtCommitOutsideTransactionError(`writeAtCommit(${kind}) needs the EntityManager of a transaction (dataSource.transaction(manager => ...))`);
  }
  subscribeOnce(manager.connection, WrittenAtCommitSubscriber);
  const pending = pendingOf(runner, true);
  const ofKind = pending.get(kind) ?? { write: write as WriteRows<unknown>, rows: [] };
  pending.set(kind, ofKind);
  ofKind.rows.push({ row, level: depthOf(runner) });
}

/**
 * The savepoint level a QueryRunner is at. TypeORM keeps it in a protected field and offers no accessor; the
 * subscriber below needs it to tell a savepoint's end from the transaction's.
 */
function depthOf(runner: QueryRunner): number {
  return (runner as unknown as { transactionDepth: number }).transactionDepth;
}

function pendingOf(runner: QueryRunner, create: true): Map<string, Pending>;
function pendingOf(runner: QueryRunner, create: false): Map<string, Pending> | undefined;
function pendingOf(runner: QueryRunner, create: boolean): Map<string, Pending> | undefined {
  const data = runner.data as Record<string, unknown>;
  const existing = data[PENDING] as Map<string, Pending> | undefined;
  if (existing || !create) return existing;
  const created = new Map<string, Pending>();
  data[PENDING] = created;
  return created;
}

class WrittenAtCommitSubscriber implements EntitySubscriberInterface {
  /**
   * A new transaction starts with nothing pending, even on a QueryRunner kept across transactions whose last one
   * ended without TypeORM's rollback event (its ROLLBACK failed on a broken connection).
   */
  beforeTransactionStart(event: TransactionStartEvent): void {
    if (depthOf(event.queryRunner) === 0) (event.queryRunner.data as Record<string, unknown>)[PENDING] = undefined;
  }

  /** Before the transaction's own COMMIT (level 1), not a savepoint's RELEASE; awaited by TypeORM before it commits. */
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const runner = event.queryRunner;
    if (depthOf(runner) !== 1) return;
    const pending = pendingOf(runner, false);
    if (!pending) return;
    // Taken before writing: a write that fails rolls the transaction back, and the next transaction of this
    // connection must not find these rows.
    (runner.data as Record<string, unknown>)[PENDING] = undefined;
    for (const { write, rows } of pending.values()) {
      if (rows.length > 0) await write(runner.manager, rows.map(({ row }) => row));
    }
  }

  /** A savepoint released: its rows now belong to the level around it (a later rollback of that level forgets them). */
  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    if (!runner.isTransactionActive) return;
    const level = depthOf(runner);
    for (const ofKind of pendingOf(runner, false)?.values() ?? []) {
      for (const entry of ofKind.rows) if (entry.level > level) entry.level = level;
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner;
    if (!runner.isTransactionActive) {
      (runner.data as Record<string, unknown>)[PENDING] = undefined;
      return;
    }
    const level = depthOf(runner);
    for (const ofKind of pendingOf(runner, false)?.values() ?? []) ofKind.rows = ofKind.rows.filter((entry) => entry.level <= level);
  }
}
