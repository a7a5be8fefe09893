import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { type INestApplication, Module } from '@nestjs/common';
import { type Chk01Record, type DayFileRecord, type DayFileType, readDayFile, writeDayFile } from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { Clock, loadCustodyConfig, loggingModule, newIssuer, ROLES, SERVICE_ROLE, signToken, startHttpService, TokenVerifier } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import { bankRequestFor, type InboundRequest, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';
import { DayFilesController } from './day-files.controller';
import { DayFilesService } from './day-files.service';

jest.setTimeout(60_000);

class TestClock extends Clock {
  at = new Date('2026-12-04T02:00:00.000Z');
  override now(): Date {
    return new Date(this.at.getTime());
  }
}

const BANK = '1021000';
const OTHER_BANK = '1051000';
const D = '2026-12-04';
const EARLIER = '2026-12-03';

/** The records of a day file's `.gz` stream, as the reconciliation service will read them. */
async function recordsOf<T extends DayFileType>(type: T, gz: AsyncIterable<Uint8Array>): Promise<Array<DayFileRecord<T>>> {
  const records: Array<DayFileRecord<T>> = [];
  for await (const record of readDayFile(type, gz)) records.push(record);
  return records;
}

/** A service's records written with the codec and read back: the file the endpoint sends. */
async function fileOf<T extends DayFileType>(type: T, records: AsyncIterable<DayFileRecord<T>>): Promise<Array<DayFileRecord<T>>> {
  return recordsOf(type, writeDayFile(type, records));
}

const keyOf = (r: Chk01Record) => `${r.initiator}:${r.initiator === 'B' ? r.bankSerialNo : r.brokerSerialNo}:${r.functionCode}`;

/** bank-protocol.md §5 and §7 steps 3–7: the transfer service's files of a bank's day, on the real PostgreSQL and through its internal HTTP edge. */
describe("a bank's day files at the transfer service: S_CHK01, S_CHK04, the transfers UNKNOWN at the snapshot (real PostgreSQL)", () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  const clock = new TestClock();
  let bed: TransferTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    bed = await startTransferTestbed('transfer_day_files', config, clock);
  });
  afterAll(() => bed?.db.drop());

  const handle = async (request: InboundRequest) => {
    await bed.db.dataSource.transaction((m) => bed.inbound.handle(m, request));
    return request;
  };
  const fromBank = (account: TestAccount, overrides: Partial<InboundRequest> = {}, bankCode = BANK) => handle(bankRequestFor(bankCode, account, overrides, clock.now()));
  const reversalOf = (original: InboundRequest, account: TestAccount) =>
    fromBank(account, {
      function: original.function === 'SECURITIES_TO_BANK' ? 'REVERSE_SECURITIES_TO_BANK' : 'REVERSE_BANK_TO_SECURITIES',
      amount: original.amount,
      bankAccountNo: original.bankAccountNo,
      cancelledRef: { serialNo: original.serialNo, issuerType: 'B', issuerId: BANK },
    });
  const replyTo = async (request: InboundRequest): Promise<string> =>
    (await bed.db.dataSource.query(`SELECT envelope -> 'payload' ->> 'returnCode' AS code FROM transfer.outbox WHERE envelope -> 'payload' ->> 'inboundId' = $1`, [request.inboundId]))[0].code;
  const ours = (account: TestAccount, type: 'BANK_TO_SECURITIES' | 'SECURITIES_TO_BANK', amount: string) =>
    bed.transfers.request({ requestId: randomUUID(), type, fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse(amount), bankPassword: type === 'BANK_TO_SECURITIES' ? '135790' : undefined });
  const outcome = (transferId: string, status: 'SUCCEEDED' | 'FAILED' | 'UNKNOWN' | 'REVERSED', bankSerialNo?: string) =>
    bed.db.dataSource.transaction((m) =>
      bed.transfers.applyOutcome(m, { transferId, status, bankSerialNo, failure: status === 'FAILED' ? { code: 'BANK_REJECTED', bankReturnCode: '1002', message: 'refused' } : undefined }),
    );
  const serialOf = async (transferId: string): Promise<string> => (await bed.db.dataSource.query(`SELECT serial_no FROM transfer.transfers WHERE transfer_id = $1`, [transferId]))[0].serial_no;
  const dayEnded = (unsettledTransferIds: string[], businessDate = D) =>
    bed.db.dataSource.transaction((m) =>
      bed.bankDays.apply(m, { bankCode: BANK, businessDate, phase: 'ENDED', snapshot: { unsettledTransferIds }, changedAt: new Date(clock.now().getTime() + 1000).toISOString() }),
    );
  const chk01 = async () => fileOf('CHK01', await bed.dayFiles.chk01(BANK, D));

  let named: TestAccount;
  let unnamed: TestAccount;
  const serials: Record<string, string> = {};
  let unknownId: string;
  let pendingId: string;

  beforeAll(async () => {
    clock.at = new Date(`${EARLIER}T02:00:00.000Z`);
    await bed.openDay(EARLIER);
    named = await bed.designatedAccount(BANK, { customerName: '张三', branchId: '0001' });
    unnamed = await bed.designatedAccount(BANK);
    // A day earlier: not of D.
    serials.earlier = (await fromBank(named, { amount: '5000.00' })).serialNo;
    clock.at = new Date(`${D}T02:00:00.000Z`);
    await bed.openDay(D);

    const sDeposit = await ours(named, 'BANK_TO_SECURITIES', '1000.00');
    await outcome(sDeposit, 'SUCCEEDED', 'BK0001');
    serials.sDeposit = await serialOf(sDeposit);
    const sWithdrawal = await ours(named, 'SECURITIES_TO_BANK', '300.00');
    await outcome(sWithdrawal, 'SUCCEEDED');
    serials.sWithdrawal = await serialOf(sWithdrawal);
    serials.bDeposit = (await fromBank(named, { amount: '250.00' })).serialNo;
    const reversed = await fromBank(named, { amount: '40.00' });
    serials.bReversed = reversed.serialNo;
    const reversal = await reversalOf(reversed, named);
    expect(await replyTo(reversal)).toBe('0000');
    serials.bReversal = reversal.serialNo;
    serials.bWithdrawal = (await fromBank(named, { function: 'SECURITIES_TO_BANK', amount: '20.00', fundPassword: 'MATCHED' })).serialNo;
    // An UNKNOWN the broker reversed: it never moved the broker's books.
    const unknownThenReversed = await ours(named, 'SECURITIES_TO_BANK', '50.00');
    await outcome(unknownThenReversed, 'UNKNOWN');
    await outcome(unknownThenReversed, 'REVERSED');
    serials.sReversed = await serialOf(unknownThenReversed);
    const failed = await ours(unnamed, 'BANK_TO_SECURITIES', '70.00');
    await outcome(failed, 'FAILED');
    serials.sFailed = await serialOf(failed);
    // Refused (another bank account), then reversed by the bank: nothing moved either time.
    const refused = await fromBank(unnamed, { amount: '90.00', bankAccountNo: '6200000000000000' });
    expect(await replyTo(refused)).toBe('3001');
    expect(await replyTo(await reversalOf(refused, unnamed))).toBe('0000');
    // Another bank's day.
    await fromBank(await bed.designatedAccount(OTHER_BANK), { amount: '10.00' }, OTHER_BANK);
    // Open at the day's end: one the saga holds UNKNOWN (its UNKNOWN not applied here yet), one whose outcome is on its way.
    unknownId = await ours(unnamed, 'BANK_TO_SECURITIES', '80.00');
    serials.unknown = await serialOf(unknownId);
    pendingId = await ours(unnamed, 'BANK_TO_SECURITIES', '60.00');
    serials.pending = await serialOf(pendingId);
  });

  it('409 SNAPSHOT_NOT_SETTLED until the ENDED snapshot has come', async () => {
    await expect(bed.dayFiles.chk01(BANK, D)).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_SETTLED', detail: expect.stringContaining('snapshot') });
    await expect(bed.dayFiles.chk04(BANK, D)).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_SETTLED' });
    await expect(bed.dayFiles.unknownTransfers(BANK, D)).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_SETTLED' });
  });

  it('409 SNAPSHOT_NOT_SETTLED while a named transfer is not UNKNOWN here yet, or another is still open; the files once the books agree', async () => {
    await dayEnded([unknownId]);
    await expect(bed.dayFiles.chk01(BANK, D)).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_SETTLED', detail: expect.stringContaining(`${unknownId} is PENDING here`) });
    await outcome(unknownId, 'UNKNOWN');
    await expect(bed.dayFiles.chk01(BANK, D)).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_SETTLED', detail: expect.stringContaining(`${pendingId} is PENDING here`) });
    await outcome(pendingId, 'SUCCEEDED', 'BK0002');
    await expect(chk01()).resolves.toHaveLength(7);
  });

  it("S_CHK01 lists what moved the broker's books on D at the bank: both initiators, the bank's reversal and what it reversed; not what failed, was refused, was reversed unmoved, or is UNKNOWN", async () => {
    const records = await chk01();
    expect(records.map(keyOf).sort()).toEqual(
      [
        `S:${serials.sDeposit}:12001`,
        `S:${serials.sWithdrawal}:12002`,
        `S:${serials.pending}:12001`,
        `B:${serials.bDeposit}:12001`,
        `B:${serials.bReversed}:12001`,
        `B:${serials.bReversal}:12003`,
        `B:${serials.bWithdrawal}:12002`,
      ].sort(),
    );
  });

  it('every field as bank-protocol.md §5 says: institutions, branch, name, China-time trade date and time of the posting, 清算日期 D, both serials, bank account, 汇钞标志', async () => {
    const records = await chk01();
    const sDeposit = records.find((r) => r.brokerSerialNo === serials.sDeposit)!;
    const [posted] = await bed.db.dataSource.query(
      `SELECT to_char(j.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS date, to_char(j.created_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS time
         FROM transfer.journal_lines j JOIN transfer.transfers t ON j.source_id = t.transfer_id::text WHERE t.serial_no = $1 AND j.fund_account_no IS NOT NULL`,
      [serials.sDeposit],
    );
    expect(sDeposit).toEqual({
      bankInstId: BANK,
      brokerInstId: config.broker.instId,
      branchId: '0001',
      tradeDate: posted.date,
      tradeTime: posted.time,
      clearingDate: D,
      bankSerialNo: 'BK0001',
      brokerSerialNo: serials.sDeposit,
      bankAccountNo: named.bankAccountNo,
      fundAccountNo: named.fundAccountNo,
      customerName: '张三',
      initiator: 'S',
      functionCode: '12001',
      currency: 'CNY',
      cashExFlag: null,
      amount: Money.parse('1000.00'),
    });
    const bDeposit = records.find((r) => r.bankSerialNo === serials.bDeposit)!;
    expect(bDeposit).toMatchObject({ initiator: 'B', brokerSerialNo: expect.stringMatching(/\S/), amount: Money.parse('250.00') });
    // An account opened before names were sent: its customer number, no branch.
    expect(records.find((r) => r.brokerSerialNo === serials.pending)).toMatchObject({ customerName: 'C1', branchId: null, bankSerialNo: 'BK0002' });
    expect(records.find((r) => r.bankSerialNo === serials.bReversal)).toMatchObject({ fundAccountNo: named.fundAccountNo, amount: Money.parse('40.00') });
  });

  it('the transfers UNKNOWN at the snapshot, each as CHK01 would list it had it succeeded (amounts as decimal strings)', async () => {
    const { transfers } = JSON.parse(JSON.stringify({ transfers: await bed.dayFiles.unknownTransfers(BANK, D) }));
    expect(transfers).toEqual([
      {
        transferId: unknownId,
        record: expect.objectContaining({ initiator: 'S', functionCode: '12001', brokerSerialNo: serials.unknown, bankSerialNo: null, fundAccountNo: unnamed.fundAccountNo, amount: '80.00', clearingDate: D }),
      },
    ]);
  });

  it('S_CHK04: every fund ledger of a relationship at the bank with its balance now', async () => {
    const records = await fileOf('CHK04', await bed.dayFiles.chk04(BANK, D));
    const byAccount = new Map(records.map((r) => [r.fundAccountNo, r]));
    expect(byAccount.get(named.fundAccountNo)).toMatchObject({ amount: Money.parse('5930.00'), customerName: '张三', branchId: '0001', currency: 'CNY', cashExFlag: null, bankInstId: BANK });
    expect(byAccount.get(unnamed.fundAccountNo)).toMatchObject({ amount: Money.parse('60.00'), customerName: 'C1' });
    const [{ n }] = await bed.db.dataSource.query(`SELECT count(*)::int AS n FROM transfer.ledger_accounts WHERE bank_code = $1`, [BANK]);
    expect(records).toHaveLength(n);
  });

  it('a day whose snapshot never came, or a bank not configured, or a date that is none: refused before anything is read', async () => {
    await expect(bed.dayFiles.chk01(BANK, '2026-12-07')).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_SETTLED' });
    await expect(bed.dayFiles.chk01('9999999', D)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bed.dayFiles.chk01(BANK, '2026-02-30')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('customer.renamed: the files carry the newest name; fund-account.opened again does not change it', async () => {
    const nameIn = async () => (await fileOf('CHK04', await bed.dayFiles.chk04(BANK, D))).find((r) => r.fundAccountNo === unnamed.fundAccountNo)?.customerName;
    await bed.db.dataSource.transaction((m) => bed.projection.customerRenamed(m, { customerNo: 'C1', fundAccountNo: unnamed.fundAccountNo, customerName: '赵六' }));
    expect(await nameIn()).toBe('赵六');
    await bed.db.dataSource.transaction((m) => bed.projection.fundAccountOpened(m, { fundAccountNo: unnamed.fundAccountNo, customerNo: 'C1', currency: 'CNY', role: 'PRIMARY', customerName: '旧名', branchId: '0002' }));
    expect(await nameIn()).toBe('赵六');
    expect((await fileOf('CHK04', await bed.dayFiles.chk04(BANK, D))).find((r) => r.fundAccountNo === unnamed.fundAccountNo)?.branchId).toBe('0002');
  });

  describe('through the internal HTTP edge (SERVICE_ROLE)', () => {
    const users = newIssuer('identity-provider', ROLES);
    const services = newIssuer('reconciliation', [SERVICE_ROLE]);
    let app: INestApplication;
    let baseUrl: string;
    const service = () => signToken(services.identity, { subject: 'reconciliation', role: SERVICE_ROLE }, new Date(), 60_000);

    beforeAll(async () => {
      @Module({ imports: [loggingModule('transfer-test')], controllers: [DayFilesController], providers: [{ provide: DayFilesService, useValue: bed.dayFiles }] })
      class DayFilesTestModule {}
      app = await startHttpService(DayFilesTestModule, { name: 'transfer-test', port: 0, tokenVerifier: new TokenVerifier([users.trusted, services.trusted]) });
      baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/internal/v1/banks/${BANK}/days`;
    });
    afterAll(() => app?.close());

    const get = (path: string, token: string) => fetch(`${baseUrl}/${path}`, { headers: { authorization: `Bearer ${token}` } });

    it('GET …/files/CHK01: a gzip stream of S_CHK01 the codec reads back, the same records the service lists', async () => {
      const response = await get(`${D}/files/CHK01`, service());
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/gzip');
      expect(response.headers.get('content-disposition')).toContain('S_CHK01_20261204.gz');
      const records = await recordsOf('CHK01', Readable.fromWeb(response.body! as Parameters<typeof Readable.fromWeb>[0]));
      expect(records).toEqual(await chk01());
    });

    it('GET …/files/CHK04 and …/unknown-transfers answer the service; a day not settled is 409 problem+json SNAPSHOT_NOT_SETTLED', async () => {
      expect((await get(`${D}/files/CHK04`, service())).status).toBe(200);
      const unknown = await get(`${D}/unknown-transfers`, service());
      expect(await unknown.json()).toMatchObject({ transfers: [{ transferId: unknownId, record: { amount: '80.00' } }] });
      const notSettled = await get('2026-12-07/files/CHK01', service());
      expect(notSettled.status).toBe(409);
      expect(await notSettled.json()).toMatchObject({ code: 'SNAPSHOT_NOT_SETTLED' });
    });

    it("a person's token is 403: the files are for the hub's services", async () => {
      const operator = signToken(users.identity, { subject: 'ops', role: 'operator' }, new Date(), 60_000);
      expect((await get(`${D}/files/CHK01`, operator)).status).toBe(403);
    });
  });
});
