import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Outbox } from '@custody/messaging';
import { ChinaCalendarDate, IdempotencyStore, loadCustodyConfig, SecretSealer, serviceMigrations, SettledNotifications } from '@custody/service-kit';
import { createTestDatabase, type TestDatabase, uniqueFundAccountNo } from '@custody/testing';
import { ACCOUNT_SCHEMA } from '../account.schema';
import { AccountFunctionRepository } from '../custody/account-function.repository';
import { BankRequestAnswers } from '../custody/bank-request-answers';
import { ConfirmationService } from '../custody/confirmation.service';
import { DesignationService } from '../custody/designation.service';
import { StatusChangeService } from '../custody/status-change.service';
import { CustomerService } from '../customers/customer.service';
import { BankDays } from '../day/bank-days';
import { FundAccountService } from '../fund-accounts/fund-account.service';
import { customerServiceFor } from './customer-service';

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
  /** A fund account of 李四 (ID `CUSTODY_TEST_ID_NUMBER`) pre-designated at `bankCode` (the saga's verdict applied as transfer hands it on). */
  preDesignated(bankCode: string): Promise<{ fundAccountNo: string; relationshipId: string }>;
  /** The bank's 11003 as the adapter forwards it: a fresh inbound id and a freshly sealed ID number each time. */
  confirmation(bankCode: string, fundAccountNo: string, serialNo: string, fields?: { name?: string; bankAccountNo?: string }): ConfirmationRequest;
  /** The outbox rows an inbound request led to (a reply, or the event that carries its reply on). */
  outboxFor(inboundId: string): Promise<Array<{ topic: string; payload: Record<string, unknown> }>>;
  /** The account functions recorded on a relationship, in order. */
  functionsOf(relationshipId: string): Promise<Array<Record<string, unknown>>>;
}

export const CUSTODY_TEST_ID_NUMBER = '110101199003071234';

type ConfirmationRequest = Parameters<ConfirmationService['handle']>[1];

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
  const customers = customerServiceFor(db.dataSource, sealer, outbox).customers;
  const fundAccounts = new FundAccountService(db.dataSource, idempotency, outbox);
  const designations = new DesignationService(db.dataSource, idempotency, outbox, sealer, config, new ChinaCalendarDate(), new SettledNotifications('designation_settled'), functions);
  return {
    db,
    sealer,
    customers,
    fundAccounts,
    designations,
    confirmations: new ConfirmationService(answers, outbox, sealer, functions, bankDays),
    statusChanges: new StatusChangeService(answers, outbox, functions, bankDays),
    bankDays,
    async preDesignated(bankCode) {
      const customerNo = `C${randomUUID().slice(0, 8)}`;
      await customers.put(customerNo, { name: '李四', type: 'INDIVIDUAL', idType: '10', idNumber: CUSTODY_TEST_ID_NUMBER });
      const fundAccountNo = uniqueFundAccountNo();
      await fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });
      const relationshipId = await designations.preDesignate({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode });
      await db.dataSource.transaction((m) =>
        designations.resolve(m, { relationshipId, fundAccountNo, currency: 'CNY', bankCode, status: 'PRE_DESIGNATED', custodyAccountNo: 'K11003', businessDate: '2026-11-23' }),
      );
      return { fundAccountNo, relationshipId };
    },
    confirmation(bankCode, fundAccountNo, serialNo, fields = {}) {
      return {
        inboundId: randomUUID(),
        bankCode,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo, issuerType: 'B' as const, issuerId: bankCode } },
        function: 'CONFIRM_DESIGNATION' as const,
        serialNo,
        businessDate: '2026-11-24',
        receivedAt: new Date().toISOString(),
        fundAccountNo,
        currency: 'CNY',
        bankAccountNo: fields.bankAccountNo ?? '6222000033334444',
        customer: { name: fields.name ?? '李四', idType: '10', idNumber: sealer.seal(CUSTODY_TEST_ID_NUMBER) },
      };
    },
    async outboxFor(inboundId) {
      const rows: Array<{ topic: string; envelope: { payload: Record<string, unknown> } }> = await db.dataSource.query(
        `SELECT topic, envelope FROM account.outbox WHERE envelope->'payload'->>'inboundId' = $1 OR envelope->'payload'->'reply'->>'inboundId' = $1`,
        [inboundId],
      );
      return rows.map((r) => ({ topic: r.topic, payload: r.envelope.payload }));
    },
    functionsOf(relationshipId) {
      return db.dataSource.query(
        `SELECT function_code, initiator, bank_serial_no, broker_serial_no, bank_account_no, custody_account_no, business_date::text, status_after
           FROM account.account_functions WHERE relationship_id = $1 ORDER BY seq`,
        [relationshipId],
      );
    },
  };
}
