import type { EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { subscribeOnce } from './transaction-subscribers';

/** Where the callbacks of a transaction wait on its QueryRunner (`QueryRunner.data` is TypeORM's place for such things). */
const CALLBACKS = 'custody.afterCommit';

export class AfterCommitOutsideTransactionError extends Error {}

/**
 * Runs `callback` in this process once the transaction of `manager` has committed, and never if it rolls back.
 * For wake-ups (a relay, a waiting HTTP caller) that must not come before the commit — the one woken would
 * look, find nothing yet and sleep — and must not cost the transaction anything: unlike `pg_notify`, which
 * takes a lock at commit that serialises every committing transaction of the database.
 *
 * One callback per `key` and transaction: a transaction that writes ten outbox rows wakes the relay once.
 * A callback registered inside a savepoint that is rolled back still runs if the transaction commits, so
 * use this for wake-ups that lead the woken to re-read, never for effects. A callback that throws is
 * reported and does not change the outcome of the commit, which has happened.
 */
export function afterCommit(manager: EntityManager, key: string, callback: () => void): void {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) {
    throw new AfterCommitOutsideTransactionError(`afterCommit(${key}) needs the EntityManager of a transaction (dataSource.transaction(manager => ...))`);
  }
  subscribeOnce(manager.connection, AfterCommitSubscriber);
  const data = runner.data as Record<string, unknown>;
  const callbacks = (data[CALLBACKS] as Map<string, () => void> | undefined) ?? new Map<string, () => void>();
  data[CALLBACKS] = callbacks;
  if (!callbacks.has(key)) callbacks.set(key, callback);
}

class AfterCommitSubscriber implements EntitySubscriberInterface {
  afterTransactionCommit(event: TransactionCommitEvent): void {
    // Still active: a savepoint was released and the transaction goes on.
    if (event.queryRunner.isTransactionActive) return;
    for (const [key, callback] of take(event.queryRunner)) {
      try {
        callback();
      } catch (error) {
        process.emitWarning(`after-commit callback ${key} failed: ${error instanceof Error ? error.message : String(error)}`, 'AfterCommitCallbackWarning');
      }
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) take(event.queryRunner);
  }
}

function take(runner: QueryRunner): Array<[string, () => void]> {
  const data = runner.data as Record<string, unknown>;
  const callbacks = data[CALLBACKS] as Map<string, () => void> | undefined;
  data[CALLBACKS] = undefined;
  return callbacks ? [...callbacks.entries()] : [];
}
