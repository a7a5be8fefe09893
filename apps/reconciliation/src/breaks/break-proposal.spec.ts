import { randomUUID } from 'node:crypto';
import { Money } from '@custody/money';
import { transferRecord } from '../testing/day-file-builders';
import { proposeForTransfer, proposeManual } from './break-proposal';

const amount = (text: string) => Money.parse(text);
const of = (proposal: ReturnType<typeof proposeForTransfer>) => ({ kind: proposal.kind, amount: proposal.amount?.toString(), resolveTo: proposal.resolveTo });

describe("api.md: the adjustment each break proposes (the bank's record of a money movement stands)", () => {
  it.each([
    ['12001', 'CREDIT'],
    ['12004', 'CREDIT'],
    ['12002', 'DEBIT'],
    ['12003', 'DEBIT'],
  ] as const)('B, a %s the broker never booked → %s of the bank’s amount', (functionCode, kind) => {
    const bank = transferRecord({ initiator: 'B', functionCode, amount: amount('500.00'), fundAccountNo: '123' });
    const proposal = proposeForTransfer({ reason: 'B', bank });
    expect({ ...of(proposal), fundAccountNo: proposal.fundAccountNo, currency: proposal.currency }).toEqual({ kind, amount: '500.00', resolveTo: undefined, fundAccountNo: '123', currency: 'CNY' });
  });

  it.each([
    ['12001', 'DEBIT'],
    ['12004', 'DEBIT'],
    ['12002', 'CREDIT'],
    ['12003', 'CREDIT'],
  ] as const)('S, a %s the bank does not have → the inverse, %s', (functionCode, kind) => {
    expect(of(proposeForTransfer({ reason: 'S', broker: transferRecord({ initiator: 'S', functionCode, amount: amount('70.00') }) }))).toEqual({ kind, amount: '70.00', resolveTo: undefined });
  });

  it('B, the broker’s transfer is still UNKNOWN and the bank’s record agrees → RESOLVE_UNKNOWN to SUCCEEDED, naming the transfer, with its amount for four eyes', () => {
    const record = transferRecord({ initiator: 'S', functionCode: '12002', amount: amount('60000.00') });
    const transferId = randomUUID();
    const proposal = proposeForTransfer({ reason: 'B', bank: { ...record, bankSerialNo: '99' }, unknown: { transferId, record } });
    expect({ ...of(proposal), transferId: proposal.transferId }).toEqual({ kind: 'RESOLVE_UNKNOWN', amount: '60000.00', resolveTo: 'SUCCEEDED', transferId });
  });

  it('B, an UNKNOWN transfer the bank booked with other compared fields → MANUAL (resolving it would still leave a difference)', () => {
    const record = transferRecord({ initiator: 'S', amount: amount('60.00') });
    const proposal = proposeForTransfer({ reason: 'B', bank: { ...record, amount: amount('66.00') }, unknown: { transferId: randomUUID(), record } }, ['amount']);
    expect(proposal.kind).toBe('MANUAL');
    expect(proposal.reason).toContain('amount');
  });

  it('S, an UNKNOWN transfer the bank does not list → RESOLVE_UNKNOWN to FAILED (its hold released)', () => {
    const record = transferRecord({ initiator: 'S', functionCode: '12002', amount: amount('10.00') });
    const transferId = randomUUID();
    expect({ ...of(proposeForTransfer({ reason: 'S', unknown: { transferId, record } })), transferId }).toEqual({ kind: 'RESOLVE_UNKNOWN', amount: '10.00', resolveTo: 'FAILED', transferId });
  });

  it.each([
    ['12001', '100.00', '120.00', 'CREDIT', '20.00'],
    ['12001', '100.00', '80.00', 'DEBIT', '20.00'],
    ['12004', '100.00', '100.50', 'CREDIT', '0.50'],
    ['12002', '100.00', '120.00', 'DEBIT', '20.00'],
    ['12002', '100.00', '80.00', 'CREDIT', '20.00'],
    ['12003', '100.00', '99.99', 'CREDIT', '0.01'],
  ] as const)('X on amount alone, %s of %s at the broker and %s at the bank → %s %s, to the bank’s amount', (functionCode, broker, bank, kind, difference) => {
    const found = { reason: 'X' as const, broker: transferRecord({ initiator: 'S', functionCode, amount: amount(broker) }), bank: transferRecord({ initiator: 'S', functionCode, amount: amount(bank) }), differingFields: ['amount'] };
    expect(of(proposeForTransfer(found))).toEqual({ kind, amount: difference, resolveTo: undefined });
  });

  it('X on any other field, or on amount and another → MANUAL', () => {
    const broker = transferRecord({ initiator: 'B' });
    expect(proposeForTransfer({ reason: 'X', broker, bank: { ...broker, bankAccountNo: '9' }, differingFields: ['bankAccountNo'] }).kind).toBe('MANUAL');
    expect(proposeForTransfer({ reason: 'X', broker, bank: { ...broker, bankAccountNo: '9', amount: amount('1.00') }, differingFields: ['bankAccountNo', 'amount'] }).kind).toBe('MANUAL');
  });

  it('CHK02, CHK03, CHK04 breaks and operator cases → MANUAL, moving nothing', () => {
    expect(proposeManual('100', 'USD', 'X', 'status differs')).toEqual({ kind: 'MANUAL', fundAccountNo: '100', currency: 'USD', reason: 'X: status differs' });
    expect(proposeManual('100', 'CNY', null, 'REVERSAL_REFUSED_FUNDS_USED: …')).toMatchObject({ kind: 'MANUAL', reason: 'REVERSAL_REFUSED_FUNDS_USED: …' });
  });
});
