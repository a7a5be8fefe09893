import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Chk01Record, DayFileRecords, DayFileType, Dif01Record, Dif02Record, Dif03Record } from '@custody/bank-protocol';
import type { DayFileDescriptor } from '@custody/contracts';
import { Money } from '@custody/money';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import { HttpBrokerFileOwners } from '../broker-files/broker-file-owners';
import { busCodeOf, namedDayFile } from '../day-files/day-file-descriptor';
import { accountFunctionRecord, balanceLine, gzipOf, relationshipRecord, transferRecord } from '../testing/day-file-builders';
import { OwnerServer } from '../testing/owner-server';
import { type ReconciliationTestbed, startReconciliationTestbed } from '../testing/reconciliation-testbed';
import type { BreakView } from '../view/reconciliation.dto';

jest.setTimeout(60_000);

const BANK = '1021000';
const D = '2026-11-23';
const money = (amount: string) => Money.parse(amount);

/*
 * One bank's day with a break of every kind (F-6.2, api.md's table):
 *   CHK01  S0001 12001 100.00      both                       matched
 *          S0002 12002  50.00      broker only                S → CREDIT 50.00 (the inverse of money out)
 *          S0003 12001 200/180     amount differs             X → DEBIT 20.00 (towards the bank's amount)
 *          B0004 12001 300.00      bank account differs       X → MANUAL
 *          B0005 12002  30.00      both                       matched
 *          B0006 12001 400.00      bank only                  B → CREDIT 400.00
 *          S0007 12002  10.00      bank only, UNKNOWN here    B → RESOLVE_UNKNOWN SUCCEEDED
 *          S0008 12001  60.00      UNKNOWN here, not at bank  S (no file record) → RESOLVE_UNKNOWN FAILED
 *   CHK02  100000000001 status 0   both                       matched
 *          100000000002 0 / 2      status differs             X → MANUAL
 *   CHK03  SA001 11001             both                       matched
 *          BA009 11006             bank only                  B → MANUAL
 */
const brokerTransfers: Chk01Record[] = [
  transferRecord({ initiator: 'S', brokerSerialNo: 'S0001', amount: money('100.00') }),
  transferRecord({ initiator: 'S', brokerSerialNo: 'S0002', functionCode: '12002', amount: money('50.00') }),
  transferRecord({ initiator: 'S', brokerSerialNo: 'S0003', amount: money('200.00') }),
  transferRecord({ initiator: 'B', bankSerialNo: 'B0004', amount: money('300.00') }),
  transferRecord({ initiator: 'B', bankSerialNo: 'B0005', functionCode: '12002', amount: money('30.00') }),
];
const unknownS0007 = { transferId: randomUUID(), record: transferRecord({ initiator: 'S', brokerSerialNo: 'S0007', functionCode: '12002', amount: money('10.00'), fundAccountNo: '100000000002' }) };
const unknownS0008 = { transferId: randomUUID(), record: transferRecord({ initiator: 'S', brokerSerialNo: 'S0008', amount: money('60.00') }) };
const bankTransfers: Chk01Record[] = [
  transferRecord({ initiator: 'S', brokerSerialNo: 'S0001', amount: money('100.00'), customerName: '张三丰' }),
  transferRecord({ initiator: 'S', brokerSerialNo: 'S0003', amount: money('180.00') }),
  transferRecord({ initiator: 'B', bankSerialNo: 'B0004', amount: money('300.00'), bankAccountNo: '6222999999999999' }),
  transferRecord({ initiator: 'B', bankSerialNo: 'B0005', functionCode: '12002', amount: money('30.00') }),
  transferRecord({ initiator: 'B', bankSerialNo: 'B0006', amount: money('400.00') }),
  { ...unknownS0007.record, bankSerialNo: '7700000001', tradeTime: '10:00:01' },
];
const brokerRelationships = [relationshipRecord(), relationshipRecord({ fundAccountNo: '100000000002' })];
const bankRelationships = [relationshipRecord(), relationshipRecord({ fundAccountNo: '100000000002', status: '2' })];
const brokerAccountFunctions = [accountFunctionRecord({ initiator: 'S' })];
const bankAccountFunctions = [accountFunctionRecord({ initiator: 'S' }), accountFunctionRecord({ initiator: 'B', bankSerialNo: 'BA009', functionCode: '11006', idNumber: '11010119900307987X' })];

/** The whole DETAIL comparison of one bank's day from real gzip files, against the real PostgreSQL. */
describe('DETAIL comparison of a bank day (bank-protocol.md §7 steps 4–6, real PostgreSQL and HTTP owners)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  const owners = new OwnerServer();
  let testbed: ReconciliationTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    const url = await owners.start();
    testbed = await startReconciliationTestbed('reconciliation_comparison', config, new HttpBrokerFileOwners({ transfer: url, account: url }, () => 'test-token'));
    owners.serveFile(BANK, D, 'CHK01', await gzipOf('CHK01', brokerTransfers));
    owners.serveFile(BANK, D, 'CHK02', await gzipOf('CHK02', brokerRelationships));
    owners.serveFile(BANK, D, 'CHK03', await gzipOf('CHK03', brokerAccountFunctions));
    owners.unknowns = [unknownS0007, unknownS0008];
  });

  afterAll(async () => {
    await testbed?.close();
    await owners.stop();
  });

  /** The bank's file as its adapter leaves it: stored whole, then announced by bank.files-received. */
  async function bankSends<T extends DayFileType>(type: T, records: Array<DayFileRecords[T]>): Promise<DayFileDescriptor> {
    const gz = await gzipOf(type, records);
    const file = namedDayFile(`B_${type}_${D.replace(/-/g, '')}.gz`);
    const { stored } = await testbed.store.store({ bankCode: BANK, file, busCode: busCodeOf(type), fileTime: '20261123190000' }, [gz]);
    await testbed.db.dataSource.transaction((m) => testbed.bankFiles.received(m, { bankCode: BANK, files: [stored.descriptor] }));
    return stored.descriptor;
  }

  const reconciliation = async () => testbed.view.reconciliation(D, { bankCode: BANK });
  const breakOf = (breaks: BreakView[], file: string, serialOrAccount: string) => breaks.find((b) => b.file === file && (b.serialNo === serialOrAccount || b.fundAccountNo === serialOrAccount && b.serialNo === null))!;

  it('F-6.2: the broker files are fetched, kept and answered with the 13010 figures; the bank files are read; the comparison records every break with the adjustment api.md proposes', async () => {
    await testbed.db.dataSource.transaction((m) => testbed.brokerFiles.requested(m, { bankCode: BANK, businessDate: D, step: 'DETAIL' }));
    await bankSends('CHK01', bankTransfers);
    await bankSends('CHK02', bankRelationships);
    await bankSends('CHK03', bankAccountFunctions);
    await testbed.drainJobs();

    const [ready] = await testbed.outboxPayloads<{ files: DayFileDescriptor[]; summary: unknown; step: string }>('reconciliation.broker-files-ready');
    expect(ready.step).toBe('DETAIL');
    expect(ready.files.map((f) => f.fileName)).toEqual(['S_CHK02_20261123.gz', 'S_CHK03_20261123.gz', 'S_CHK01_20261123.gz']);
    expect(ready.summary).toEqual({ depositCount: 3, depositAmount: '600.00', withdrawalCount: 2, withdrawalAmount: '80.00' });

    const view = await reconciliation();
    expect(view.banks).toEqual([{ bankCode: BANK, matched: 4, summaryCheck: 'PENDING', bankDifMatches: null }]);
    const summary = view.breaks.map((b) => ({
      file: b.file,
      reason: b.reason,
      key: b.serialNo ?? b.fundAccountNo,
      differingFields: b.differingFields,
      kind: b.proposedAdjustment!.kind,
      amount: b.proposedAdjustment!.amount,
      resolveTo: b.proposedAdjustment!.resolveTo,
    }));
    expect(summary).toEqual(
      expect.arrayContaining([
        { file: 'CHK01', reason: 'S', key: 'S0002', differingFields: [], kind: 'CREDIT', amount: '50.00', resolveTo: undefined },
        { file: 'CHK01', reason: 'X', key: 'S0003', differingFields: ['amount'], kind: 'DEBIT', amount: '20.00', resolveTo: undefined },
        { file: 'CHK01', reason: 'X', key: 'B0004', differingFields: ['bankAccountNo'], kind: 'MANUAL', amount: undefined, resolveTo: undefined },
        { file: 'CHK01', reason: 'B', key: 'B0006', differingFields: [], kind: 'CREDIT', amount: '400.00', resolveTo: undefined },
        { file: 'CHK01', reason: 'B', key: 'S0007', differingFields: [], kind: 'RESOLVE_UNKNOWN', amount: '10.00', resolveTo: 'SUCCEEDED' },
        { file: 'CHK01', reason: 'S', key: 'S0008', differingFields: [], kind: 'RESOLVE_UNKNOWN', amount: '60.00', resolveTo: 'FAILED' },
        { file: 'CHK02', reason: 'X', key: '100000000002', differingFields: ['status'], kind: 'MANUAL', amount: undefined, resolveTo: undefined },
        { file: 'CHK03', reason: 'B', key: 'BA009', differingFields: [], kind: 'MANUAL', amount: undefined, resolveTo: undefined },
      ]),
    );
    expect(summary).toHaveLength(8);

    const resolved = breakOf(view.breaks, 'CHK01', 'S0007');
    expect(resolved.proposedAdjustment).toMatchObject({ transferId: unknownS0007.transferId, fundAccountNo: '100000000002', status: 'PROPOSED', approvals: [] });
    expect(resolved).toMatchObject({ initiator: 'S', broker: null, bank: { brokerSerialNo: 'S0007', bankSerialNo: '7700000001', amount: '10.00' }, status: 'OPEN' });
    expect(breakOf(view.breaks, 'CHK01', 'S0008')).toMatchObject({ broker: { brokerSerialNo: 'S0008', amount: '60.00' }, bank: null });
    expect(breakOf(view.breaks, 'CHK01', 'S0003')).toMatchObject({ broker: { amount: '200.00', customerName: '张三' }, bank: { amount: '180.00' } });
    // CHK03's ID number leaves the service only masked.
    const accountBreak = breakOf(view.breaks, 'CHK03', 'BA009');
    expect(accountBreak.bank).toMatchObject({ idType: '10', idNumberMasked: '**************987X' });
    expect(JSON.stringify(view)).not.toContain('11010119900307987X');

    const proposed = await testbed.outboxPayloads<{ breakId: string; kind: string; amount?: string }>('adjustment.proposed');
    expect(proposed).toHaveLength(8);
    expect(new Set(proposed.map((p) => p.breakId))).toEqual(new Set(view.breaks.map((b) => b.breakId)));
    expect(await testbed.outboxPayloads('reconciliation.breaks-changed')).toEqual([{ bankCode: BANK, businessDate: D, stage: 'DETAIL', compared: true, openBreaks: 8 }]);
  });

  it("step 6: the bank's DIF01–03 naming the same records make bankDifMatches true; a DIF that names another record makes it false", async () => {
    const byKey = (serial: string) => [...bankTransfers, ...brokerTransfers].find((r) => (r.initiator === 'B' ? r.bankSerialNo : r.brokerSerialNo) === serial)!;
    const dif01: Dif01Record[] = [
      { reason: 'S', description: null, positions: [], handlingCode: 'B0', broker: byKey('S0002'), bank: null },
      { reason: 'X', description: null, positions: [16], handlingCode: 'B0', broker: brokerTransfers[2], bank: bankTransfers[1] },
      { reason: 'X', description: null, positions: [9], handlingCode: 'B0', broker: brokerTransfers[3], bank: bankTransfers[2] },
      { reason: 'B', description: null, positions: [], handlingCode: 'B0', broker: null, bank: bankTransfers[4] },
      { reason: 'B', description: null, positions: [], handlingCode: 'B0', broker: null, bank: bankTransfers[5] },
    ];
    const dif02: Dif02Record[] = [{ reason: 'X', description: null, positions: [10], handlingCode: 'X0', broker: brokerRelationships[1], bank: bankRelationships[1] }];
    const dif03: Dif03Record[] = [{ reason: 'B', description: null, positions: [], handlingCode: 'X0', broker: null, bank: bankAccountFunctions[1] }];
    await bankSends('DIF01', dif01);
    await bankSends('DIF02', dif02);
    await testbed.drainJobs();
    expect((await reconciliation()).banks[0].bankDifMatches).toBeNull();
    await bankSends('DIF03', dif03);
    await testbed.drainJobs();
    expect((await reconciliation()).banks[0].bankDifMatches).toBe(true);

    // A new version of DIF03 that names a record we have no break for.
    await bankSends('DIF03', [...dif03, { reason: 'S', description: null, positions: [], handlingCode: 'X0', broker: brokerAccountFunctions[0], bank: null }]);
    await testbed.drainJobs();
    expect((await reconciliation()).banks[0].bankDifMatches).toBe(false);
  });

  it('api: the 13010 result shows as summaryCheck; an applied adjustment resolves its break and the saga hears the new count; a rejected one shows its MANUAL replacement', async () => {
    await testbed.db.dataSource.transaction((m) =>
      testbed.summaryChecks.checked(m, {
        bankCode: BANK,
        businessDate: D,
        result: 'MISMATCHED',
        checkReturnCode: '5208',
        broker: { depositCount: 3, depositAmount: Money.parse('600.00'), withdrawalCount: 2, withdrawalAmount: Money.parse('80.00') },
        bank: { depositCount: 3, depositAmount: Money.parse('880.00'), withdrawalCount: 2, withdrawalAmount: Money.parse('40.00') },
      }),
    );
    const before = await reconciliation();
    expect(before.banks[0].summaryCheck).toBe('MISMATCHED');
    const credit = breakOf(before.breaks, 'CHK01', 'B0006');
    const debit = breakOf(before.breaks, 'CHK01', 'S0003');
    const approval = { by: 'local-identity-provider/u1', role: 'supervisor' as const, at: new Date().toISOString() };
    const change = (b: BreakView, status: 'APPLIED' | 'REJECTED' | 'AWAITING_SECOND_APPROVAL', more: { replacedBy?: string } = {}) =>
      testbed.db.dataSource.transaction((m) =>
        testbed.adjustments.changed(m, {
          adjustmentId: b.proposedAdjustment!.adjustmentId,
          breakId: b.breakId,
          bankCode: BANK,
          businessDate: D,
          kind: b.proposedAdjustment!.kind as 'CREDIT',
          status,
          approvals: [approval],
          ...more,
          ...(status === 'APPLIED' ? { appliedOn: '2026-11-24' } : {}),
        }),
      );
    await change(credit, 'APPLIED');
    await change(credit, 'AWAITING_SECOND_APPROVAL'); // late, out of order: never takes it back
    const replacement = randomUUID();
    await change(debit, 'REJECTED', { replacedBy: replacement });

    const after = await reconciliation();
    expect(breakOf(after.breaks, 'CHK01', 'B0006')).toMatchObject({ status: 'RESOLVED', proposedAdjustment: { status: 'APPLIED', approvals: [approval] } });
    expect(breakOf(after.breaks, 'CHK01', 'S0003')).toMatchObject({ status: 'OPEN', proposedAdjustment: { adjustmentId: replacement, kind: 'MANUAL', status: 'PROPOSED' } });
    expect((await testbed.outboxPayloads('reconciliation.breaks-changed')).at(-1)).toEqual({ bankCode: BANK, businessDate: D, stage: 'DETAIL', compared: true, openBreaks: 7 });
    expect(await testbed.outboxPayloads('reconciliation.breaks-changed')).toHaveLength(2);
  });

  it('F-8.2: a B_DIF04 becomes CHK04 breaks (S the bank lacks the account, B we lack it, X the amounts), all MANUAL, and the saga hears the BALANCE count', async () => {
    await bankSends('DIF04', [
      balanceLine({ remark: '余额不符', fundAccountNo: '100000000001', brokerAmount: money('700.00'), bankAmount: money('650.00') }),
      balanceLine({ remark: '银行方无此账户', fundAccountNo: '100000000005', customerName: null, brokerAmount: money('5.00'), bankAmount: Money.zero() }),
      balanceLine({ remark: '证券方无此账户', fundAccountNo: '100000000006', brokerAmount: Money.zero(), bankAmount: money('6.00') }),
    ]);
    await testbed.drainJobs();
    const balance = (await reconciliation()).breaks.filter((b) => b.file === 'CHK04');
    expect(balance.map((b) => ({ reason: b.reason, account: b.fundAccountNo, differing: b.differingFields, kind: b.proposedAdjustment!.kind, broker: b.broker?.amount ?? null, bank: b.bank?.amount ?? null }))).toEqual([
      { reason: 'X', account: '100000000001', differing: ['amount'], kind: 'MANUAL', broker: '700.00', bank: '650.00' },
      { reason: 'S', account: '100000000005', differing: [], kind: 'MANUAL', broker: '5.00', bank: null },
      { reason: 'B', account: '100000000006', differing: [], kind: 'MANUAL', broker: null, bank: '6.00' },
    ]);
    expect((await testbed.outboxPayloads('reconciliation.breaks-changed')).at(-1)).toEqual({ bankCode: BANK, businessDate: D, stage: 'BALANCE', compared: true, openBreaks: 3 });
  });

  it('idempotency: the same request, bank files and operator case again change nothing; a request answered before is answered again with the same files', async () => {
    const breaksBefore = (await reconciliation()).breaks.length;
    await testbed.db.dataSource.transaction((m) => testbed.brokerFiles.requested(m, { bankCode: BANK, businessDate: D, step: 'DETAIL' }));
    await bankSends('CHK01', bankTransfers);
    await testbed.drainJobs();
    const ready = await testbed.outboxPayloads<{ files: DayFileDescriptor[] }>('reconciliation.broker-files-ready');
    expect(ready).toHaveLength(2);
    expect(ready[1]).toEqual(ready[0]);
    expect(owners.count('/files/CHK01')).toBe(1);
    expect((await reconciliation()).breaks).toHaveLength(breaksBefore);

    const raised = {
      caseId: randomUUID(),
      bankCode: BANK,
      businessDate: D,
      cause: 'REVERSAL_REFUSED_FUNDS_USED',
      description: "the bank's reversal of a deposit was refused 2008: the funds were used",
      initiator: 'B' as const,
      serialNo: 'B0100',
      functionCode: '12003',
      fundAccountNo: '100000000001',
      currency: 'CNY' as const,
      amount: Money.parse('25.00'),
      bankReturnCode: '2008',
    };
    await testbed.db.dataSource.transaction((m) => testbed.operatorCases.raised(m, raised));
    await testbed.db.dataSource.transaction((m) => testbed.operatorCases.raised(m, raised));
    const cases = (await reconciliation()).breaks.filter((b) => b.file === null);
    expect(cases).toEqual([expect.objectContaining({ reason: null, cause: 'REVERSAL_REFUSED_FUNDS_USED', serialNo: 'B0100', status: 'OPEN', proposedAdjustment: expect.objectContaining({ kind: 'MANUAL' }) })]);
    // An operator case counts among the day's DETAIL open breaks: 7 before it.
    expect((await testbed.outboxPayloads('reconciliation.breaks-changed')).at(-1)).toEqual({ bankCode: BANK, businessDate: D, stage: 'DETAIL', compared: true, openBreaks: 8 });
  });
});
