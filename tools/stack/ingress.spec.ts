import { routeFor } from './ingress';

const routes = { account: 'A', transfer: 'T', saga: 'S', reconciliation: 'R' };

describe('local ingress routing (api.md: one base URL, by path prefix to the owning service)', () => {
  it.each([
    ['/v1/customers/C1', 'A'],
    ['/v1/fund-accounts', 'A'],
    ['/v1/fund-accounts/F1', 'A'],
    ['/v1/fund-accounts/F1/make-primary', 'A'],
    ['/v1/custody/designations', 'A'],
    ['/v1/conversion/batches?requestId=b-1', 'A'],
    ['/v1/conversion/account-cleanup', 'A'],
    ['/v1/fund-accounts/F1/balances', 'T'],
    ['/v1/fund-accounts/F1/holds', 'T'],
    ['/v1/fund-accounts/F1/statement?currency=CNY', 'T'],
    ['/v1/holds/6f9619ff-8b86-4011-b42d-00c04fc964ff', 'T'],
    ['/v1/transfers?waitMs=5000', 'T'],
    ['/v1/transfers/6f9619ff-8b86-4011-b42d-00c04fc964ff', 'T'],
    ['/v1/adjustments/6f9619ff-8b86-4011-b42d-00c04fc964ff', 'T'],
    ['/v1/adjustments/6f9619ff-8b86-4011-b42d-00c04fc964ff/approve', 'T'],
    ['/v1/banks', 'S'],
    ['/v1/day', 'S'],
    ['/v1/day/2026-11-23/close', 'S'],
    ['/v1/reconciliation/2026-11-23?bankCode=1021000', 'R'],
    ['/v1/reconciliation/2026-11-23/files', 'R'],
    ['/v1/reconciliation/2026-11-23/files/B_CHK01_20261123.gz?bankCode=1021000', 'R'],
  ])('%s → %s', (path, owner) => {
    expect(routeFor(path, routes)).toBe(owner);
  });

  it('refuses paths no service owns', () => {
    expect(routeFor('/v1/nothing', routes)).toBeUndefined();
    expect(routeFor('/v1/transfersX', routes)).toBeUndefined();
    expect(routeFor('/v1/reconciliationX', routes)).toBeUndefined();
    // The day-file store is internal: the public ingress never routes it.
    expect(routeFor('/internal/v1/day-files/1021000/B_CHK01_20261123.gz', routes)).toBeUndefined();
  });
});
