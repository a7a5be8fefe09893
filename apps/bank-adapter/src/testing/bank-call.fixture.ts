import type { BankCall } from '../calls/bank-call.types';
import { BANK_CODE } from './bank-session.fake';
import { Money } from '@custody/money';

/** Long enough that no test's own pace spends it; tests of the budget rule set their own. */
const SEND_WITHIN_MS = 60_000;

/** A securities→bank call as the saga sends it; tests change only what they are about. */
export function aBankCall(overrides: Partial<BankCall> = {}): BankCall {
  return {
    callId: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
    bankCode: BANK_CODE,
    function: 'SECURITIES_TO_BANK',
    serialNo: '20261121200000000001',
    businessDate: '2026-11-21',
    resend: false,
    sendWithinMs: SEND_WITHIN_MS,
    fundAccountNo: '880001',
    currency: 'CNY',
    amount: Money.parse('300.00'),
    bankAccountNo: '6222021234567890123',
    ...overrides,
  };
}
