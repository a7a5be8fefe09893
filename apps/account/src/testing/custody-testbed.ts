import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { RelationshipAccountStatus } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { ChinaCalendarDate, IdempotencyStore, loadCustodyConfig, SecretSealer, serviceMigrations, SettledNotifications } from '@custody/service-kit';
import { createTestDatabase, type TestDatabase, uniqueFundAccountNo } from '@custody/testing';
import { ACCOUNT_SCHEMA } from '../account.schema';
import { AccountCleanupRepository } from '../conversion/account-cleanup.repository';
import { AccountCleanupService } from '../conversion/account-cleanup.service';
import { ConversionBatchRepository } from '../conversion/conversion-batch.repository';
import { ConversionBatchService } from '../conversion/conversion-batch.service';
import { ConversionWorker } from '../conversion/conversion.worker';
import { DormantMarkingRepository } from '../conversion/dormant-marking.repository';
import { DormantMarkingService } from '../conversion/dormant-marking.service';
import { AccountFunctionRepository } from '../custody/account-function.repository';
import { BankAccountChangeService } from '../custody/bank-account-change.service';
import { BankDesignationService } from '../custody/bank-designation.service';
import { BankIdentityCheckService } from '../custody/bank-identity-check.service';
import { BankCancellationService } from '../custody/bank-cancellation.service';
import { BankRequestAnswers } from '../custody/bank-request-answers';
import { CustodyFunctionRequests } from '../custody/custody-function-requests';
import { ConfirmationService } from '../custody/confirmation.service';
import { CustodyRelationshipRepository } from '../custody/custody-relationship.repository';
import { CustomerDataChangeService } from '../custody/customer-data-change.service';
import { DesignationService } from '../custody/designation.service';
import { StatusChangeService } from '../custody/status-change.service';
import { CustomerService } from '../customers/customer.service';
import { BankDays } from '../day/bank-days';
import { FundAccountService } from '../fund-accounts/fund-account.service';
import { customerServiceFor } from './customer-service';
import { CustodianBankChanges } from '../custody/custodian-bank-change.service';

/** The account service's custody services over a test database of their own (real PostgreSQL), wired as the module does. */
export interface CustodyTestbed {
  readonly db: TestDatabase;
  readonly sealer: SecretSealer;
  readonly customers: CustomerService;
  readonly fundAccounts: FundAccountService;
  readonly designations: DesignationService;
  readonly confirmations: ConfirmationService;
  readonly statusChanges: StatusChangeService;
  readonly bankAccountChanges: BankAccountChangeService;
  readonly customerDataChanges: CustomerDataChangeService;
  readonly bankIdentityChecks: BankIdentityCheckService;
  readonly bankDesignations: BankDesignationService;
  /** The broker-started functions' requests and their answers (the rail of F-3.10 S, F-3.11 S, 11011 S). */
  readonly functionRequests: CustodyFunctionRequests;
  readonly cancellations: BankCancellationService;
  /** F-3.6 S: the broker's changes of custodian bank, asked and applied. */
  readonly bankChanges: CustodianBankChanges;
  readonly bankDays: BankDays;
  /** Customer conversion (domain.md §12) over the same books: its worker is only run by the test (`runOnce`). */
  readonly conversion: {
    readonly batches: ConversionBatchService;
    readonly markings: DormantMarkingService;
    readonly cleanup: AccountCleanupService;
    /** A worker as a fresh process starts one: it knows nothing but the rows. */
    newWorker(): ConversionWorker;
  };
  /** A customer 李四 (ID `CUSTODY_TEST_ID_NUMBER`) with a primary fund account in `currency` and no relationship. */
  fundAccount(currency?: 'CNY' | 'USD'): Promise<{ customerNo: string; fundAccountNo: string }>;
  /** `fundAccountNo` designated at `bankCode` by the broker (F-3.3 S, the saga's verdict applied as transfer hands it on). */
  designatedByBroker(fundAccountNo: string, bankCode: string): Promise<string>;
  /**
   * The bank's 11001 (or, with `function: 'REGISTER_CURRENCY'`, its 11010) as the adapter forwards it: a fresh inbound
   * id and a freshly sealed ID number each time; 11001 with the fund password MATCHED unless told otherwise.
   */
  bankDesignation(bankCode: string, fundAccountNo: string, serialNo: string, fields?: BankDesignationFields): BankDesignationRequest;
  /**
   * A fund account of 李四 (ID `CUSTODY_TEST_ID_NUMBER`) pre-designated at `bankCode` (the saga's verdict applied as
   * transfer hands it on): a new customer's primary, or an auxiliary of `customerNo`.
   */
  preDesignated(bankCode: string, customerNo?: string): Promise<{ customerNo: string; fundAccountNo: string; relationshipId: string }>;
  /** As `preDesignated`, then confirmed by the bank's 11003 with `bankAccountNo`: DESIGNATED, transfers open. */
  designated(bankCode: string, options?: { customerNo?: string; bankAccountNo?: string }): Promise<{ customerNo: string; fundAccountNo: string; relationshipId: string }>;
  /** The bank's 11003 as the adapter forwards it: a fresh inbound id and a freshly sealed ID number each time. */
  confirmation(bankCode: string, fundAccountNo: string, serialNo: string, fields?: { name?: string; bankAccountNo?: string }): ConfirmationRequest;
  /** The bank's 11011 as the adapter forwards it: a fresh inbound id each time. */
  statusChange(bankCode: string, fundAccountNo: string, serialNo: string, accountStatus: RelationshipAccountStatus): StatusChangeRequest;
  /** The outbox rows an inbound request led to (a reply, or the event that carries its reply on). */
  outboxFor(inboundId: string): Promise<Array<{ topic: string; payload: Record<string, unknown> }>>;
  /** The account functions recorded on a relationship, in order. */
  functionsOf(relationshipId: string): Promise<Array<Record<string, unknown>>>;
  /** What a broker-started function's request handed to the saga (`custody.function-requested` in the outbox). */
  functionRequested(functionId: string): Promise<Array<Record<string, unknown>>>;
}

export const CUSTODY_TEST_ID_NUMBER = '110101199003071234';
/** The bank account the testbed's bank requests name unless told otherwise. */
export const CUSTODY_TEST_BANK_ACCOUNT = '6222000033334444';
/** Who asks for the testbed's broker-started functions (subject@issuer, as a bearer token names a principal). */
export const CUSTODY_TEST_PRINCIPAL = 'u-trading@test-users';

type ConfirmationRequest = Parameters<ConfirmationService['handle']>[1];
type StatusChangeRequest = Parameters<StatusChangeService['handle']>[1];
type BankDesignationRequest = Parameters<BankDesignationService['handle']>[1];
export interface BankDesignationFields {
  function?: 'DESIGNATE' | 'REGISTER_CURRENCY';
  currency?: string;
  name?: string;
  idNumber?: string;
  bankAccountNo?: string;
  fundPassword?: 'MATCHED' | 'MISMATCHED' | 'LOCKED' | 'NOT_SET' | 'MISSING' | 'UNREADABLE';
}

export async function createCustodyTestbed(name: string, options: { dormantAfterDays?: number } = {}): Promise<CustodyTestbed> {
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
  const config = { ...loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml')), ...options };
  const bankDays = new BankDays(config);
  const answers = new BankRequestAnswers(idempotency, outbox);
  const { customers, propagation, requests } = customerServiceFor(db.dataSource, sealer, outbox);
  const fundAccounts = new FundAccountService(db.dataSource, idempotency, outbox, functions);
  const relationships = new CustodyRelationshipRepository();
  const designations = new DesignationService(db.dataSource, idempotency, outbox, sealer, config, new ChinaCalendarDate(), new SettledNotifications('designation_settled'), functions, relationships);
  const confirmations = new ConfirmationService(answers, outbox, sealer, functions, bankDays);

  const fundAccount: CustodyTestbed['fundAccount'] = async (currency = 'CNY') => {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    await customers.put(customerNo, { name: '李四', type: 'INDIVIDUAL', idType: '10', idNumber: CUSTODY_TEST_ID_NUMBER }, CUSTODY_TEST_PRINCIPAL);
    const fundAccountNo = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency, role: 'PRIMARY', branchId: '0001' });
    return { customerNo, fundAccountNo };
  };

  const confirmation: CustodyTestbed['confirmation'] = (bankCode, fundAccountNo, serialNo, fields = {}) => ({
    inboundId: randomUUID(),
    bankCode,
    route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo, issuerType: 'B' as const, issuerId: bankCode } },
    function: 'CONFIRM_DESIGNATION' as const,
    serialNo,
    businessDate: '2026-11-24',
    receivedAt: new Date().toISOString(),
    fundAccountNo,
    currency: 'CNY',
    bankAccountNo: fields.bankAccountNo ?? CUSTODY_TEST_BANK_ACCOUNT,
    customer: { name: fields.name ?? '李四', idType: '10', idNumber: sealer.seal(CUSTODY_TEST_ID_NUMBER) },
  });

  const preDesignated: CustodyTestbed['preDesignated'] = async (bankCode, existingCustomerNo) => {
    const customerNo = existingCustomerNo ?? `C${randomUUID().slice(0, 8)}`;
    if (!existingCustomerNo) await customers.put(customerNo, { name: '李四', type: 'INDIVIDUAL', idType: '10', idNumber: CUSTODY_TEST_ID_NUMBER }, CUSTODY_TEST_PRINCIPAL);
    const fundAccountNo = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: existingCustomerNo ? 'AUXILIARY' : 'PRIMARY', branchId: '0001' });
    const relationshipId = await designations.preDesignate({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode }, CUSTODY_TEST_PRINCIPAL);
    await db.dataSource.transaction((m) =>
      designations.resolve(m, { relationshipId, fundAccountNo, currency: 'CNY', bankCode, status: 'PRE_DESIGNATED', custodyAccountNo: 'K11003', businessDate: '2026-11-23' }),
    );
    return { customerNo, fundAccountNo, relationshipId };
  };

  const batches = new ConversionBatchService(db.dataSource, idempotency, designations, new ConversionBatchRepository(), config);
  const markings = new DormantMarkingService(db.dataSource, idempotency, outbox, new ChinaCalendarDate(), new DormantMarkingRepository(), config);
  return {
    db,
    sealer,
    customers,
    fundAccounts,
    designations,
    confirmations,
    statusChanges: new StatusChangeService(answers, outbox, functions, bankDays),
    bankAccountChanges: new BankAccountChangeService(answers, outbox, sealer, functions, bankDays),
    customerDataChanges: new CustomerDataChangeService(answers, sealer, functions, bankDays, customers, propagation),
    bankIdentityChecks: new BankIdentityCheckService(answers, sealer),
    functionRequests: requests,
    cancellations: new BankCancellationService(answers, outbox, functions, bankDays),
    bankChanges: new CustodianBankChanges(db.dataSource, idempotency, sealer, new ChinaCalendarDate(), config, requests, functions, relationships),
    bankDesignations: new BankDesignationService(answers, outbox, sealer, functions, relationships, bankDays),
    bankDays,
    conversion: {
      batches,
      markings,
      cleanup: new AccountCleanupService(new AccountCleanupRepository(db.dataSource), sealer),
      newWorker: () => new ConversionWorker(batches, markings),
    },
    fundAccount,
    async designatedByBroker(fundAccountNo, bankCode) {
      const relationshipId = await designations.designate(
        { requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode, bankAccountNo: '6222000099990000', bankPassword: '135790' },
        CUSTODY_TEST_PRINCIPAL,
      );
      await db.dataSource.transaction((m) =>
        designations.resolve(m, { relationshipId, fundAccountNo, currency: 'CNY', bankCode, bankAccountNo: '6222000099990000', status: 'DESIGNATED', custodyAccountNo: 'K11001', businessDate: '2026-11-23' }),
      );
      return relationshipId;
    },
    bankDesignation(bankCode, fundAccountNo, serialNo, fields = {}) {
      const common = {
        inboundId: randomUUID(),
        bankCode,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo, issuerType: 'B' as const, issuerId: bankCode } },
        serialNo,
        businessDate: '2026-11-24',
        receivedAt: new Date().toISOString(),
        fundAccountNo,
        currency: fields.currency ?? 'CNY',
        bankAccountNo: fields.bankAccountNo ?? CUSTODY_TEST_BANK_ACCOUNT,
        customer: { name: fields.name ?? '李四', idType: '10', idNumber: sealer.seal(fields.idNumber ?? CUSTODY_TEST_ID_NUMBER) },
      };
      return fields.function === 'REGISTER_CURRENCY'
        ? { ...common, function: 'REGISTER_CURRENCY' as const }
        : { ...common, function: 'DESIGNATE' as const, fundPassword: fields.fundPassword ?? 'MATCHED' };
    },
    preDesignated,
    async designated(bankCode, options = {}) {
      const opened = await preDesignated(bankCode, options.customerNo);
      const serialNo = `B${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await db.dataSource.transaction((m) => confirmations.handle(m, confirmation(bankCode, opened.fundAccountNo, serialNo, { bankAccountNo: options.bankAccountNo })));
      return opened;
    },
    confirmation,
    statusChange(bankCode, fundAccountNo, serialNo, accountStatus) {
      return {
        inboundId: randomUUID(),
        bankCode,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo, issuerType: 'B' as const, issuerId: bankCode } },
        function: 'CHANGE_ACCOUNT_STATUS' as const,
        serialNo,
        businessDate: '2026-11-24',
        receivedAt: new Date().toISOString(),
        fundAccountNo,
        bankAccountNo: CUSTODY_TEST_BANK_ACCOUNT,
        accountStatus,
      };
    },
    async outboxFor(inboundId) {
      const rows: Array<{ topic: string; envelope: { payload: Record<string, unknown> } }> = await db.dataSource.query(
        `SELECT topic, envelope FROM account.outbox WHERE envelope->'payload'->>'inboundId' = $1 OR envelope->'payload'->'reply'->>'inboundId' = $1`,
        [inboundId],
      );
      return rows.map((r) => ({ topic: r.topic, payload: r.envelope.payload }));
    },
    async functionRequested(functionId) {
      const rows: Array<{ envelope: { payload: Record<string, unknown> } }> = await db.dataSource.query(
        `SELECT envelope FROM account.outbox WHERE topic LIKE '%custody.function-requested%' AND envelope->'payload'->>'functionId' = $1`,
        [functionId],
      );
      return rows.map((r) => r.envelope.payload);
    },
    functionsOf(relationshipId) {
      return db.dataSource.query(
        `SELECT function_code, initiator, bank_serial_no, broker_serial_no, bank_account_no, custody_account_no, business_date::text, status_after, amount::text
           FROM account.account_functions WHERE relationship_id = $1 ORDER BY seq`,
        [relationshipId],
      );
    },
  };
}
