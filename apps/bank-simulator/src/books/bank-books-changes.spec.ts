import { ClearPin, sequentialRefIssuer } from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { takeSnapshot } from '../day-close/bank-snapshot';
import { BankBooks } from './bank-books';
import type { BrokerBankAccountChangeInput, BankInitiatedStart, PasswordProof, TransactionRef } from './book-records';

const BANK = '1021000';
const BROKER = '10000001';
const PIN = '135790';
const D = '2026-03-02';
const FUND_ACCOUNT = '100000000001';
const OLD = '6222000000000001';
const NEW = '6222000000000002';
const HOLDER = { name: '张三', idType: '10', idNumber: '110101199001011234' } as const;

const rightPassword: PasswordProof = (pin) => pin.equals(ClearPin.of(PIN));
const wrongPassword: PasswordProof = (pin) => pin.equals(ClearPin.of('000000'));

let books: BankBooks;
let serial = 0;

function ref(): TransactionRef {
  serial += 1;
  return { issuerType: 'S', issuerId: BROKER, serial: `S${String(serial).padStart(8, '0')}` };
}

function openAccount(bankAccountNo: string, holder: { name: string; idType: string; idNumber: string } = HOLDER) {
  books.openBankAccount({ bankAccountNo, ...holder, password: ClearPin.of(PIN), currency: 'CNY', balance: Money.parse('1000.00') });
}

function designate(fundAccountNo = FUND_ACCOUNT, bankAccountNo = OLD) {
  const outcome = books.designate({ ref: ref(), bankAccountNo, fundAccountNo, currency: 'CNY', customer: HOLDER, password: rightPassword, openingBalance: Money.zero() });
  if (outcome.kind === 'rejected' || outcome.record.returnCode !== '0000') throw new Error('designation refused');
}

function change(overrides: Partial<BrokerBankAccountChangeInput> = {}): BrokerBankAccountChangeInput {
  return { ref: ref(), fundAccountNo: FUND_ACCOUNT, currency: 'CNY', oldBankAccountNo: OLD, newBankAccountNo: NEW, passwordGiven: false, ...overrides };
}

function codeOf(outcome: ReturnType<BankBooks['changeBankAccount']>): string {
  return outcome.kind === 'rejected' ? outcome.returnCode : outcome.record.returnCode;
}

function linkedAccount(): string | null | undefined {
  return books.listCustodyAccounts({ fundAccountNo: FUND_ACCOUNT })[0]?.bankAccountNo;
}

function deposit(bankAccountNo: string): string {
  return codeOf(books.bankToSecurities({ ref: ref(), bankAccountNo, fundAccountNo: FUND_ACCOUNT, currency: 'CNY', amount: Money.parse('10.00'), password: rightPassword }));
}

function started(start: BankInitiatedStart) {
  if (start.kind !== 'started') throw new Error(start.info);
  return start.record;
}

function snapshot() {
  return takeSnapshot(D, books.listTransactions(), books, { bankInstId: BANK, brokerInstId: BROKER });
}

beforeEach(() => {
  books = new BankBooks({
    bankCode: BANK,
    summaryAccount: '102100000000000001',
    serials: sequentialRefIssuer('B'),
    custodyNumbers: sequentialRefIssuer('8'),
    clock: () => new Date('2026-03-02T02:00:00Z'),
    firstDate: D,
  });
  openAccount(OLD);
  openAccount(NEW);
  designate();
});

describe('F-3.4 S: the broker changes the bank settlement account (11006)', () => {
  it('profile §4.1: the custody account takes the new account; the broker’s transfers name it from then on, the old one is 1016', () => {
    const outcome = books.changeBankAccount(change({ passwordGiven: true, password: rightPassword }));
    expect(outcome).toMatchObject({ kind: 'processed', record: { instrCd: '11006', status: 'SUCCEEDED', returnCode: '0000', bankAccountNo: NEW, amount: Money.zero() } });
    expect(linkedAccount()).toBe(NEW);
    expect(deposit(NEW)).toBe('0000');
    expect(deposit(OLD)).toBe('1016');
  });

  it('profile §4.1: no bank password is needed; one given is checked against the old account', () => {
    expect(codeOf(books.changeBankAccount(change()))).toBe('0000');
  });

  it.each([
    ['1016 an old account that is not the linked one', { oldBankAccountNo: NEW, newBankAccountNo: OLD }, '1016'],
    ['1016 a fund account with no custody here', { fundAccountNo: '100000000009' }, '1016'],
    ['1017 the new account is the old one', { newBankAccountNo: OLD }, '1017'],
    ['1001 a wrong bank password', { passwordGiven: true, password: wrongPassword }, '1001'],
    ['1001 a password that cannot be read', { passwordGiven: true, password: undefined }, '1001'],
    ['1014 a new account the bank does not have', { newBankAccountNo: '6222000000000099' }, '1014'],
  ])('refuses %s and changes nothing', (_what, overrides, code) => {
    expect(codeOf(books.changeBankAccount(change(overrides)))).toBe(code);
    expect(linkedAccount()).toBe(OLD);
  });

  it('5016: a new account of another person is refused, nothing changed', () => {
    openAccount('6222000000000003', { ...HOLDER, name: '李四', idNumber: '110101199001019999' });
    expect(codeOf(books.changeBankAccount(change({ newBankAccountNo: '6222000000000003' })))).toBe('5016');
    expect(linkedAccount()).toBe(OLD);
  });

  it('5002: a new account already linked to another fund account is refused', () => {
    openAccount('6222000000000004');
    designate('100000000002', '6222000000000004');
    expect(codeOf(books.changeBankAccount(change({ newBankAccountNo: '6222000000000004' })))).toBe('5002');
  });

  it('5218: a frozen custody account keeps its account', () => {
    const status = started(books.beginStatusChange({ fundAccountNo: FUND_ACCOUNT }));
    books.settleStatusChange(status.ref, 'FROZEN', { returnCode: '0000' });
    expect(codeOf(books.changeBankAccount(change()))).toBe('5218');
    expect(linkedAccount()).toBe(OLD);
  });

  it('profile §4 idempotency: a resend of the Ref gets the first reply and changes nothing again; other content under it is 1004', () => {
    const first = change();
    const done = books.changeBankAccount(first);
    expect(books.changeBankAccount(first)).toEqual({ kind: 'replayed', record: done.kind === 'rejected' ? undefined : done.record });
    expect(codeOf(books.changeBankAccount({ ...first, newBankAccountNo: '6222000000000099' }))).toBe('1004');
  });

  it('bank-protocol.md §5: CHK02 and CHK03 list the change with the new account, 金额 0', () => {
    books.changeBankAccount(change());
    const { chk02, chk03 } = snapshot();
    expect(chk02).toEqual([expect.objectContaining({ fundAccountNo: FUND_ACCOUNT, bankAccountNo: NEW, status: '0' })]);
    expect(chk03.map((r) => [r.functionCode, r.bankAccountNo, r.amount.toString()])).toEqual([
      ['11001', OLD, '0.00'],
      ['11006', NEW, '0.00'],
    ]);
  });
});

describe('F-3.5 S: the broker changes its customer’s data (11005)', () => {
  const NEW_DATA = { name: '张三丰', idType: '10', idNumber: '110101199001015678', mobile: '13800000000', address: '北京市西城区金融街 1 号' };

  it('the broker’s record prevails: the linked bank account’s holder takes the new name, ID document and contact data', () => {
    const outcome = books.changeCustomer({ ref: ref(), fundAccountNo: FUND_ACCOUNT, customer: NEW_DATA });
    expect(outcome).toMatchObject({ kind: 'processed', record: { instrCd: '11005', status: 'SUCCEEDED', currency: 'CNY', bankAccountNo: OLD, amount: Money.zero() } });
    expect(books.bankAccount(OLD)).toMatchObject({ name: '张三丰', idType: '10', idNumberMasked: '************5678', contact: { mobile: '13800000000', address: NEW_DATA.address } });
    expect(books.holderOf(OLD)).toEqual({ name: '张三丰', idType: '10', idNumber: NEW_DATA.idNumber });
    expect(books.bankAccount(NEW)?.name).toBe('张三');
  });

  it('a contact field the request leaves out is kept', () => {
    books.changeCustomer({ ref: ref(), fundAccountNo: FUND_ACCOUNT, customer: NEW_DATA });
    books.changeCustomer({ ref: ref(), fundAccountNo: FUND_ACCOUNT, customer: { ...HOLDER, email: 'z@example.com' } });
    expect(books.bankAccount(OLD)).toMatchObject({ name: '张三', contact: { mobile: '13800000000', email: 'z@example.com' } });
  });

  it('a pre-designated custody account’s recorded holder takes it too', () => {
    books.preDesignate({ ref: ref(), fundAccountNo: '100000000002', currency: 'CNY', customer: HOLDER, openingBalance: Money.zero() });
    books.changeCustomer({ ref: ref(), fundAccountNo: '100000000002', customer: NEW_DATA });
    const [custody] = books.listCustodyAccounts({ fundAccountNo: '100000000002' });
    expect(books.custodyHolderOf(custody.custodyAccountNo)).toMatchObject({ name: '张三丰', idNumber: NEW_DATA.idNumber });
  });

  it('1016: a fund account with no custody account here; 5219: one reported lost — nothing changed', () => {
    expect(books.changeCustomer({ ref: ref(), fundAccountNo: '100000000009', customer: NEW_DATA })).toMatchObject({ record: { status: 'FAILED', returnCode: '1016' } });
    const status = started(books.beginStatusChange({ fundAccountNo: FUND_ACCOUNT }));
    books.settleStatusChange(status.ref, 'LOST', { returnCode: '0000' });
    expect(books.changeCustomer({ ref: ref(), fundAccountNo: FUND_ACCOUNT, customer: NEW_DATA })).toMatchObject({ record: { status: 'FAILED', returnCode: '5219' } });
    expect(books.holderOf(OLD)).toEqual(HOLDER);
  });

  it('profile §4 idempotency: a resend of the Ref gets the first reply; other content under it is 1004', () => {
    const request = { ref: ref(), fundAccountNo: FUND_ACCOUNT, customer: NEW_DATA };
    books.changeCustomer(request);
    expect(books.changeCustomer(request)).toMatchObject({ kind: 'replayed', record: { returnCode: '0000' } });
    expect(books.changeCustomer({ ...request, customer: { ...NEW_DATA, name: '王五' } })).toMatchObject({ kind: 'rejected', returnCode: '1004' });
  });

  it('bank-protocol.md §5: CHK03 lists the 11005 (金额 0, the fund account’s first currency); CHK02 does not', () => {
    const before = snapshot().chk02.length;
    books.changeCustomer({ ref: ref(), fundAccountNo: FUND_ACCOUNT, customer: NEW_DATA });
    const { chk02, chk03 } = snapshot();
    expect(chk02).toHaveLength(before);
    expect(chk03.at(-1)).toMatchObject({ functionCode: '11005', initiator: 'S', fundAccountNo: FUND_ACCOUNT, bankAccountNo: OLD, currency: 'CNY', customerName: '张三丰' });
    expect(chk03.at(-1)?.amount.toString()).toBe('0.00');
  });
});
