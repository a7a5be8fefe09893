import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Outbox } from '@custody/messaging';
import { ChinaCalendarDate, IdempotencyStore, loadCustodyConfig, SecretSealer, serviceMigrations, SettledNotifications } from '@custody/service-kit';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { ACCOUNT_SCHEMA } from '../account.schema';
import { AccountFunctionRepository } from '../custody/account-function.repository';
import { BankRequestAnswers } from '../custody/bank-request-answers';
import { ConfirmationService } from '../custody/confirmation.service';
import { DesignationService } from '../custody/designation.service';
import { StatusChangeService } from '../custody/status-change.service';
import { CustomerService } from '../customers/customer.service';
import { BankDays } from '../day/bank-days';
import { FundAccountService } from '../fund-accounts/fund-account.service';

/** The account service's custody services over a test database of their own (real PostgreSQL), wired as the module does. */
export interface CustodyTestbed {
  readonly db: TestDatabase;
  readonly sealer: SecretSealer;
  readonly customers: CustomerService;
  readonly fundAccounts: FundAccountService;
  readonly designations: DesignationService;
  readonly confirmations: ConfirmationService;
  readonly statusChanges: StatusChangeService;
  readonly bankDays: BankDays;
}

export async function createCustodyTestbed(name: string): Promise<CustodyTestbed> {
  const sealingKey = randomBytes(32);
  const db = await createTestDatabase({
    name,
    schema: ACCOUNT_SCHEMA.schema,
    entities: ACCOUNT_SCHEMA.entities,
    migrations: serviceMigrations(ACCOUNT_SCHEMA.schema, sealingKey, ACCOUNT_SCHEMA.migrations),
  });
  const sealer = new SecretSealer(sealingKey);
  const idempotency = new IdempotencyStore('account', sealingKey);
  const outbox = new Outbox('account');
  const functions = new AccountFunctionRepository();
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  const bankDays = new BankDays(config);
  const answers = new BankRequestAnswers(idempotency, outbox);
  return {
    db,
    sealer,
    customers: new CustomerService(db.dataSource, sealer, outbox),
    fundAccounts: new FundAccountService(db.dataSource, idempotency, outbox),
    designations: new DesignationService(db.dataSource, idempotency, outbox, sealer, config, new ChinaCalendarDate(), new SettledNotifications('designation_settled'), functions),
    confirmations: new ConfirmationService(answers, outbox, sealer, functions, bankDays),
    statusChanges: new StatusChangeService(answers, outbox, functions, bankDays),
    bankDays,
  };
}
