import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Module, type INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readDayFile, type DayFileRecord, type DayFileType } from '@custody/bank-protocol';
import { Outbox } from '@custody/messaging';
import { createTestDatabase, requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import {
  ChinaCalendarDate,
  CUSTODY_CONFIG,
  IdempotencyStore,
  loadCustodyConfig,
  loggingModule,
  newIssuer,
  ROLES,
  SecretSealer,
  SERVICE_ROLE,
  serviceMigrations,
  SettledNotifications,
  signToken,
  startHttpService,
  TokenVerifier,
} from '@custody/service-kit';
import { ACCOUNT_SCHEMA } from '../account.schema';
import { AccountFunctionRepository } from '../custody/account-function.repository';
import { CustodyRelationshipRepository } from '../custody/custody-relationship.repository';
import { DesignationService } from '../custody/designation.service';
import { CustomerService } from '../customers/customer.service';
import { FundAccountService } from '../fund-accounts/fund-account.service';
import { AccountDayFileRepository } from './account-day-file.repository';
import { AccountDayFileService } from './account-day-file.service';
import { AccountDayFilesController } from './account-day-files.controller';
import { Money } from '@custody/money';
import { customerServiceFor } from '../testing/customer-service';

/**
 * The account's S_CHK02 and S_CHK03 (bank-protocol.md §5) through its internal HTTP edge, from relationships designated
 * as the designation flow leaves them, against the real PostgreSQL; read back with the codec as the bank would.
 */
describe('account day files CHK02/CHK03 (real PostgreSQL, HTTP edge)', () => {
  const BANK_A = '1021000';
  const BANK_B = '1051000';
  const D = '2026-11-23';
  const services = newIssuer('reconciliation', [SERVICE_ROLE]);
  const users = newIssuer('identity-provider', ROLES);
  const sealingKey = randomBytes(32);
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let db: TestDatabase;
  let app: INestApplication;
  let baseUrl: string;
  let customers: CustomerService;
  let fundAccounts: FundAccountService;
  let designations: DesignationService;
  const functions = new AccountFunctionRepository();

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestDatabase({
      name: 'account_day_files',
      schema: ACCOUNT_SCHEMA.schema,
      entities: ACCOUNT_SCHEMA.entities,
      migrations: serviceMigrations(ACCOUNT_SCHEMA.schema, sealingKey, ACCOUNT_SCHEMA.migrations),
    });
    const sealer = new SecretSealer(sealingKey);
    const idempotency = new IdempotencyStore('account', sealingKey);
    const outbox = new Outbox('account');
    customers = customerServiceFor(db.dataSource, sealer, outbox).customers;
    fundAccounts = new FundAccountService(db.dataSource, idempotency, outbox, functions);
    designations = new DesignationService(db.dataSource, idempotency, outbox, sealer, config, new ChinaCalendarDate(), new SettledNotifications('designation_settled'), functions, new CustodyRelationshipRepository());

    @Module({
      imports: [loggingModule('account-test')],
      controllers: [AccountDayFilesController],
      providers: [
        { provide: DataSource, useValue: db.dataSource },
        { provide: SecretSealer, useValue: sealer },
        { provide: CUSTODY_CONFIG, useValue: config },
        AccountDayFileRepository,
        AccountDayFileService,
      ],
    })
    class DayFilesTestModule {}

    app = await startHttpService(DayFilesTestModule, { name: 'account-test', port: 0, tokenVerifier: new TokenVerifier([services.trusted, users.trusted]) });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  interface Designated {
    customerNo: string;
    name: string;
    idNumber: string;
    fundAccountNo: string;
    bankAccountNo: string;
    brokerSerialNo: string;
    bankSerialNo: string;
    custodyAccountNo: string;
    openingBalance: string;
    relationshipId: string;
  }

  /** A customer with a primary fund account at branch 0042, designated at `bankCode` on `businessDate` as the flow applies it. */
  async function designated(bankCode: string, businessDate: string, name: string, openingBalance: string): Promise<Designated> {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    const idNumber = `1101011990${randomUUID().replace(/\D/g, '').slice(0, 8)}`;
    await customers.put(customerNo, { name, type: 'INDIVIDUAL', idType: '10', idNumber }, 'u-trading@test-users');
    const fundAccountNo = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0042' });
    const bankAccountNo = `6222${randomUUID().replace(/\D/g, '').slice(0, 12)}`;
    const relationshipId = await designations.designate({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode, bankAccountNo, bankPassword: '123456' }, 'u-trading@test-users');
    const { serialNo: brokerSerialNo } = await designations.find(relationshipId);
    const bankSerialNo = `B${randomUUID().replace(/\D/g, '').slice(0, 12)}`;
    const custodyAccountNo = `K${randomUUID().replace(/\D/g, '').slice(0, 10)}`;
    await db.dataSource.transaction((m) =>
      designations.resolve(m, { relationshipId, fundAccountNo, currency: 'CNY', bankCode, bankAccountNo, status: 'DESIGNATED', custodyAccountNo, businessDate, bankSerialNo, openingBalance: Money.parse(openingBalance, 'non-negative') }),
    );
    return { customerNo, name, idNumber, fundAccountNo, bankAccountNo, brokerSerialNo, bankSerialNo, custodyAccountNo, openingBalance, relationshipId };
  }

  const serviceToken = () => signToken(services.identity, { subject: 'reconciliation', role: SERVICE_ROLE }, new Date(), 60_000);

  async function get(type: string, bankCode: string, businessDate: string, token = serviceToken()) {
    const res = await fetch(`${baseUrl}/internal/v1/banks/${bankCode}/days/${businessDate}/files/${type}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  async function records<T extends DayFileType>(type: T, bankCode: string, businessDate: string): Promise<DayFileRecord<T>[]> {
    const res = await get(type, bankCode, businessDate);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/gzip');
    const read: DayFileRecord<T>[] = [];
    for await (const record of readDayFile(type, res.body)) read.push(record);
    return read;
  }

  const json = (records: unknown[]) => JSON.parse(JSON.stringify(records));

  it('bank-protocol.md §5: two designations at bank A on D and one at bank B: A\'s CHK02 and CHK03 of D list exactly A\'s two, every field', async () => {
    const first = await designated(BANK_A, D, '张三', '1000.00');
    const second = await designated(BANK_A, D, '欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜', '0.00');
    await designated(BANK_B, D, '李四', '50.00');
    const [firstAt, secondAt] = await db.dataSource.query(
      `SELECT to_char(occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS date, to_char(occurred_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS time
         FROM account.account_functions WHERE relationship_id = ANY($1) ORDER BY seq`,
      [[first.relationshipId, second.relationshipId]],
    );

    const chk02 = await records('CHK02', BANK_A, D);
    const byAccount = [first, second].sort((a, b) => a.fundAccountNo.localeCompare(b.fundAccountNo));
    expect(json(chk02)).toEqual(
      byAccount.map((d) => ({
        bankInstId: BANK_A,
        brokerInstId: '10000001',
        branchId: '0042',
        tradeDate: d === first ? firstAt.date : secondAt.date,
        bankAccountNo: d.bankAccountNo,
        fundAccountNo: d.fundAccountNo,
        // 客户名称 is CHAR(32): a longer name is cut at a character boundary (16 characters of 2 bytes).
        customerName: d.name.length > 16 ? d.name.slice(0, 16) : d.name,
        currency: 'CNY',
        cashExFlag: null,
        status: '0',
      })),
    );

    const chk03 = await records('CHK03', BANK_A, D);
    expect(json(chk03)).toEqual(
      [first, second].map((d, i) => ({
        bankInstId: BANK_A,
        brokerInstId: '10000001',
        branchId: '0042',
        tradeDate: [firstAt, secondAt][i].date,
        tradeTime: [firstAt, secondAt][i].time,
        bankSerialNo: d.bankSerialNo,
        brokerSerialNo: d.brokerSerialNo,
        custodyAccountNo: d.custodyAccountNo,
        bankAccountNo: d.bankAccountNo,
        fundAccountNo: d.fundAccountNo,
        customerName: d.name.length > 16 ? d.name.slice(0, 16) : d.name,
        idType: '10',
        idNumber: d.idNumber,
        initiator: 'S',
        functionCode: '11001',
        currency: 'CNY',
        cashExFlag: null,
        amount: d.openingBalance,
      })),
    );
  });

  it('bank-protocol.md §5: another date lists nothing: an empty file, still gzip', async () => {
    const res = await get('CHK02', BANK_A, '2026-11-20');
    expect(res.status).toBe(200);
    expect(res.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(await records('CHK02', BANK_A, '2026-11-20')).toEqual([]);
    expect(await records('CHK03', BANK_A, '2026-11-20')).toEqual([]);
  });

  it('bank-protocol.md §5: a refused designation is journaled as a failed request but is no account function of the day: neither CHK02 nor CHK03 lists it', async () => {
    const date = '2026-11-24';
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    await customers.put(customerNo, { name: '王五', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199003075678' }, 'u-trading@test-users');
    const fundAccountNo = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });
    const relationshipId = await designations.designate({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode: BANK_A, bankAccountNo: '6222000099990000', bankPassword: '123456' }, 'u-trading@test-users');
    await db.dataSource.transaction((m) =>
      designations.resolve(m, { relationshipId, fundAccountNo, currency: 'CNY', bankCode: BANK_A, bankAccountNo: '6222000099990000', status: 'FAILED', businessDate: date, failure: { code: 'BANK_REJECTED', bankReturnCode: '1001', message: '银行密码错' } }),
    );
    expect((await fundAccounts.get(fundAccountNo)).failedRequests).toEqual([expect.objectContaining({ function: '11001', businessDate: date, failure: expect.objectContaining({ bankReturnCode: '1001' }) })]);
    expect(await records('CHK02', BANK_A, date)).toEqual([]);
    expect(await records('CHK03', BANK_A, date)).toEqual([]);
  });

  it('bank-protocol.md §5 CHK02: the state at the end of D, not now: a cancellation on a later day leaves D\'s record designated', async () => {
    const date = '2026-11-25';
    const later = '2026-11-26';
    const d = await designated(BANK_A, date, '赵六', '10.00');
    // The cancellation (11004) as its flow will record it: the function of the later day and the relationship's state.
    await db.dataSource.transaction(async (m) => {
      await functions.record(m, {
        relationshipId: d.relationshipId, bankCode: BANK_A, businessDate: later, functionCode: '11004', initiator: 'S', requestedBy: 'u-trading@test-users', brokerSerialNo: `S${Date.now()}`,
        bankSerialNo: null, custodyAccountNo: d.custodyAccountNo, bankAccountNo: d.bankAccountNo, amount: Money.parse('0.00', 'signed'), statusAfter: 'CANCELLED',
      });
      await m.query(`UPDATE account.custody_relationships SET status = 'CANCELLED' WHERE id = $1`, [d.relationshipId]);
    });
    expect((await records('CHK02', BANK_A, date)).map((r) => [r.fundAccountNo, r.status])).toEqual([[d.fundAccountNo, '0']]);
    expect((await records('CHK02', BANK_A, later)).map((r) => [r.fundAccountNo, r.status])).toEqual([[d.fundAccountNo, '2']]);
    expect((await records('CHK03', BANK_A, later)).map((r) => [r.functionCode, r.amount.toString()])).toEqual([['11004', '0.00']]);
  });

  it('the day\'s files wait for designations still awaiting the bank: 409 SNAPSHOT_NOT_SETTLED until the answer is applied', async () => {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    await customers.put(customerNo, { name: '孙七', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199003070001' }, 'u-trading@test-users');
    const fundAccountNo = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });
    const relationshipId = await designations.designate({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode: BANK_A, bankAccountNo: '6222000055550000', bankPassword: '123456' }, 'u-trading@test-users');

    const waiting = await get('CHK02', BANK_A, D);
    expect(waiting.status).toBe(409);
    expect(waiting.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.parse(waiting.body.toString())).toMatchObject({ code: 'SNAPSHOT_NOT_SETTLED' });
    expect((await get('CHK03', BANK_A, D)).status).toBe(409);
    expect((await get('CHK02', BANK_B, D)).status).toBe(200);

    await db.dataSource.transaction((m) =>
      designations.resolve(m, { relationshipId, fundAccountNo, currency: 'CNY', bankCode: BANK_A, bankAccountNo: '6222000055550000', status: 'DESIGNATED', custodyAccountNo: 'K77', businessDate: '2026-11-27', openingBalance: Money.parse('0.00', 'non-negative') }),
    );
    expect((await get('CHK02', BANK_A, D)).status).toBe(200);
  });

  it.each([
    ['a bank not configured', 'CHK02', '9999999', D, 404, 'NOT_FOUND'],
    ['a date that is no day', 'CHK03', BANK_A, '2026-02-30', 400, 'VALIDATION_FAILED'],
    ['a date not YYYY-MM-DD', 'CHK02', BANK_A, '20261123', 400, 'VALIDATION_FAILED'],
  ])('%s is a problem, not a file', async (_case, type, bankCode, businessDate, status, code) => {
    const res = await get(type, bankCode, businessDate);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body.toString())).toMatchObject({ code });
  });

  it('internal: only a service reads the day files (an operator\'s token is 403)', async () => {
    const operator = signToken(users.identity, { subject: 'op-1', role: 'operator' }, new Date(), 60_000);
    expect((await get('CHK03', BANK_A, D, operator)).status).toBe(403);
  });
});
