import { randomUUID } from 'node:crypto';
import type { CustodyFunctionResolution } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { requireInfrastructure, uniqueDigits, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { createCustodyTestbed, CUSTODY_TEST_PRINCIPAL, type CustodyTestbed } from '../testing/custody-testbed';
import { customerServiceFor } from '../testing/customer-service';
import type { CustodyFunctionRequests } from '../custody/custody-function-requests';
import { Customer } from './customer.entity';
import type { CustomerDataPropagation } from './customer-data-propagation';
import type { CustomerService } from './customer.service';
import type { PutCustomerBody } from './customer.dto';

const BANK_A = '1021000';
const BANK_B = '1051000';
const ID_NUMBER = '110101199003071234';

/** F-3.5 S against the real PostgreSQL: a change of a customer goes to every bank holding one of their relationships. */
describe('F-3.5 S: account sends a customer data change to every bank (11005)', () => {
  let db: TestDatabase;
  let testbed: CustodyTestbed;
  let customers: CustomerService;
  let propagation: CustomerDataPropagation;
  let requests: CustodyFunctionRequests;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await createCustodyTestbed('account-customer-data-propagation');
    db = testbed.db;
    ({ customers, propagation, requests } = customerServiceFor(db.dataSource, testbed.sealer, new Outbox('account')));
  });

  afterAll(() => db?.drop());

  const data = (fields: Partial<PutCustomerBody> = {}): PutCustomerBody => ({ name: '王五', type: 'INDIVIDUAL', idType: '10', idNumber: ID_NUMBER, phone: '13800000000', ...fields });

  /** A customer with a primary fund account designated at bank A and an auxiliary one at bank B (domain.md §13). */
  async function customerAtTwoBanks(): Promise<{ customerNo: string; primary: string; auxiliary: string }> {
    const customerNo = `C${uniqueDigits(9)}`;
    await customers.put(customerNo, data(), 'u-trading@test-users');
    const primary = await designatedAt(customerNo, BANK_A, 'PRIMARY');
    const auxiliary = await designatedAt(customerNo, BANK_B, 'AUXILIARY');
    return { customerNo, primary, auxiliary };
  }

  async function designatedAt(customerNo: string, bankCode: string, role: 'PRIMARY' | 'AUXILIARY'): Promise<string> {
    const fundAccountNo = uniqueFundAccountNo();
    await testbed.fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role, branchId: '0001' });
    const bankAccountNo = `6222${uniqueDigits(12)}`;
    const relationshipId = await testbed.designations.designate({ requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode, bankAccountNo, bankPassword: '135790' }, CUSTODY_TEST_PRINCIPAL);
    await db.dataSource.transaction((m) =>
      testbed.designations.resolve(m, { relationshipId, fundAccountNo, currency: 'CNY', bankCode, bankAccountNo, status: 'DESIGNATED', custodyAccountNo: `K${uniqueDigits(6)}`, businessDate: '2026-12-07' }),
    );
    return fundAccountNo;
  }

  /** The 11005s account sent for the customer's fund accounts, oldest first. */
  async function sent(...fundAccountNos: string[]): Promise<Array<Record<string, unknown>>> {
    const rows: Array<{ envelope: { payload: Record<string, unknown> } }> = await db.dataSource.query(
      `SELECT envelope FROM account.outbox
        WHERE topic LIKE '%custody.function-requested%' AND envelope->'payload'->>'function' = 'CHANGE_CUSTOMER' AND envelope->'payload'->>'fundAccountNo' = ANY($1)
        ORDER BY id`,
      [fundAccountNos],
    );
    return rows.map((r) => r.envelope.payload);
  }

  async function answer(request: Record<string, unknown>, fields: Partial<CustodyFunctionResolution> = {}): Promise<void> {
    const verdict: CustodyFunctionResolution = {
      functionId: request.functionId as string,
      function: 'CHANGE_CUSTOMER',
      serialNo: request.serialNo as string,
      bankCode: request.bankCode as string,
      fundAccountNo: request.fundAccountNo as string,
      currency: 'CNY',
      businessDate: '2026-12-07',
      status: 'SUCCEEDED',
      ...fields,
    };
    await db.dataSource.transaction(async (m) => {
      const resolved = await requests.resolve(m, verdict);
      if (resolved) await propagation.answered(m, resolved, verdict);
    });
  }

  const refusal = { status: 'FAILED' as const, failure: { code: 'BANK_REJECTED', bankReturnCode: '5219', message: '银证转账客户已挂失' } };

  it('F-3.5, §13: a change goes to each bank holding a relationship of the customer, one 11005 per fund account, with the full data; the broker’s record changes at once', async () => {
    const { customerNo, primary, auxiliary } = await customerAtTwoBanks();
    const { customer } = await customers.put(customerNo, data({ name: '王五一', address: '北京市西城区金融街 1 号' }), 'u-trading@test-users');
    expect(customer).toMatchObject({ name: '王五一', address: '北京市西城区金融街 1 号' });

    const requests = await sent(primary, auxiliary);
    expect(requests.map((r) => [r.fundAccountNo, r.bankCode])).toEqual([
      [primary, BANK_A],
      [auxiliary, BANK_B],
    ]);
    for (const request of requests) {
      expect(request).toMatchObject({ function: 'CHANGE_CUSTOMER', currency: 'CNY', customer: { name: '王五一', type: 'INDIVIDUAL', idType: '10', phone: '13800000000', address: '北京市西城区金融街 1 号' } });
      expect(testbed.sealer.open((request.customer as { idNumber: never }).idNumber)).toBe(ID_NUMBER);
      expect(JSON.stringify(request)).not.toContain(ID_NUMBER);
    }
    expect(customer.propagation).toEqual([
      expect.objectContaining({ bankCode: BANK_A, fundAccountNo: primary, status: 'PENDING', serialNo: requests[0].serialNo }),
      expect.objectContaining({ bankCode: BANK_B, fundAccountNo: auxiliary, status: 'PENDING', serialNo: requests[1].serialNo }),
    ]);
  });

  it('the same data again sends nothing; a customer with no relationship has no bank to tell', async () => {
    const { customerNo, primary, auxiliary } = await customerAtTwoBanks();
    await customers.put(customerNo, data(), 'u-trading@test-users');
    expect(await sent(primary, auxiliary)).toEqual([]);

    const lonely = `C${uniqueDigits(9)}`;
    await customers.put(lonely, data(), 'u-trading@test-users');
    expect((await customers.put(lonely, data({ name: '赵六' }), 'u-trading@test-users')).customer.propagation).toEqual([]);
  });

  it('a bank’s 0000 is the day’s 11005 on the fund account’s relationship there (CHK03, 金额 0)', async () => {
    const { customerNo, primary, auxiliary } = await customerAtTwoBanks();
    await customers.put(customerNo, data({ name: '王五二' }), 'u-trading@test-users');
    const [atA] = await sent(primary, auxiliary);
    await answer(atA, { bankSerialNo: 'B0000000123' });

    const rows = await db.dataSource.query(
      `SELECT f.function_code, f.initiator, f.bank_code, f.bank_serial_no, f.amount::text AS amount, f.status_after, r.fund_account_no
         FROM account.account_functions f JOIN account.custody_relationships r ON r.id = f.relationship_id WHERE f.broker_serial_no = $1`,
      [atA.serialNo],
    );
    expect(rows).toEqual([{ function_code: '11005', initiator: 'S', bank_code: BANK_A, bank_serial_no: 'B0000000123', amount: '0.00', status_after: 'DESIGNATED', fund_account_no: primary }]);
    expect((await customers.get(customerNo)).propagation.map((p) => [p.bankCode, p.status])).toEqual([
      [BANK_A, 'SUCCEEDED'],
      [BANK_B, 'PENDING'],
    ]);
  });

  it('a bank’s refusal is shown with its code and changes nothing here; a PUT, even of the same data, sends it again to that bank only', async () => {
    const { customerNo, primary, auxiliary } = await customerAtTwoBanks();
    await customers.put(customerNo, data({ name: '王五三' }), 'u-trading@test-users');
    const [atA, atB] = await sent(primary, auxiliary);
    await answer(atA);
    await answer(atB, refusal);

    const shown = await customers.get(customerNo);
    expect(shown.name).toBe('王五三');
    expect(shown.propagation).toEqual([
      expect.objectContaining({ bankCode: BANK_A, status: 'SUCCEEDED' }),
      expect.objectContaining({ bankCode: BANK_B, status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '5219', message: '银证转账客户已挂失' }, answeredAt: expect.any(String) }),
    ]);
    expect(await db.dataSource.query(`SELECT 1 FROM account.account_functions WHERE broker_serial_no = $1`, [atB.serialNo])).toEqual([]);

    await customers.put(customerNo, data({ name: '王五三' }), 'u-trading@test-users');
    const again = await sent(primary, auxiliary);
    expect(again).toHaveLength(3);
    expect(again[2]).toMatchObject({ bankCode: BANK_B, fundAccountNo: auxiliary, customer: { name: '王五三' } });
  });

  it('one 11005 at a time per bank: a change made while one is in flight goes once it is answered, with the newest data', async () => {
    const { customerNo, primary, auxiliary } = await customerAtTwoBanks();
    await customers.put(customerNo, data({ name: '王五四' }), 'u-trading@test-users');
    const [atA, atB] = await sent(primary, auxiliary);
    await answer(atA);
    await customers.put(customerNo, data({ name: '王五五' }), 'u-trading@test-users');
    await customers.put(customerNo, data({ name: '王五六' }), 'u-trading@test-users');
    // Bank A, answered, was told each change at once; bank B waits for its answer.
    expect((await sent(primary, auxiliary)).map((r) => [r.bankCode, (r.customer as { name: string }).name])).toEqual([
      [BANK_A, '王五四'],
      [BANK_B, '王五四'],
      [BANK_A, '王五五'],
    ]);

    await answer(atB);
    const [followUp] = (await sent(auxiliary)).slice(1);
    expect(followUp).toMatchObject({ bankCode: BANK_B, customer: { name: '王五六' } });
    await answer(followUp);
    expect(await sent(auxiliary)).toHaveLength(2);
  });

  it('F-3.5 B at merge: the bank whose own 11005 made the change is not told again', async () => {
    const { customerNo, primary, auxiliary } = await customerAtTwoBanks();
    await db.dataSource.transaction(async (m) => {
      const customer = await m.findOneOrFail(Customer, { where: { customerNo }, lock: { mode: 'pessimistic_write' } });
      await propagation.propagate(m, customer, { changed: true, exceptBankCode: BANK_A, requestedBy: `bank:${BANK_A}` });
    });
    expect((await sent(primary, auxiliary)).map((r) => r.bankCode)).toEqual([BANK_B]);
  });

  it('domain.md F-3.5: an ID document change locks the fund password until it is set again at a branch', async () => {
    const { customerNo } = await customerAtTwoBanks();
    await db.dataSource.query(`UPDATE account.customers SET fund_password_hash = 'x' WHERE customer_no = $1`, [customerNo]);
    const failures = async () => (await db.dataSource.query(`SELECT fund_password_failures FROM account.customers WHERE customer_no = $1`, [customerNo]))[0].fund_password_failures;
    await customers.put(customerNo, data({ name: '王五七' }), 'u-trading@test-users');
    expect(await failures()).toBe(0);
    await customers.put(customerNo, data({ idNumber: '110101199003075678' }), 'u-trading@test-users');
    expect(await failures()).toBe(5);
  });
});
