import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Outbox } from '@custody/messaging';
import { createTestDatabase, requireInfrastructure, statementsDuring, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { ChinaCalendarDate, DomainError, IdempotencyStore, loadCustodyConfig, SecretSealer, serviceMigrations, SettledNotifications } from '@custody/service-kit';
import { ACCOUNT_SCHEMA } from './account.schema';
import { AccountFunctionRepository } from './custody/account-function.repository';
import { CustodyRelationshipRepository } from './custody/custody-relationship.repository';
import { DesignationService } from './custody/designation.service';
import { CustomerService } from './customers/customer.service';
import { FundAccountService } from './fund-accounts/fund-account.service';
import { PrimaryChangeService } from './fund-accounts/primary-change.service';
import { Money } from '@custody/money';
import { customerServiceFor } from './testing/customer-service';

/** Account rules (domain.md §3, §13) against the real PostgreSQL with the service's own migrations. */
describe('account service (real PostgreSQL)', () => {
  let db: TestDatabase;
  let customers: CustomerService;
  let fundAccounts: FundAccountService;
  let designations: DesignationService;
  let primaryChanges: PrimaryChangeService;
  let settled: SettledNotifications;
  const BANK_A = '1021000';
  const BANK_B = '1051000';
  const TRADER = 'u-trading@test-users';

  const sealingKey = randomBytes(32);

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestDatabase({
      name: 'account',
      schema: ACCOUNT_SCHEMA.schema,
      entities: ACCOUNT_SCHEMA.entities,
      migrations: serviceMigrations(ACCOUNT_SCHEMA.schema, sealingKey, ACCOUNT_SCHEMA.migrations),
    });
    const sealer = new SecretSealer(sealingKey);
    const idempotency = new IdempotencyStore('account', sealingKey);
    const outbox = new Outbox('account');
    const config = loadCustodyConfig(resolve(__dirname, '../../../config/custody.local.yaml'));
    customers = customerServiceFor(db.dataSource, sealer, new Outbox('account')).customers;
    fundAccounts = new FundAccountService(db.dataSource, idempotency, outbox, new AccountFunctionRepository());
    // This process's waiters only: the Redis path to other replicas is settled-notifications.int-spec.ts's.
    settled = new SettledNotifications('designation_settled');
    designations = new DesignationService(db.dataSource, idempotency, outbox, sealer, config, new ChinaCalendarDate(), settled, new AccountFunctionRepository(), new CustodyRelationshipRepository());
    primaryChanges = new PrimaryChangeService(db.dataSource, idempotency, outbox, settled);
  });

  afterAll(() => db?.drop());

  async function customerWithPrimary() {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    await customers.put(customerNo, { name: '李四', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199003071234' }, 'u-trading@test-users');
    const fundAccountNo = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });
    return { customerNo, fundAccountNo };
  }

  const designate = (fundAccountNo: string, bankCode = BANK_A, requestId = randomUUID()) =>
    designations.designate({ requestId, fundAccountNo, currency: 'CNY', bankCode, bankAccountNo: '6222000011112222', bankPassword: '123456' }, TRADER);

  async function liveRelationships(customerNo: string) {
    const rows: Array<{ id: string }> = await db.dataSource.query(
      `SELECT r.id FROM account.custody_relationships r JOIN account.fund_accounts f ON f.fund_account_no = r.fund_account_no
        WHERE f.customer_no = $1 AND r.status IN ('PENDING', 'PRE_DESIGNATED', 'DESIGNATED')`,
      [customerNo],
    );
    return rows.map((r) => r.id);
  }

  it('§14: the ID number rests sealed; only its last four characters are readable', async () => {
    const { customerNo } = await customerWithPrimary();
    const [row] = await db.dataSource.query(`SELECT * FROM account.customers WHERE customer_no = $1`, [customerNo]);
    expect(JSON.stringify(row)).not.toContain('110101199003071234');
    expect((await customers.get(customerNo)).idNumberMasked).toBe('************1234');
  });

  it('F-3.3 S: a designation is PENDING with its request on the outbox (password sealed) until the bank answers', async () => {
    const { fundAccountNo } = await customerWithPrimary();
    const id = await designate(fundAccountNo);
    expect((await designations.find(id)).status).toBe('PENDING');
    const [message] = await db.dataSource.query(`SELECT envelope FROM account.outbox WHERE topic = 'custody.internal.designation.requested.1' AND envelope->'payload'->>'relationshipId' = $1`, [id]);
    expect(JSON.stringify(message.envelope)).not.toContain('123456');
    await db.dataSource.transaction((m) =>
      designations.resolve(m, { relationshipId: id, fundAccountNo, currency: 'CNY', bankCode: BANK_A, bankAccountNo: '6222000011112222', status: 'DESIGNATED', custodyAccountNo: 'K9' }),
    );
    expect(await designations.find(id)).toMatchObject({ status: 'DESIGNATED', custodyAccountNo: 'K9' });
  });

  it('issue 9: no transaction of a designation issues a NOTIFY; its resolution wakes a waiting caller once it has committed', async () => {
    let waiting = Promise.resolve(0);
    const statements = await statementsDuring(db.dataSource, async () => {
      const { fundAccountNo } = await customerWithPrimary();
      const id = await designate(fundAccountNo);
      waiting = settled.changed(id, 10_000).then(() => Date.now());
      await db.dataSource.transaction((m) =>
        designations.resolve(m, { relationshipId: id, fundAccountNo, currency: 'CNY', bankCode: BANK_A, bankAccountNo: '6222000011112222', status: 'DESIGNATED', custodyAccountNo: 'K8' }),
      );
    });
    const committedAt = Date.now();
    // Woken by the commit, not by the waiter's own timeout.
    expect((await waiting) - committedAt).toBeLessThan(5_000);
    expect(statements.filter((sql) => sql.includes('"account"."outbox"'))).not.toEqual([]);
    expect(statements.filter((sql) => /notify/i.test(sql))).toEqual([]);
  });

  it('I2: a second live relationship for the same fund account and currency is refused', async () => {
    const { fundAccountNo } = await customerWithPrimary();
    await designate(fundAccountNo);
    await expect(designate(fundAccountNo, BANK_B)).rejects.toMatchObject({ code: 'RELATIONSHIP_EXISTS' });
  });

  it('§13: a customer holds at most one fund account per bank; an auxiliary needs a primary first', async () => {
    const { customerNo, fundAccountNo } = await customerWithPrimary();
    await designate(fundAccountNo, BANK_A);
    const auxiliary = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo: auxiliary, customerNo, currency: 'CNY', role: 'AUXILIARY', branchId: '0001' });
    await expect(designate(auxiliary, BANK_A)).rejects.toMatchObject({ code: 'BANK_ALREADY_USED' });

    const lonely = `C${randomUUID().slice(0, 8)}`;
    await customers.put(lonely, { name: '王五', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199003075678' }, 'u-trading@test-users');
    await expect(fundAccounts.open({ requestId: randomUUID(), fundAccountNo: uniqueFundAccountNo(), customerNo: lonely, currency: 'CNY', role: 'AUXILIARY', branchId: '1' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('api.md idempotency: concurrent twin designations both answer the one relationship', async () => {
    const { customerNo, fundAccountNo } = await customerWithPrimary();
    const requestId = randomUUID();
    const [a, b] = await Promise.all([designate(fundAccountNo, BANK_A, requestId), designate(fundAccountNo, BANK_A, requestId)]);
    expect(a).toBe(b);
    expect(await liveRelationships(customerNo)).toEqual([a]);
  });

  it('api.md idempotency: concurrent twin fund account openings both answer the one account', async () => {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    await customers.put(customerNo, { name: '赵六', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199003079999' }, 'u-trading@test-users');
    const body = { requestId: randomUUID(), fundAccountNo: uniqueFundAccountNo(), customerNo, currency: 'CNY' as const, role: 'PRIMARY' as const, branchId: '0001' };
    const [a, b] = await Promise.all([fundAccounts.open(body), fundAccounts.open({ ...body })]);
    expect(a).toEqual(b);
    expect(a.fundAccountNo).toBe(body.fundAccountNo);
  });

  it('§13: two fund accounts of one customer designated at one bank at the same moment: exactly one passes', async () => {
    const { customerNo, fundAccountNo } = await customerWithPrimary();
    const auxiliary = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo: auxiliary, customerNo, currency: 'CNY', role: 'AUXILIARY', branchId: '0001' });
    const results = await Promise.allSettled([designate(fundAccountNo, BANK_A), designate(auxiliary, BANK_A)]);
    const won = results.filter((r): r is PromiseFulfilledResult<string> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(DomainError);
    expect(lost[0].reason).toMatchObject({ code: 'BANK_ALREADY_USED' });
    expect(await liveRelationships(customerNo)).toEqual([won[0].value]);
  });

  it('§3, §14: the idempotency digest of a designation (which carries the bank password) is keyed', async () => {
    const { fundAccountNo } = await customerWithPrimary();
    const requestId = randomUUID();
    await designate(fundAccountNo, BANK_A, requestId);
    const [row] = await db.dataSource.query(`SELECT request_digest FROM account.idempotency_keys WHERE scope = 'designation' AND request_id = $1`, [requestId]);
    const clear = `{"bankAccountNo":"6222000011112222","bankCode":"${BANK_A}","bankPassword":"123456","currency":"CNY","fundAccountNo":"${fundAccountNo}","requestId":"${requestId}"}`;
    expect(row.request_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(row.request_digest).not.toBe(createHash('sha256').update(clear).digest('hex'));
  });

  it('§13: at most 5 fund accounts per customer and currency', async () => {
    const { customerNo } = await customerWithPrimary();
    for (let i = 0; i < 4; i++) {
      await fundAccounts.open({ requestId: randomUUID(), fundAccountNo: uniqueFundAccountNo(), customerNo, currency: 'CNY', role: 'AUXILIARY', branchId: '1' });
    }
    await expect(fundAccounts.open({ requestId: randomUUID(), fundAccountNo: uniqueFundAccountNo(), customerNo, currency: 'CNY', role: 'AUXILIARY', branchId: '1' })).rejects.toMatchObject({ code: 'FUND_ACCOUNT_LIMIT_REACHED' });
  });

  /** What the account's outbox holds for `topic` about `customerNo`, in the order it is published. */
  async function announced(topic: string, customerNo: string) {
    const rows: Array<{ message_key: string; payload: Record<string, unknown> }> = await db.dataSource.query(
      `SELECT message_key, envelope->'payload' AS payload FROM account.outbox WHERE topic = $1 AND envelope->'payload'->>'customerNo' = $2 ORDER BY id`,
      [`custody.internal.${topic}.1`, customerNo],
    );
    return rows.map((r) => ({ key: r.message_key, ...r.payload }));
  }

  it('bank-protocol.md §5: fund-account.opened carries the customer\'s name and the branch, for the ledger owner\'s CHK01/CHK04', async () => {
    const { customerNo, fundAccountNo } = await customerWithPrimary();
    expect(await announced('fund-account.opened', customerNo)).toEqual([
      { key: fundAccountNo, fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', customerName: '李四', branchId: '0001' },
    ]);
  });

  it('a customer renamed: customer.renamed once per fund account, keyed by it; the same name again announces nothing', async () => {
    const { customerNo, fundAccountNo } = await customerWithPrimary();
    const auxiliary = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo: auxiliary, customerNo, currency: 'CNY', role: 'AUXILIARY', branchId: '0002' });
    const data = { type: 'INDIVIDUAL' as const, idType: '10', idNumber: '110101199003071234' };
    await customers.put(customerNo, { name: '李四', ...data }, 'u-trading@test-users');
    expect(await announced('customer.renamed', customerNo)).toEqual([]);

    await customers.put(customerNo, { name: '李思思', ...data }, 'u-trading@test-users');
    expect(await announced('customer.renamed', customerNo)).toEqual(
      [fundAccountNo, auxiliary].sort().map((no) => ({ key: no, customerNo, fundAccountNo: no, customerName: '李思思' })),
    );
    // An account opened after the rename carries the new name itself.
    const third = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo: third, customerNo, currency: 'CNY', role: 'AUXILIARY', branchId: '0003' });
    expect((await announced('fund-account.opened', customerNo)).at(-1)).toMatchObject({ fundAccountNo: third, customerName: '李思思', branchId: '0003' });
  });

  it('bank-protocol.md §5: an applied designation is recorded as the day\'s 11001 with its date, serials and opening balance; one without a date counts on the day it is applied (China time)', async () => {
    const { fundAccountNo } = await customerWithPrimary();
    const dated = await designate(fundAccountNo);
    await db.dataSource.transaction((m) =>
      designations.resolve(m, {
        relationshipId: dated, fundAccountNo, currency: 'CNY', bankCode: BANK_A, bankAccountNo: '6222000011112222', status: 'DESIGNATED', custodyAccountNo: 'K1',
        businessDate: '2026-11-23', bankSerialNo: 'B77', openingBalance: Money.parse('88.10'),
      }),
    );
    const other = await customerWithPrimary();
    const undated = await designate(other.fundAccountNo, BANK_B);
    await db.dataSource.transaction((m) =>
      designations.resolve(m, { relationshipId: undated, fundAccountNo: other.fundAccountNo, currency: 'CNY', bankCode: BANK_B, bankAccountNo: '6222000011112222', status: 'DESIGNATED' }),
    );
    const rows = await db.dataSource.query(
      `SELECT relationship_id, bank_code, business_date::text, function_code, initiator, broker_serial_no, bank_serial_no, custody_account_no, bank_account_no, amount::text, status_after
         FROM account.account_functions WHERE relationship_id = ANY($1) ORDER BY seq`,
      [[dated, undated]],
    );
    expect(rows).toEqual([
      { relationship_id: dated, bank_code: BANK_A, business_date: '2026-11-23', function_code: '11001', initiator: 'S', broker_serial_no: (await designations.find(dated)).serialNo,
        bank_serial_no: 'B77', custody_account_no: 'K1', bank_account_no: '6222000011112222', amount: '88.10', status_after: 'DESIGNATED' },
      { relationship_id: undated, bank_code: BANK_B, business_date: new ChinaCalendarDate().today(), function_code: '11001', initiator: 'S', broker_serial_no: (await designations.find(undated)).serialNo,
        bank_serial_no: null, custody_account_no: null, bank_account_no: '6222000011112222', amount: null, status_after: 'DESIGNATED' },
    ]);
  });

  it('a bank refusal is recorded FAILED with the bank return code; the fund account can be designated again', async () => {
    const { fundAccountNo } = await customerWithPrimary();
    const id = await designate(fundAccountNo);
    await db.dataSource.transaction((m) =>
      designations.resolve(m, { relationshipId: id, fundAccountNo, currency: 'CNY', bankCode: BANK_A, bankAccountNo: '6222000011112222', status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '1001', message: '银行密码错' } }),
    );
    expect(await designations.find(id)).toMatchObject({ status: 'FAILED', bankReturnCode: '1001' });
    await expect(designate(fundAccountNo)).resolves.toEqual(expect.any(String));
  });

  async function withAuxiliary() {
    const { customerNo, fundAccountNo: primary } = await customerWithPrimary();
    const auxiliary = uniqueFundAccountNo();
    await fundAccounts.open({ requestId: randomUUID(), fundAccountNo: auxiliary, customerNo, currency: 'CNY', role: 'AUXILIARY', branchId: '0001' });
    return { customerNo, primary, auxiliary };
  }

  const roles = async (...fundAccountNos: string[]) => Promise.all(fundAccountNos.map(async (no) => (await fundAccounts.get(no)).role));

  it('§13: a second PRIMARY is refused PRIMARY_EXISTS, and nothing is opened', async () => {
    const { customerNo } = await customerWithPrimary();
    const second = uniqueFundAccountNo();
    await expect(fundAccounts.open({ requestId: randomUUID(), fundAccountNo: second, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' })).rejects.toMatchObject({ code: 'PRIMARY_EXISTS' });
    await expect(fundAccounts.get(second)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('§13: two PRIMARY openings for one customer at the same moment: one opens, the other is PRIMARY_EXISTS (never the index\'s raw violation)', async () => {
    const customerNo = `C${randomUUID().slice(0, 8)}`;
    await customers.put(customerNo, { name: '钱七', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199003078888' }, 'u-trading@test-users');
    const open = () => fundAccounts.open({ requestId: randomUUID(), fundAccountNo: uniqueFundAccountNo(), customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });
    const results = await Promise.allSettled([open(), open()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason)).toEqual([expect.objectContaining({ code: 'PRIMARY_EXISTS' })]);
  });

  it('§13: make-primary is PENDING with primary-change.requested until the transfer service decides; APPLIED moves both roles at once', async () => {
    const { customerNo, primary, auxiliary } = await withAuxiliary();
    const changeId = await primaryChanges.request(auxiliary, { requestId: randomUUID() });
    expect(await primaryChanges.find(changeId)).toMatchObject({ status: 'PENDING', previousPrimaryFundAccountNo: primary });
    expect(await announced('primary-change.requested', customerNo)).toEqual([{ key: auxiliary, changeId, customerNo, fundAccountNo: auxiliary, previousPrimaryFundAccountNo: primary }]);
    expect(await roles(primary, auxiliary)).toEqual(['PRIMARY', 'AUXILIARY']);

    const verdict = { changeId, customerNo, fundAccountNo: auxiliary, previousPrimaryFundAccountNo: primary, status: 'APPLIED' as const };
    await db.dataSource.transaction((m) => primaryChanges.resolve(m, verdict));
    expect(await primaryChanges.find(changeId)).toMatchObject({ status: 'APPLIED' });
    expect(await roles(primary, auxiliary)).toEqual(['AUXILIARY', 'PRIMARY']);
    // A redelivered verdict finds the change decided and changes nothing.
    await db.dataSource.transaction((m) => primaryChanges.resolve(m, { ...verdict, status: 'REFUSED', refusal: 'late' }));
    expect(await primaryChanges.find(changeId)).toMatchObject({ status: 'APPLIED', refusal: null });
  });

  it('§13: a REFUSED change keeps the roles and its reason; a repeat of the request answers the same change, another body is IDEMPOTENCY_KEY_REUSED', async () => {
    const { customerNo, primary, auxiliary } = await withAuxiliary();
    const requestId = randomUUID();
    const changeId = await primaryChanges.request(auxiliary, { requestId });
    await db.dataSource.transaction((m) =>
      primaryChanges.resolve(m, { changeId, customerNo, fundAccountNo: auxiliary, previousPrimaryFundAccountNo: primary, status: 'REFUSED', refusal: `fund account ${primary} has unsettled trading` }),
    );
    expect(await primaryChanges.find(changeId)).toMatchObject({ status: 'REFUSED', refusal: `fund account ${primary} has unsettled trading` });
    expect(await roles(primary, auxiliary)).toEqual(['PRIMARY', 'AUXILIARY']);
    await expect(primaryChanges.request(auxiliary, { requestId })).resolves.toBe(changeId);
    await expect(primaryChanges.request(primary, { requestId })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('§13: while a change of primary is under way another is refused PRIMARY_CHANGE_REFUSED; the primary made primary is APPLIED at once, announcing nothing', async () => {
    const { customerNo, primary, auxiliary } = await withAuxiliary();
    await primaryChanges.request(auxiliary, { requestId: randomUUID() });
    await expect(primaryChanges.request(primary, { requestId: randomUUID() })).rejects.toMatchObject({ code: 'PRIMARY_CHANGE_REFUSED' });
    expect(await announced('primary-change.requested', customerNo)).toHaveLength(1);

    const other = await customerWithPrimary();
    const same = await primaryChanges.request(other.fundAccountNo, { requestId: randomUUID() });
    expect(await primaryChanges.find(same)).toMatchObject({ status: 'APPLIED', fundAccountNo: other.fundAccountNo, previousPrimaryFundAccountNo: other.fundAccountNo });
    expect(await announced('primary-change.requested', other.customerNo)).toEqual([]);
    await expect(primaryChanges.request(uniqueFundAccountNo(), { requestId: randomUUID() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
