import { ClearPin, readDayFile, sequentialRefIssuer, writeDayFile } from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { BankBooks } from '../books/bank-books';
import type { BankInitiatedStart, TransactionRecord, TransactionRef } from '../books/book-records';
import { takeSnapshot } from './bank-snapshot';

const BANK = '1021000';
const BROKER = '10000001';
const PIN = '135790';
const D = '2026-03-02';
const PARTIES = { bankInstId: BANK, brokerInstId: BROKER };
const BANK_ACCOUNT = '6222000000000001';
const FUND_ACCOUNT = '100000000001';
const accept = () => true;

let books: BankBooks;
let serial = 0;
let designation: TransactionRef;

function brokerRef(): TransactionRef {
  serial += 1;
  return { issuerType: 'S', issuerId: BROKER, serial: `S${String(serial).padStart(8, '0')}` };
}

function brokerTransfer(instrCd: '12001' | '12002', amount: string): TransactionRecord {
  const input = { ref: brokerRef(), bankAccountNo: BANK_ACCOUNT, fundAccountNo: FUND_ACCOUNT, currency: 'CNY', amount: Money.parse(amount), password: accept } as const;
  const outcome = instrCd === '12001' ? books.bankToSecurities(input) : books.securitiesToBank(input);
  if (outcome.kind === 'rejected') throw new Error(outcome.info);
  return outcome.record;
}

function started(start: BankInitiatedStart): TransactionRecord {
  if (start.kind !== 'started') throw new Error(start.info);
  return start.record;
}

const atCounter = { bankAccountNo: BANK_ACCOUNT, fundAccountNo: FUND_ACCOUNT, currency: 'CNY', amount: Money.parse('7.00') } as const;

function snapshot() {
  return takeSnapshot(D, books.listTransactions(), books, PARTIES);
}

/** Which records CHK01 lists, as (initiator, function, the initiator's serial). */
function listed(): string[] {
  return snapshot().chk01.map((r) => `${r.initiator} ${r.functionCode} ${r.initiator === 'B' ? r.bankSerialNo : r.brokerSerialNo}`);
}

beforeEach(() => {
  books = new BankBooks({
    bankCode: BANK,
    summaryAccount: '102100000000000001',
    serials: sequentialRefIssuer('B'),
    custodyNumbers: sequentialRefIssuer('8'),
    // 10:00 China time on D
    clock: () => new Date('2026-03-02T02:00:00Z'),
    firstDate: D,
  });
  books.openBankAccount({ bankAccountNo: BANK_ACCOUNT, name: '张三', idType: '10', idNumber: '110101199001011234', password: ClearPin.of(PIN), currency: 'CNY', balance: Money.parse('1000.00') });
  designation = brokerRef();
  const designated = books.designate({
    ref: designation,
    bankAccountNo: BANK_ACCOUNT,
    fundAccountNo: FUND_ACCOUNT,
    currency: 'CNY',
    customer: { name: '张三', idType: '10', idNumber: '110101199001011234' },
    password: accept,
    openingBalance: Money.parse('50.00'),
  });
  expect(designated).toMatchObject({ kind: 'processed', record: { status: 'SUCCEEDED' } });
});

describe("the bank's snapshot of D (bank-protocol.md §5 'what a side lists for D')", () => {
  it('CHK01 lists every transfer that moved the books, whoever initiated it, with both serials and the bank’s record of the name', () => {
    const deposit = brokerTransfer('12001', '100.00');
    const snap = snapshot();
    expect(snap.chk01).toEqual([
      {
        bankInstId: BANK,
        brokerInstId: BROKER,
        branchId: null,
        tradeDate: D,
        tradeTime: '10:00:00',
        clearingDate: D,
        bankSerialNo: deposit.bankSerial,
        brokerSerialNo: deposit.ref.serial,
        bankAccountNo: BANK_ACCOUNT,
        fundAccountNo: FUND_ACCOUNT,
        customerName: '张三',
        initiator: 'S',
        functionCode: '12001',
        currency: 'CNY',
        cashExFlag: null,
        amount: Money.parse('100.00'),
      },
    ]);
  });

  it('a refused transfer is not listed; a reversed original and its reversal are two records', () => {
    brokerTransfer('12002', '5000.00'); // 1052: more than custody holds
    const deposit = brokerTransfer('12001', '100.00');
    const reversal = books.reverse({ ref: brokerRef(), instrCd: '12003', cancelledRef: deposit.ref });
    expect(reversal).toMatchObject({ kind: 'processed', record: { returnCode: '0000' } });
    expect(listed()).toEqual([`S 12001 ${deposit.ref.serial}`, `S 12003 ${reversal.kind === 'processed' ? reversal.record.ref.serial : ''}`]);
  });

  it('a reversal of an original that had failed moved nothing: neither is listed', () => {
    const refused = brokerTransfer('12002', '5000.00');
    expect(books.reverse({ ref: brokerRef(), instrCd: '12004', cancelledRef: refused.ref })).toMatchObject({ kind: 'processed' });
    expect(listed()).toEqual([]);
  });

  it('a 12001 B the bank booked is listed even without the broker’s answer; a 12002 B without one only holds and is not; a refused 12001 B is not', () => {
    const unanswered = started(books.beginBankToSecurities(atCounter));
    books.markUnknown(unanswered.ref, 'no reply');
    const holding = started(books.beginSecuritiesToBank(atCounter));
    books.markUnknown(holding.ref, 'no reply');
    const refused = started(books.beginBankToSecurities(atCounter));
    books.settleBankInitiated(refused.ref, { returnCode: '2011' });
    const paidOut = started(books.beginSecuritiesToBank(atCounter));
    books.settleBankInitiated(paidOut.ref, { returnCode: '0000', counterpartSerial: 'S0000777' });
    expect(listed()).toEqual([`B 12001 ${unanswered.ref.serial}`, `B 12002 ${paidOut.ref.serial}`]);
    expect(snapshot().chk01[1]).toMatchObject({ bankSerialNo: paidOut.ref.serial, brokerSerialNo: 'S0000777', initiator: 'B' });
  });

  it('a 12001 B reversed by 12003 B: both listed; a 12002 B that never paid out, reversed: neither', () => {
    const deposit = started(books.beginBankToSecurities(atCounter));
    books.markUnknown(deposit.ref, 'no reply');
    const reversal = books.beginReversal(deposit.ref.serial);
    books.settleReversal(reversal.ref, { returnCode: '0000' });
    const withdrawal = started(books.beginSecuritiesToBank(atCounter));
    books.markUnknown(withdrawal.ref, 'no reply');
    const withdrawalReversal = books.beginReversal(withdrawal.ref.serial);
    books.settleReversal(withdrawalReversal.ref, { returnCode: '2005' });
    expect(listed()).toEqual([`B 12001 ${deposit.ref.serial}`, `B 12003 ${reversal.ref.serial}`]);
  });

  it('what the bank recorded after its 13011, or on another date, is not in D’s snapshot', () => {
    const before = brokerTransfer('12001', '10.00');
    books.day.end();
    brokerTransfer('12001', '10.00'); // 5215, and after the day's end anyway
    books.day.start('2026-03-03');
    brokerTransfer('12001', '20.00');
    expect(listed()).toEqual([`S 12001 ${before.ref.serial}`]);
  });

  it('CHK02 has the relationship a designation touched, its state at the end of D; CHK03 the designation with its opening balance', () => {
    const snap = snapshot();
    const custodyAccountNo = books.listCustodyAccounts()[0].custodyAccountNo;
    expect(snap.chk02).toEqual([
      { bankInstId: BANK, brokerInstId: BROKER, branchId: null, tradeDate: D, bankAccountNo: BANK_ACCOUNT, fundAccountNo: FUND_ACCOUNT, customerName: '张三', currency: 'CNY', cashExFlag: null, status: '0' },
    ]);
    expect(snap.chk03).toEqual([
      expect.objectContaining({
        brokerSerialNo: designation.serial,
        custodyAccountNo,
        bankAccountNo: BANK_ACCOUNT,
        fundAccountNo: FUND_ACCOUNT,
        idType: '10',
        idNumber: '110101199001011234',
        initiator: 'S',
        functionCode: '11001',
        amount: Money.parse('50.00'),
      }),
    ]);
  });

  it('§5: a pre-designation of D is a CHK03 record (11002, 金额 its opening balance, no bank account, the custody account) and its relationship a CHK02 record pre-designated (1)', () => {
    const ref = brokerRef();
    const customer = { name: '李四', idType: '10', idNumber: '110101199202022345' };
    const outcome = books.preDesignate({ ref, fundAccountNo: '100000000002', currency: 'CNY', customer, openingBalance: Money.parse('320.50') });
    if (outcome.kind === 'rejected') throw new Error(outcome.info);
    const { custodyAccountNo, bankSerial } = outcome.record;
    const refused = books.preDesignate({ ref: brokerRef(), fundAccountNo: '100000000002', currency: 'CNY', customer, openingBalance: Money.parse('1.00') });
    expect(refused).toMatchObject({ record: { returnCode: '5201' } });
    const snap = snapshot();
    expect(snap.chk02).toEqual([
      expect.objectContaining({ fundAccountNo: FUND_ACCOUNT, status: '0' }),
      { bankInstId: BANK, brokerInstId: BROKER, branchId: null, tradeDate: D, bankAccountNo: null, fundAccountNo: '100000000002', customerName: '李四', currency: 'CNY', cashExFlag: null, status: '1' },
    ]);
    expect(snap.chk03).toEqual([
      expect.objectContaining({ functionCode: '11001' }),
      {
        bankInstId: BANK,
        brokerInstId: BROKER,
        branchId: null,
        tradeDate: D,
        tradeTime: '10:00:00',
        bankSerialNo: bankSerial,
        brokerSerialNo: ref.serial,
        custodyAccountNo,
        bankAccountNo: null,
        fundAccountNo: '100000000002',
        customerName: '李四',
        idType: '10',
        idNumber: '110101199202022345',
        initiator: 'S',
        functionCode: '11002',
        currency: 'CNY',
        cashExFlag: null,
        amount: Money.parse('320.50'),
      },
    ]);
    expect(custodyAccountNo).toEqual(books.listCustodyAccounts({ fundAccountNo: '100000000002' })[0].custodyAccountNo);
  });

  it('§5: a confirmation of D (11003 B) is a CHK03 record with 金额 0 and the bank account, and its relationship a CHK02 record designated (0)', () => {
    const pre = books.preDesignate({ ref: brokerRef(), fundAccountNo: '100000000003', currency: 'CNY', customer: { name: '王五', idType: '10', idNumber: '110101197705063456' }, openingBalance: Money.zero() });
    if (pre.kind === 'rejected') throw new Error(pre.info);
    books.openBankAccount({ bankAccountNo: '6222000000000003', name: '王五', idType: '10', idNumber: '110101197705063456', password: ClearPin.of(PIN), currency: 'CNY', balance: Money.zero() });
    const started = books.beginConfirmation({ fundAccountNo: '100000000003', currency: 'CNY', bankAccountNo: '6222000000000003' });
    if (started.kind !== 'started') throw new Error(started.info);
    books.settleConfirmation(started.record.ref, { returnCode: '0000', counterpartSerial: 'S1' });

    const snap = snapshot();

    expect(snap.chk03).toContainEqual(
      expect.objectContaining({ functionCode: '11003', initiator: 'B', bankAccountNo: '6222000000000003', fundAccountNo: '100000000003', amount: Money.zero(), brokerSerialNo: 'S1' }),
    );
    expect(snap.chk02).toContainEqual(expect.objectContaining({ fundAccountNo: '100000000003', bankAccountNo: '6222000000000003', status: '0' }));
  });

  it('§5: a cancellation of D (11004) is a CHK03 record (金额 its ScBal 0, the custody account it closed) and its relationship a CHK02 record cancelled (2)', () => {
    // The designation of D moved 50.00 in; the customer takes it out before the cancellation.
    brokerTransfer('12002', '50.00');
    const custodyAccountNo = books.listCustodyAccounts()[0].custodyAccountNo;
    const ref = brokerRef();
    const cancelled = books.cancelCustody({ ref, fundAccountNo: FUND_ACCOUNT, currency: 'CNY', bankAccountNo: BANK_ACCOUNT, customer: { name: '张三', idType: '10', idNumber: '110101199001011234' }, balanceLeaving: Money.zero() });
    expect(cancelled).toMatchObject({ record: { returnCode: '0000' } });

    const snap = snapshot();

    expect(snap.chk02).toEqual([expect.objectContaining({ fundAccountNo: FUND_ACCOUNT, bankAccountNo: BANK_ACCOUNT, status: '2' })]);
    expect(snap.chk03).toEqual([
      expect.objectContaining({ functionCode: '11001' }),
      expect.objectContaining({ functionCode: '11004', initiator: 'S', brokerSerialNo: ref.serial, custodyAccountNo, bankAccountNo: BANK_ACCOUNT, fundAccountNo: FUND_ACCOUNT, amount: Money.zero() }),
    ]);
  });

  it('§5: a cancellation refused (5316) is not listed', () => {
    books.cancelCustody({ ref: brokerRef(), fundAccountNo: FUND_ACCOUNT, currency: 'CNY', bankAccountNo: BANK_ACCOUNT, customer: { name: '张三', idType: '10', idNumber: '110101199001011234' }, balanceLeaving: Money.zero() });
    expect(snapshot().chk03.map((r) => r.functionCode)).toEqual(['11001']);
    expect(snapshot().chk02).toEqual([expect.objectContaining({ status: '0' })]);
  });

  it('§5: a bank account change of D (11006 B) is a CHK03 record with the new account and 金额 0, and its relationship a CHK02 record with the new account', () => {
    books.openBankAccount({ bankAccountNo: '6222000000000002', name: '张三', idType: '10', idNumber: '110101199001011234', password: ClearPin.of(PIN), currency: 'CNY', balance: Money.zero() });
    const change = started(books.beginBankAccountChange({ fundAccountNo: FUND_ACCOUNT, currency: 'CNY', bankAccountNo: BANK_ACCOUNT, newBankAccountNo: '6222000000000002' }));
    books.settleBankAccountChange(change.ref, { returnCode: '0000', counterpartSerial: 'S9' });

    const snap = snapshot();

    expect(snap.chk03).toContainEqual(
      expect.objectContaining({ functionCode: '11006', initiator: 'B', bankSerialNo: change.ref.serial, bankAccountNo: '6222000000000002', fundAccountNo: FUND_ACCOUNT, amount: Money.zero() }),
    );
    expect(snap.chk02).toEqual([expect.objectContaining({ fundAccountNo: FUND_ACCOUNT, bankAccountNo: '6222000000000002', status: '0' })]);
  });

  it("§5: the bank's own designation (11001 B) and another currency (11010 B) of D are CHK03 records with 金额 the broker's opening balance, their relationships CHK02 records designated (0); a refused one is neither", () => {
    books.openBankAccount({ bankAccountNo: '6222000000000004', name: '赵六', idType: '10', idNumber: '110101198004045678', password: ClearPin.of(PIN), currency: 'CNY', balance: Money.zero() });
    const refused = started(books.beginDesignation({ fundAccountNo: '100000000004', currency: 'CNY', bankAccountNo: '6222000000000004' }));
    books.settleOpening(refused.ref, { returnCode: '3013' });
    const designated = started(books.beginDesignation({ fundAccountNo: '100000000004', currency: 'CNY', bankAccountNo: '6222000000000004' }));
    books.settleOpening(designated.ref, { returnCode: '0000', counterpartSerial: 'S7', openingBalance: Money.parse('88.80') });
    const registered = started(books.beginCurrencyRegistration({ fundAccountNo: '100000000004', currency: 'USD' }));
    books.settleOpening(registered.ref, { returnCode: '0000', counterpartSerial: 'S8', openingBalance: Money.zero() });

    const snap = snapshot();

    const opened = (functionCode: string, serialNo: string, currency: string, amount: Money) =>
      expect.objectContaining({ functionCode, initiator: 'B', bankSerialNo: serialNo, brokerSerialNo: functionCode === '11001' ? 'S7' : 'S8', bankAccountNo: '6222000000000004', fundAccountNo: '100000000004', currency, amount, customerName: '赵六' });
    expect(snap.chk03.filter((r) => r.fundAccountNo === '100000000004')).toEqual([
      opened('11001', designated.ref.serial, 'CNY', Money.parse('88.80')),
      opened('11010', registered.ref.serial, 'USD', Money.zero()),
    ]);
    expect(snap.chk02.filter((r) => r.fundAccountNo === '100000000004')).toEqual([
      expect.objectContaining({ currency: 'CNY', bankAccountNo: '6222000000000004', status: '0' }),
      expect.objectContaining({ currency: 'USD', bankAccountNo: '6222000000000004', status: '0' }),
    ]);
  });

  it('every record of the snapshot is written and read back by the codec unchanged, a pre-designation without a bank account too', async () => {
    brokerTransfer('12001', '100.00');
    books.preDesignate({ ref: brokerRef(), fundAccountNo: '100000000002', currency: 'USD', customer: { name: '李四', idType: '10', idNumber: '110101199202022345' }, openingBalance: Money.parse('8.00') });
    const snap = snapshot();
    expect([snap.chk02.length, snap.chk03.length]).toEqual([2, 2]);
    for (const [type, records] of [
      ['CHK01', snap.chk01],
      ['CHK02', snap.chk02],
      ['CHK03', snap.chk03],
    ] as const) {
      const chunks: Buffer[] = [];
      for await (const chunk of writeDayFile(type, records)) chunks.push(chunk as Buffer);
      const read: unknown[] = [];
      for await (const record of readDayFile(type, Buffer.concat(chunks))) read.push(record);
      expect(read).toEqual(records);
    }
  });

  it('§5: a bank account change of D (11006 B) is a CHK03 record with the new account and 金额 0, and its relationship a CHK02 record with the new account', () => {
    books.openBankAccount({ bankAccountNo: '6222000000000002', name: '张三', idType: '10', idNumber: '110101199001011234', password: ClearPin.of(PIN), currency: 'CNY', balance: Money.zero() });
    const change = started(books.beginBankAccountChange({ fundAccountNo: FUND_ACCOUNT, currency: 'CNY', bankAccountNo: BANK_ACCOUNT, newBankAccountNo: '6222000000000002' }));
    books.settleBankAccountChange(change.ref, { returnCode: '0000', counterpartSerial: 'S9' });

    const snap = snapshot();

    expect(snap.chk03).toContainEqual(
      expect.objectContaining({ functionCode: '11006', initiator: 'B', bankSerialNo: change.ref.serial, bankAccountNo: '6222000000000002', fundAccountNo: FUND_ACCOUNT, amount: Money.zero() }),
    );
    expect(snap.chk02).toEqual([expect.objectContaining({ fundAccountNo: FUND_ACCOUNT, bankAccountNo: '6222000000000002', status: '0' })]);
  });

  it('§5: a customer data change of D (11005 B) is one CHK03 record with 金额 0 and the linked account; CHK02 does not list it (no custody state changed)', () => {
    books.openBankAccount({ bankAccountNo: '6222000000000004', name: '赵六', idType: '10', idNumber: '110101198808084567', password: ClearPin.of(PIN), currency: 'CNY', balance: Money.zero() });
    books.designate({ ref: brokerRef(), bankAccountNo: '6222000000000004', fundAccountNo: '100000000004', currency: 'CNY', customer: { name: '赵六', idType: '10', idNumber: '110101198808084567' }, password: accept, openingBalance: Money.zero() });
    const before = snapshot().chk02.length;
    const change = started(books.beginCustomerChange({ fundAccountNo: FUND_ACCOUNT }));
    books.settleCustomerChange(change.ref, { fundAccountNo: FUND_ACCOUNT, name: '张三丰' }, { returnCode: '0000' });

    const snap = snapshot();

    expect(snap.chk03.filter((record) => record.functionCode === '11005')).toEqual([
      expect.objectContaining({ initiator: 'B', bankSerialNo: change.ref.serial, bankAccountNo: BANK_ACCOUNT, fundAccountNo: FUND_ACCOUNT, currency: 'CNY', amount: Money.zero(), customerName: '张三丰' }),
    ]);
    expect(snap.chk02).toHaveLength(before);
  });

  it('§5: the broker’s 11011 of D is a CHK03 record (S, its serial, 金额 0, the bank account), and no CHK02 record: the custody state did not change; a refused one is not listed', () => {
    const frozen = brokerRef();
    books.changeStatusFromBroker({ ref: frozen, fundAccountNo: FUND_ACCOUNT, bankAccountNo: BANK_ACCOUNT, accountState: 'FROZEN' });
    books.changeStatusFromBroker({ ref: brokerRef(), fundAccountNo: FUND_ACCOUNT, bankAccountNo: BANK_ACCOUNT, accountState: 'FROZEN' });

    const snap = snapshot();

    expect(snap.chk03.filter((r) => r.functionCode === '11011')).toEqual([
      expect.objectContaining({ initiator: 'S', brokerSerialNo: frozen.serial, bankAccountNo: BANK_ACCOUNT, fundAccountNo: FUND_ACCOUNT, currency: 'CNY', amount: Money.zero() }),
    ]);
    expect(snap.chk02.map((r) => r.fundAccountNo)).toEqual([FUND_ACCOUNT]);
  });

  it('§5: a cancellation of D (11004 B) is a CHK03 record with 金额 0 and the bank account; its relationship a CHK02 record cancelled (2) with the account it had', () => {
    const cancellation = started(books.beginCancellation({ fundAccountNo: FUND_ACCOUNT, currency: 'CNY' }));
    books.settleCancellation(cancellation.ref, { returnCode: '0000', counterpartSerial: 'S7' });

    const snap = snapshot();

    expect(snap.chk03).toContainEqual(
      expect.objectContaining({ functionCode: '11004', initiator: 'B', bankSerialNo: cancellation.ref.serial, brokerSerialNo: 'S7', bankAccountNo: BANK_ACCOUNT, fundAccountNo: FUND_ACCOUNT, amount: Money.zero() }),
    );
    expect(snap.chk02).toEqual([expect.objectContaining({ fundAccountNo: FUND_ACCOUNT, bankAccountNo: BANK_ACCOUNT, status: '2' })]);
  });

  it('§5: a cancellation the broker refused is listed nowhere', () => {
    const before = snapshot();
    const cancellation = started(books.beginCancellation({ fundAccountNo: FUND_ACCOUNT, currency: 'CNY' }));
    books.settleCancellation(cancellation.ref, { returnCode: '5316' });
    expect(snapshot()).toEqual(before);
  });

  it('every record of the snapshot is written and read back by the codec unchanged, a pre-designation without a bank account too', async () => {
    brokerTransfer('12001', '100.00');
    books.preDesignate({ ref: brokerRef(), fundAccountNo: '100000000002', currency: 'USD', customer: { name: '李四', idType: '10', idNumber: '110101199202022345' }, openingBalance: Money.parse('8.00') });
    const snap = snapshot();
    expect([snap.chk02.length, snap.chk03.length]).toEqual([2, 2]);
    for (const [type, records] of [
      ['CHK01', snap.chk01],
      ['CHK02', snap.chk02],
      ['CHK03', snap.chk03],
    ] as const) {
      const chunks: Buffer[] = [];
      for await (const chunk of writeDayFile(type, records)) chunks.push(chunk as Buffer);
      const read: unknown[] = [];
      for await (const record of readDayFile(type, Buffer.concat(chunks))) read.push(record);
      expect(read).toEqual(records);
    }
  });
});
