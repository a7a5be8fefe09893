import type { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';

export type { IsolationLevel };

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';

export interface TransactionOptions {
  /**
   * How often to run the whole transaction again when PostgreSQL aborts it as a serialization
   * failure or a deadlock victim. Those aborts are the normal price of SERIALIZABLE and of row locks
   * taken in different orders, and the retry is safe because nothing of the attempt was committed.
   * Work with side effects outside the database must pass 0.
   */
  retries?: number;
}

/** The SQLSTATE of a failed query, if the error is one. */
export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function isRetryableTransactionError(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === SERIALIZATION_FAILURE || state === DEADLOCK_DETECTED;
}

/** Runs `work` in one transaction at the given isolation level; commits if it resolves, rolls back if not. */
export async function inTransaction<T>(
  dataSource: DataSource,
  isolation: IsolationLevel,
  work: (manager: EntityManager) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await dataSource.transaction(isolation, work);
    } catch (error) {
      if (attempt >= retries || !isRetryableTransactionError(error)) throw error;
      // A little jitter so that the two deadlock victims do not collide again at once.
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}
