import { ReconciliationInitial1732200000080 } from './migrations/1732200000080-reconciliation-initial';

/** The reconciliation service's own tables and migrations, for the service and for its integration tests. */
export const RECONCILIATION_SCHEMA = {
  schema: 'reconciliation',
  entities: [],
  migrations: [ReconciliationInitial1732200000080],
};
