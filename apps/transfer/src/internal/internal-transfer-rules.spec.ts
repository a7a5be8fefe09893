import type { LedgerAccount } from '../ledger/ledger-account.entity';
import { assertInternalTransferAllowed } from './internal-transfer-rules';

const account = (fundAccountNo: string, role: 'PRIMARY' | 'AUXILIARY', rest: Partial<LedgerAccount> = {}): LedgerAccount =>
  ({ fundAccountNo, currency: 'CNY', customerNo: 'C1', role, balance: '0', held: '0', bankCode: '1021000', bankAccountNo: '62', custodyStatus: 'DESIGNATED', accountStatus: 'NORMAL', closedFor: null, ...rest }) as LedgerAccount;

describe('F-4.7 internal transfer rules (domain.md §13)', () => {
  it('allows primary → auxiliary and auxiliary → primary of one customer', () => {
    expect(() => assertInternalTransferAllowed(account('P', 'PRIMARY'), account('A', 'AUXILIARY', { bankCode: '1051000' }))).not.toThrow();
    expect(() => assertInternalTransferAllowed(account('A', 'AUXILIARY', { bankCode: '1051000' }), account('P', 'PRIMARY'))).not.toThrow();
  });

  it('refuses auxiliary → auxiliary', () => {
    expect(() => assertInternalTransferAllowed(account('A1', 'AUXILIARY'), account('A2', 'AUXILIARY'))).toThrow(expect.objectContaining({ code: 'AUXILIARY_TO_AUXILIARY_FORBIDDEN' }));
  });

  it('refuses another customer\'s fund account before anything else', () => {
    expect(() => assertInternalTransferAllowed(account('A1', 'AUXILIARY'), account('A2', 'AUXILIARY', { customerNo: 'C2' }))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('refuses a fund account without a designated bank, on either side', () => {
    for (const status of ['NONE', 'PRE_DESIGNATED']) {
      expect(() => assertInternalTransferAllowed(account('P', 'PRIMARY'), account('A', 'AUXILIARY', { custodyStatus: status }))).toThrow(expect.objectContaining({ code: 'RELATIONSHIP_NOT_ACTIVE' }));
      expect(() => assertInternalTransferAllowed(account('A', 'AUXILIARY', { custodyStatus: status }), account('P', 'PRIMARY'))).toThrow(expect.objectContaining({ code: 'RELATIONSHIP_NOT_ACTIVE' }));
    }
  });

  it.each(['FROZEN', 'LOST'] as const)('profile §4.1 "11011": refuses a %s relationship, on either side, naming the status', (accountStatus) => {
    const frozen = expect.objectContaining({ code: 'RELATIONSHIP_FROZEN', detail: expect.stringContaining(accountStatus) });
    expect(() => assertInternalTransferAllowed(account('P', 'PRIMARY'), account('A', 'AUXILIARY', { accountStatus }))).toThrow(frozen);
    expect(() => assertInternalTransferAllowed(account('A', 'AUXILIARY', { accountStatus }), account('P', 'PRIMARY'))).toThrow(frozen);
  });

  it('F-3.8: refuses a ledger closed while its cancellation is at the bank, on either side (RELATIONSHIP_CHANGING)', () => {
    const closedFor = '6f9619ff-8b86-4011-b42d-00c04fc964ff';
    const changing = expect.objectContaining({ code: 'RELATIONSHIP_CHANGING' });
    expect(() => assertInternalTransferAllowed(account('P', 'PRIMARY'), account('A', 'AUXILIARY', { closedFor }))).toThrow(changing);
    expect(() => assertInternalTransferAllowed(account('A', 'AUXILIARY', { closedFor }), account('P', 'PRIMARY'))).toThrow(changing);
  });
});
