import { INSTRUCTION_CODES } from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { BANK_CODE, bankReplyHeaderFor } from '../testing/bank-session.fake';
import type { BankCall } from './bank-call.types';
import { replyToCompletion } from './reply-to-completion.mapper';
import { aBankCall } from '../testing/bank-call.fixture';

const base: BankCall = aBankCall({ amount: undefined, bankAccountNo: undefined });

describe('reply → completion', () => {
  it('F-4.2 S: a 0000 reply is REPLIED with the code, and the reply Ref as bankSerialNo', () => {
    const completion = replyToCompletion(base, {
      name: 'Trf.002.01',
      body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.SECURITIES_TO_BANK, base.serialNo, 'B20261121000042'), Rst: { Code: '0000', Info: '交易成功' }, TrfAmt: Money.parse('300.00') },
    });
    expect(completion).toEqual({
      callId: base.callId,
      bankCode: BANK_CODE,
      function: 'SECURITIES_TO_BANK',
      serialNo: base.serialNo,
      outcome: 'REPLIED',
      returnCode: '0000',
      returnMessage: '交易成功',
      bankSerialNo: 'B20261121000042',
    });
  });

  it('a rejection is still REPLIED (the bank answered); the message falls back to the §7.23 wording', () => {
    const completion = replyToCompletion(base, {
      name: 'Trf.002.01',
      body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.SECURITIES_TO_BANK, base.serialNo, 'B2'), Rst: { Code: '1002' } },
    });
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '1002', returnMessage: '银行账户余额不足' });
  });

  it('F-3.3 S: the 11001 reply carries the custody account as BkAcct Type 2', () => {
    const completion = replyToCompletion(
      { ...base, function: 'DESIGNATE' },
      {
        name: 'Acmt.002.01',
        body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.DESIGNATE, base.serialNo, 'B3'), Rst: { Code: '0000' }, BkAcct: { Id: '102100088000001', Type: '2' } },
      },
    );
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '0000', custodyAccountNo: '102100088000001' });
  });

  it('a BkAcct of another type is not taken for the custody account', () => {
    const completion = replyToCompletion(
      { ...base, function: 'DESIGNATE' },
      { name: 'Acmt.002.01', body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.DESIGNATE, base.serialNo, 'B4'), Rst: { Code: '0000' }, BkAcct: { Id: '6222', Type: '1' } } },
    );
    expect(completion.custodyAccountNo).toBeUndefined();
  });

  it('F-3.10 S: the 11009 reply gives BkBal Type 0 as the balance and Type 1 as the available balance', () => {
    const completion = replyToCompletion(
      { ...base, function: 'QUERY_BANK_BALANCE' },
      {
        name: 'Acmt.010.01',
        body: {
          MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.QUERY_BANK_BALANCE, base.serialNo, 'B6'),
          Rst: { Code: '0000' },
          BkBal: [
            { Type: '1', Bal: Money.parse('51800.00') },
            { Type: '0', Bal: Money.parse('52000.00') },
          ],
        },
      },
    );
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '0000', bankSerialNo: 'B6' });
    expect(completion.bankBalances?.balance.toString()).toBe('52000.00');
    expect(completion.bankBalances?.available.toString()).toBe('51800.00');
  });

  it('F-3.10 S: an 11009 reply lacking the available balance answers no balances (the saga does not guess one)', () => {
    const completion = replyToCompletion(
      { ...base, function: 'QUERY_BANK_BALANCE' },
      {
        name: 'Acmt.010.01',
        body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.QUERY_BANK_BALANCE, base.serialNo, 'B7'), Rst: { Code: '0000' }, BkBal: [{ Type: '0', Bal: Money.parse('52000.00') }] },
      },
    );
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '0000' });
    expect(completion.bankBalances).toBeUndefined();
  });

  it('F-3.11 S: the 11007 reply is its code: a mismatch (5011) is REPLIED with the code, for the saga to read', () => {
    const completion = replyToCompletion(
      { ...base, function: 'CHECK_IDENTITY' },
      { name: 'Acmt.010.01', body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.IDENTITY_CHECK, base.serialNo, 'B8'), Rst: { Code: '5011' } } },
    );
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '5011', bankSerialNo: 'B8' });
    expect(completion.bankBalances).toBeUndefined();
  });

  it('11011 S: the Acmt.006.01 reply is REPLIED with its code and the bank serial', () => {
    const completion = replyToCompletion(
      { ...base, function: 'CHANGE_ACCOUNT_STATUS' },
      { name: 'Acmt.006.01', body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS, base.serialNo, 'B9'), Rst: { Code: '0000' } } },
    );
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '0000', bankSerialNo: 'B9', function: 'CHANGE_ACCOUNT_STATUS' });
  });

  it('F-4.6: the 12005 reply gives the original result (OrgRst) as originalReturnCode', () => {
    const completion = replyToCompletion(
      { ...base, function: 'QUERY_RESULT', queriedSerialNo: '20261121200000000000' },
      { name: 'Trf.006.01', body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.QUERY_RESULT, base.serialNo, 'B5'), Rst: { Code: '0000' }, OrgRst: { Code: '1027' } } },
    );
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '0000', originalReturnCode: '1027' });
  });

  const summaryCall: BankCall = { ...base, function: 'SUMMARY_CHECK', fundAccountNo: undefined, currency: undefined };
  const ours = { DpstNum: 3, DpstAmt: Money.parse('1500.50'), WtdrNum: 2, WtdrAmt: Money.parse('0', 'non-negative') };

  it('bank-protocol.md §7 step 4: a 13010 answered 0000 gives summaryCheck: ChkRst as checkReturnCode and BkEntry as the bank\'s figures (amounts as Money)', () => {
    const completion = replyToCompletion(summaryCall, {
      name: 'Stmt.002.01',
      body: {
        MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.RECONCILE_TRANSFER_SUMMARY, base.serialNo, 'B6'),
        Rst: { Code: '0000' },
        RecNum: 1,
        TrfSumCnfm: [{ BkEntry: { DpstNum: 4, DpstAmt: Money.parse('2000'), WtdrNum: 2, WtdrAmt: Money.parse('0', 'non-negative') }, ScEntry: ours, ChkRst: { Code: '5208' } }],
      },
    });
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '0000', bankSerialNo: 'B6' });
    expect(completion.summaryCheck).toEqual({
      checkReturnCode: '5208',
      bank: { depositCount: 4, depositAmount: Money.parse('2000.00'), withdrawalCount: 2, withdrawalAmount: Money.parse('0.00', 'non-negative') },
    });
  });

  it('a 13010 verdict without BkEntry has no bank figures; a refused 13010 (e.g. 1032 outside its phase) has no verdict at all', () => {
    const matched = replyToCompletion(summaryCall, {
      name: 'Stmt.002.01',
      body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.RECONCILE_TRANSFER_SUMMARY, base.serialNo, 'B7'), Rst: { Code: '0000' }, TrfSumCnfm: [{ ScEntry: ours, ChkRst: { Code: '0000' } }] },
    });
    expect(matched.summaryCheck).toEqual({ checkReturnCode: '0000' });
    const refused = replyToCompletion(summaryCall, {
      name: 'Stmt.002.01',
      body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.RECONCILE_TRANSFER_SUMMARY, base.serialNo, 'B8'), Rst: { Code: '1032' } },
    });
    expect(refused).toMatchObject({ outcome: 'REPLIED', returnCode: '1032' });
    expect(refused.summaryCheck).toBeUndefined();
  });
});
