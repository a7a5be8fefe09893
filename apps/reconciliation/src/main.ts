import 'reflect-metadata';
import { adjustmentProposed, breaksChanged, brokerFilesReady } from '@custody/contracts';
import { runDatabaseService } from '@custody/service-kit';
import { BankFilesService } from './bank-files/bank-files.service';
import { AdjustmentProjection } from './breaks/adjustment-projection';
import { OperatorCasesService } from './breaks/operator-cases.service';
import { SummaryChecks } from './breaks/summary-checks';
import { BrokerFilesService } from './broker-files/broker-files.service';
import { JobWorker } from './jobs/job-worker';
import { ReconciliationModule } from './reconciliation.module';
import { RECONCILIATION_SCHEMA } from './reconciliation.schema';
import { reconciliationSubscriptions } from './reconciliation.subscriptions';

/** reconciliation: the day files of every bank, both sides' comparison, breaks and their adjustments' state (domain.md §6). */
void runDatabaseService({
  name: 'reconciliation',
  ...RECONCILIATION_SCHEMA,
  defaultPort: 7104,
  produces: [brokerFilesReady, breaksChanged, adjustmentProposed],
  module: (ctx) => ReconciliationModule.register(ctx),
  workers: (app) => [app.get(JobWorker)],
  subscriptions: (app) =>
    reconciliationSubscriptions({
      brokerFiles: app.get(BrokerFilesService),
      bankFiles: app.get(BankFilesService),
      summaryChecks: app.get(SummaryChecks),
      adjustments: app.get(AdjustmentProjection),
      operatorCases: app.get(OperatorCasesService),
    }),
});
