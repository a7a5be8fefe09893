import { stableCaseId } from './manual-cases';

describe('transfer.manual-case-raised: a case raised again is the same case', () => {
  it('the same cause and subject give the same caseId, a UUID of version 5', () => {
    const id = stableCaseId('REVERSAL_REFUSED_FUNDS_USED', '1021000', 'B0001');
    expect(stableCaseId('REVERSAL_REFUSED_FUNDS_USED', '1021000', 'B0001')).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('another subject or cause gives another caseId', () => {
    const id = stableCaseId('REVERSAL_REFUSED_FUNDS_USED', '1021000', 'B0001');
    expect(stableCaseId('REVERSAL_REFUSED_FUNDS_USED', '1021000', 'B0002')).not.toBe(id);
    expect(stableCaseId('CONFLICTING_OUTCOME', '1021000', 'B0001')).not.toBe(id);
  });
});
