import { Money } from '@custody/money';
import { InvalidSagaPayload, withPayload } from '../engine/saga-flow';
import type { SagaRow } from '../engine/saga-store';
import { transferSagaPayload } from './transfer-saga.payload';

describe('a saga payload read back from the database', () => {
  const request = {
    transferId: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
    type: 'BANK_TO_SECURITIES',
    serialNo: '20261121200000000001',
    businessDate: '2026-11-21',
    fundAccountNo: '10000001',
    currency: 'CNY',
    amount: '100.00',
    bankCode: '1021000',
    bankAccountNo: '6200000001',
  };
  const row = (payload: Record<string, unknown>): SagaRow => ({ saga_id: 'a1b2', kind: 'TRANSFER', subject_id: request.transferId, state: 'UNKNOWN', bank_code: '1021000', payload, current_call_id: null, attempt: 2 });

  it('is validated against its flow\'s schema, keeping what the saga learned on the way, its amount a Money', () => {
    const payload = { ...request, reversal: { serialNo: '20261121300000000009', businessDate: '2026-11-21' }, reversalNotOffered: true };
    const read = withPayload(row(payload), transferSagaPayload).payload;
    expect(read).toEqual({ ...payload, amount: expect.any(Money) });
    expect(read.amount.equals(Money.parse('100.00'))).toBe(true);
  });

  it('that fails validation is an error naming the saga and what is wrong, never a silent cast', () => {
    const { amount: _amount, ...withoutAmount } = request;
    expect(() => withPayload(row({ ...withoutAmount, reversal: { serialNo: '' } }), transferSagaPayload)).toThrow(InvalidSagaPayload);
    expect(() => withPayload(row(withoutAmount), transferSagaPayload)).toThrow(/saga a1b2 .*amount: an amount must be a decimal string/);
  });
});
