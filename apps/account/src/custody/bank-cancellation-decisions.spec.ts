import { Money } from '@custody/money';
import { BANK_CANCELLATION_CODES, type BankCancellationFacts, type BankCancellationRequest, bankCancellationVerdict } from './bank-cancellation-decisions';

const BANK = '1021000';
const LINKED = '6222021234567890123';
const REQUEST: BankCancellationRequest = { bankCode: BANK, fundAccountNo: '880001', bankAccountNo: LINKED };
const DESIGNATED: BankCancellationFacts = { fundAccountExists: true, relationship: { status: 'DESIGNATED', bankCode: BANK, bankAccountNo: LINKED, brokerCancellationPending: false } };
const PRE_DESIGNATED: BankCancellationFacts = { fundAccountExists: true, relationship: { status: 'PRE_DESIGNATED', bankCode: BANK, bankAccountNo: null, brokerCancellationPending: false } };

describe('F-3.8 B: account decides on the relationship a bank cancels (11004)', () => {
  it('F-3.8: a designated relationship at this bank, named by its own bank account, is handed to the ledger (0000)', () => {
    expect(bankCancellationVerdict(REQUEST, DESIGNATED)).toEqual({ code: BANK_CANCELLATION_CODES.ACCEPTED });
  });

  it.each([
    ['no ScBal', {}],
    ['ScBal 0.00', { leavingBalance: Money.parse('0.00', 'non-negative') }],
  ])('profile §4.1: a cancellation carries %s leaving: accepted', (_case, fields) => {
    expect(bankCancellationVerdict({ ...REQUEST, ...fields }, DESIGNATED).code).toBe('0000');
  });

  it('profile §4.1 "11004": a pre-designated relationship may be cancelled without BkAcct (it has no bank account)', () => {
    expect(bankCancellationVerdict({ bankCode: BANK, fundAccountNo: '880001' }, PRE_DESIGNATED).code).toBe('0000');
  });

  it('profile §4.1: without ScAcct it is refused 2044', () => {
    expect(bankCancellationVerdict({ ...REQUEST, fundAccountNo: '' }, DESIGNATED).code).toBe('2044');
  });

  it('profile §4.1 "11004": a designated relationship named without BkAcct is refused 2044 (only a pre-designated one may leave it out)', () => {
    expect(bankCancellationVerdict({ bankCode: BANK, fundAccountNo: '880001' }, DESIGNATED).code).toBe('2044');
  });

  it('profile §4.1 "11004", §7.23: a positive ScBal is a change of custodian bank (F-3.6), not a cancellation: refused 2033 (此交易未开通) before anything is looked up', () => {
    const refusal = bankCancellationVerdict({ ...REQUEST, leavingBalance: Money.parse('0.01') }, { fundAccountExists: false });
    expect(refusal).toEqual({ code: '2033', why: expect.stringContaining('F-3.6') });
  });

  it('profile §4.1: an unknown fund account is refused 2011', () => {
    expect(bankCancellationVerdict(REQUEST, { fundAccountExists: false }).code).toBe('2011');
  });

  it.each([
    ['no relationship in the currency', { fundAccountExists: true }],
    ['a relationship at another bank', { fundAccountExists: true, relationship: { ...DESIGNATED.relationship!, bankCode: '1051000' } }],
    ['another bank account than the linked one', { fundAccountExists: true, relationship: { ...DESIGNATED.relationship!, bankAccountNo: '6222000000000000001' } }],
    ['a bank account named for a pre-designated relationship, which has none', PRE_DESIGNATED],
  ] as Array<[string, BankCancellationFacts]>)('profile §4.1: %s is not linked here: refused 2013', (_case, facts) => {
    expect(bankCancellationVerdict(REQUEST, facts).code).toBe('2013');
  });

  it('§7.23: a relationship whose designation still awaits the bank is in the wrong state: refused 3003 (对应关系状态错)', () => {
    expect(bankCancellationVerdict(REQUEST, { fundAccountExists: true, relationship: { status: 'PENDING', bankCode: BANK, bankAccountNo: LINKED, brokerCancellationPending: false } }).code).toBe('3003');
  });

  it('every refusal says why, for the log', () => {
    expect(bankCancellationVerdict(REQUEST, { fundAccountExists: false })).toEqual({ code: '2011', why: 'no such fund account' });
  });

  it("F-3.8: an 11004 of a relationship the broker's own cancellation is changing (its 11004 awaits the bank) is 3003, nothing handed on", () => {
    expect(bankCancellationVerdict(REQUEST, { fundAccountExists: true, relationship: { ...DESIGNATED.relationship!, brokerCancellationPending: true } }).code).toBe('3003');
  });
});
