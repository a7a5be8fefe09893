import { cancellationRefusal } from './cancellation-decisions';

const designated = { status: 'DESIGNATED', accountStatus: 'NORMAL', bankCode: '1021000' } as const;

describe('F-3.8 S: what account refuses before a cancellation is sent', () => {
  it.each(['DESIGNATED', 'PRE_DESIGNATED'] as const)('a %s relationship, normal and not being cancelled, goes on to the ledger', (status) => {
    expect(cancellationRefusal('880001', 'CNY', { relationship: { ...designated, status }, cancellationPending: false })).toBeUndefined();
  });

  it('no relationship in the currency is RELATIONSHIP_NOT_ACTIVE', () => {
    expect(cancellationRefusal('880001', 'USD', { cancellationPending: false })).toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
  });

  it('a designation still awaiting the bank is RELATIONSHIP_NOT_ACTIVE', () => {
    expect(cancellationRefusal('880001', 'CNY', { relationship: { ...designated, status: 'PENDING' }, cancellationPending: false })).toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
  });

  it('a cancellation already under way is RELATIONSHIP_CHANGING', () => {
    expect(cancellationRefusal('880001', 'CNY', { relationship: designated, cancellationPending: true })).toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
  });

  it.each(['FROZEN', 'LOST'] as const)('11011: a %s relationship is RELATIONSHIP_FROZEN, the detail saying frozen', (accountStatus) => {
    const refusal = cancellationRefusal('880001', 'CNY', { relationship: { ...designated, accountStatus }, cancellationPending: false });
    expect(refusal).toMatchObject({ code: 'RELATIONSHIP_FROZEN' });
    expect(refusal?.detail).toContain('frozen');
  });
});
