import 'reflect-metadata';
import { bankAccountRequestReceived, bankReplyReady, customerRenamed, designationApplied, designationConfirmed, designationRequested, fundAccountOpened } from '@custody/contracts';
import { on, runDatabaseService, SettledNotifications } from '@custody/service-kit';
import { ACCOUNT_SCHEMA } from './account.schema';
import { AccountModule } from './account.module';
import { ConfirmationService } from './custody/confirmation.service';
import { DesignationService } from './custody/designation.service';
import { fundPasswordVerificationRetention } from './customers/fund-password-verification.retention';

/** account: customers, fund accounts and custody relationships (domain.md §3, §13). */
void runDatabaseService({
  name: 'account',
  ...ACCOUNT_SCHEMA,
  defaultPort: 7101,
  produces: [fundAccountOpened, designationRequested, customerRenamed, designationConfirmed, bankReplyReady],
  module: (ctx) => AccountModule.register(ctx),
  workers: (app) => [app.get(SettledNotifications)],
  retention: (settings) => [fundPasswordVerificationRetention(settings)],
  subscriptions: (app) => {
    const designations = app.get(DesignationService);
    const confirmations = app.get(ConfirmationService);
    return [
      on(designationApplied, (event, manager) => designations.resolve(manager, event.payload)),
      on(bankAccountRequestReceived, (event, manager) => confirmations.handle(manager, event.payload)),
    ];
  },
});
