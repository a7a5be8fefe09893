import type { JournalRow } from './account-function.repository';
import { fundAccountJournal, requesterOf } from './relationship-history';

const AT = new Date('2026-11-24T02:03:04.000Z');

function row(overrides: Partial<JournalRow>): JournalRow {
  return {
    relationshipId: 'r1',
    bankCode: '1021000',
    currency: 'CNY',
    businessDate: '2026-11-24',
    functionCode: '11001',
    initiator: 'S',
    brokerSerialNo: '20261124100000000001',
    bankSerialNo: 'B0001',
    requestedBy: 'u-trading@idp',
    statusAfter: 'DESIGNATED',
    accountStatusAfter: 'NORMAL',
    outcome: 'SUCCEEDED',
    failure: null,
    occurredAt: AT,
    ...overrides,
  };
}

describe('issue 10: a relationship history says who, when, which serial and from which side', () => {
  it('who: the principal for a broker-started function, the bank for its own; nobody invented where none was kept', () => {
    expect(requesterOf({ initiator: 'S', bankCode: '1021000', requestedBy: 'u-trading@idp' })).toBe('u-trading@idp');
    expect(requesterOf({ initiator: 'B', bankCode: '1021000', requestedBy: null })).toBe('bank:1021000');
    expect(requesterOf({ initiator: 'S', bankCode: '1021000', requestedBy: null })).toBeUndefined();
  });

  it("bank-protocol.md §5: the serial is the initiator's (what the day files match by), the other side's beside it", () => {
    const { histories } = fundAccountJournal([
      row({}),
      row({ functionCode: '11011', initiator: 'B', bankSerialNo: 'B0002', brokerSerialNo: null, requestedBy: null, accountStatusAfter: 'FROZEN' }),
    ]);
    expect(histories.get('r1')).toEqual([
      { at: AT.toISOString(), status: 'DESIGNATED', accountStatus: 'NORMAL', function: '11001', initiator: 'S', serialNo: '20261124100000000001', counterpartSerialNo: 'B0001', by: 'u-trading@idp', businessDate: '2026-11-24' },
      { at: AT.toISOString(), status: 'DESIGNATED', accountStatus: 'FROZEN', function: '11011', initiator: 'B', serialNo: 'B0002', by: 'bank:1021000', businessDate: '2026-11-24' },
    ]);
  });

  it("each relationship keeps its own entries in the journal's order; a failed request is no change of any", () => {
    const { histories, failedRequests } = fundAccountJournal([
      row({ relationshipId: 'r0', functionCode: '11001', outcome: 'FAILED', statusAfter: null, bankSerialNo: null, failure: { code: 'BANK_REJECTED', bankReturnCode: '1001', message: '密码错' } }),
      row({ relationshipId: 'r1', functionCode: '11002', brokerSerialNo: 'S2', statusAfter: 'PRE_DESIGNATED' }),
      row({ relationshipId: 'r2', currency: 'USD', brokerSerialNo: 'S3' }),
      row({ relationshipId: 'r1', functionCode: '11003', initiator: 'B', bankSerialNo: 'B4', brokerSerialNo: null, requestedBy: null }),
    ]);
    expect(histories.get('r0')).toBeUndefined();
    expect(histories.get('r1')?.map((entry) => [entry.function, entry.status])).toEqual([
      ['11002', 'PRE_DESIGNATED'],
      ['11003', 'DESIGNATED'],
    ]);
    expect(histories.get('r2')?.map((entry) => entry.serialNo)).toEqual(['S3']);
    expect(failedRequests).toEqual([
      {
        at: AT.toISOString(),
        function: '11001',
        initiator: 'S',
        serialNo: '20261124100000000001',
        by: 'u-trading@idp',
        businessDate: '2026-11-24',
        bankCode: '1021000',
        currency: 'CNY',
        failure: { code: 'BANK_REJECTED', bankReturnCode: '1001', message: '密码错' },
      },
    ]);
  });

  it('an 11011 from before account statuses were journaled shows no account status rather than a guessed one', () => {
    const { histories } = fundAccountJournal([row({ functionCode: '11011', initiator: 'B', bankSerialNo: 'B9', accountStatusAfter: null })]);
    expect(histories.get('r1')?.[0]).not.toHaveProperty('accountStatus');
  });
});
