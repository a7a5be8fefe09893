import type { DataSource, EntitySubscriberInterface } from 'typeorm';

/**
 * Every SQL statement a DataSource sends while `work` runs, as TypeORM hands it to PostgreSQL: for asserting
 * what a code path does not do (e.g. no `pg_notify`), which no row left in the database can show.
 */
export async function statementsDuring(dataSource: DataSource, work: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const watcher: EntitySubscriberInterface = { beforeQuery: (event) => void statements.push(event.query) };
  dataSource.subscribers.push(watcher);
  try {
    await work();
  } finally {
    dataSource.subscribers.splice(dataSource.subscribers.indexOf(watcher), 1);
  }
  return statements;
}
