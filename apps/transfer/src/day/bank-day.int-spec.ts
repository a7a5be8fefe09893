import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { bankReplyReadyFor, type DayPhase } from '@custody/contracts';
import { BusinessDays, DomainError, loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import { bankRequestFor, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';
import { Money } from '@custody/money';

/** bank-protocol.md §7 from the transfer service's side: which transfers a bank's day takes, on which date (real PostgreSQL). */
describe("a bank's day at the transfer service (real PostgreSQL)", () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  const BANK = config.banks[0].code;
  const REPLY_TOPIC = bankReplyReadyFor(BANK).name;
  // A date after the testbed's own (a later date's events win): a Friday, so the next business date is a Monday.
  const D = '2030-01-04';
  let bed: TransferTestbed;
  let account: TestAccount;
  let changedAt = Date.parse('2030-01-04T00:00:00Z');

  const dayIs = (phase: DayPhase, businessDate = D, at = (changedAt += 1000)) =>
    bed.db.dataSource.transaction((m) => bed.bankDays.apply(m, { bankCode: BANK, businessDate, phase, changedAt: new Date(at).toISOString() }));
  const withdraw = (amount = '10.00') => bed.transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse(amount) });
  const transferOf = async (where: { transferId: string } | { serialNo: string }) =>
    (
      await bed.db.dataSource.query(
        `SELECT status, business_date::text AS business_date, bank_return_code FROM transfer.transfers WHERE ${'transferId' in where ? 'transfer_id = $1' : 'serial_no = $1'}`,
        ['transferId' in where ? where.transferId : where.serialNo],
      )
    )[0];
  const replyCode = async (serialNo: string) => {
    const [row] = await bed.db.dataSource.query(
      `SELECT envelope -> 'payload' ->> 'returnCode' AS code FROM transfer.outbox WHERE topic = $2 AND envelope -> 'payload' -> 'route' -> 'requestRef' ->> 'serialNo' = $1 ORDER BY id DESC LIMIT 1`,
      [serialNo, REPLY_TOPIC],
    );
    return row?.code as string | undefined;
  };
  const handle = (request: ReturnType<typeof bankRequestFor>) => bed.db.dataSource.transaction((m) => bed.inbound.handle(m, request));

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    bed = await startTransferTestbed('transfer_bank_day', config);
    account = await bed.designatedAccount(BANK);
    await dayIs('OPEN');
    await handle(bankRequestFor(BANK, account, { amount: '1000.00', businessDate: D }));
  });
  afterAll(() => bed?.db.drop());

  it("an open day takes the broker's transfers, dated the bank's day (not the calendar)", async () => {
    const transferId = await withdraw();
    expect(await transferOf({ transferId })).toMatchObject({ business_date: D });
  });

  it('an older event delivered late changes nothing: the newest phase of the newest day stands', async () => {
    await dayIs('NOT_STARTED', D, Date.parse('2030-01-03T00:00:00Z'));
    expect(await bed.db.dataSource.transaction((m) => bed.bankDays.of(m, BANK))).toEqual({ businessDate: D, phase: 'OPEN' });
  });

  it('while the day is ending: the broker starts nothing (DAY_CLOSED) and still takes what the bank starts', async () => {
    await dayIs('ENDING');
    await expect(withdraw()).rejects.toThrow(DomainError);
    await expect(withdraw()).rejects.toMatchObject({ code: 'DAY_CLOSED' });
    const deposit = bankRequestFor(BANK, account, { amount: '5.00' });
    await handle(deposit);
    expect(await replyCode(deposit.serialNo)).toBe('0000');
  });

  it("after 13011 the bank's new transfers are refused 3007 and recorded (a repeat gets 3007 again); nothing moves", async () => {
    await dayIs('ENDED');
    const deposit = bankRequestFor(BANK, account, { amount: '7.00' });
    await handle(deposit);
    expect(await replyCode(deposit.serialNo)).toBe('3007');
    expect(await transferOf({ serialNo: deposit.serialNo })).toMatchObject({ status: 'FAILED', bank_return_code: '3007' });
    await handle({ ...deposit, inboundId: randomUUID(), resend: true });
    expect(await replyCode(deposit.serialNo)).toBe('3007');
    const [{ n }] = await bed.db.dataSource.query(`SELECT count(*)::int AS n FROM transfer.journal_lines WHERE source_id = (SELECT transfer_id::text FROM transfer.transfers WHERE serial_no = $1 AND initiator = 'B')`, [deposit.serialNo]);
    expect(n).toBe(0);
  });

  it('after 13011 a reversal the bank asks is still answered, and its movement belongs to the next business date', async () => {
    const original = bankRequestFor(BANK, account, { amount: '20.00' });
    await dayIs('OPEN'); // the original is booked while the day is open …
    await handle(original);
    await dayIs('ENDED'); // … and reversed by the bank after its 13011
    const reversal = bankRequestFor(BANK, account, { function: 'REVERSE_BANK_TO_SECURITIES', cancelledRef: { serialNo: original.serialNo, issuerType: 'B', issuerId: BANK }, amount: '20.00' });
    await handle(reversal);
    expect(await replyCode(reversal.serialNo)).toBe('0000');
    const [line] = await bed.db.dataSource.query(
      `SELECT business_date::text AS business_date FROM transfer.journal_lines WHERE source_id = (SELECT transfer_id::text FROM transfer.transfers WHERE serial_no = $1 AND initiator = 'B') AND amount < 0 AND fund_account_no IS NOT NULL`,
      [original.serialNo],
    );
    expect(line.business_date).toBe(new BusinessDays(config.holidays).after(D));
  });

  it("before the bank's day starts (13012 not answered) the broker starts nothing: OUTSIDE_TRANSFER_WINDOW", async () => {
    await dayIs('NOT_STARTED', '2030-01-07');
    await expect(withdraw()).rejects.toMatchObject({ code: 'OUTSIDE_TRANSFER_WINDOW' });
  });
});
