import { Money } from '@custody/money';
import { checkInvariants, type HubTransfer, type Snapshot } from './invariants';

/** Books that agree, then one defect at a time: each must be named, and only it. */
function consistentBooks(): Snapshot {
  const transfers: HubTransfer[] = [
    { transferId: 't1', serialNo: 's1', type: 'BANK_TO_SECURITIES', initiator: 'S', status: 'SUCCEEDED', amount: '100.00', fundAccountNo: '100000000001', bankCode: 'A' },
    { transferId: 't2', serialNo: 's2', type: 'SECURITIES_TO_BANK', initiator: 'S', status: 'SUCCEEDED', amount: '30.00', fundAccountNo: '100000000001', bankCode: 'A' },
    { transferId: 't3', serialNo: 's3', type: 'SECURITIES_TO_BANK', initiator: 'S', status: 'FAILED', amount: '500.00', fundAccountNo: '100000000001', bankCode: 'A' },
    { transferId: 't4', serialNo: 'b1', type: 'BANK_TO_SECURITIES', initiator: 'B', status: 'REVERSED', amount: '9.00', fundAccountNo: '100000000002', bankCode: 'B' },
    { transferId: 't5', serialNo: 'b2', type: 'BANK_TO_SECURITIES', initiator: 'B', status: 'SUCCEEDED', amount: '20.00', fundAccountNo: '100000000002', bankCode: 'B' },
  ];
  return {
    accounts: [
      { fundAccountNo: '100000000001', relationships: [{ bankCode: 'A', custodyAccountNo: 'CA1', status: 'DESIGNATED' }], balance: '70.00', available: '70.00', frozen: '0.00' },
      { fundAccountNo: '100000000002', relationships: [{ bankCode: 'B', custodyAccountNo: 'CB2', status: 'DESIGNATED' }], balance: '20.00', available: '20.00', frozen: '0.00' },
    ],
    transfers,
    banks: [
      {
        bankCode: 'A',
        summary: '70.00',
        custody: [{ custodyAccountNo: 'CA1', fundAccountNo: '100000000001', balance: '70.00', status: 'NORMAL' }],
        records: new Map([
          ['s1', { status: 'SUCCEEDED', moved: true }],
          ['s2', { status: 'SUCCEEDED', moved: true }],
          ['s3', { status: 'FAILED', moved: false }],
        ]),
        openBankInitiated: [],
      },
      {
        bankCode: 'B',
        summary: '20.00',
        custody: [{ custodyAccountNo: 'CB2', fundAccountNo: '100000000002', balance: '20.00', status: 'NORMAL' }],
        records: new Map([
          ['b1', { status: 'REVERSED', moved: false }],
          ['b2', { status: 'SUCCEEDED', moved: true }],
        ]),
        openBankInitiated: [],
      },
    ],
    journal: { unbalancedPostings: [], effectByTransfer: new Map([['t1', '100.00'], ['t2', '-30.00'], ['t5', '20.00']]) },
  };
}

/**
 * The same books after the run's account functions (issue 10): 100000000003 cancelled at A at zero (F-3.8), and
 * 100000000004 moved from B to A with its 40.00 (F-3.6) — B's custody account closed, A's opened with the balance.
 */
function booksAfterAccountFunctions(): Snapshot {
  const books = consistentBooks();
  const [bankA, bankB] = books.banks as [Snapshot['banks'][number], Snapshot['banks'][number]];
  return {
    ...books,
    accounts: [
      ...books.accounts,
      { fundAccountNo: '100000000003', relationships: [{ bankCode: 'A', custodyAccountNo: 'CA3', status: 'CANCELLED' }], balance: '0.00', available: '0.00', frozen: '0.00' },
      {
        fundAccountNo: '100000000004',
        relationships: [
          { bankCode: 'B', custodyAccountNo: 'CB4', status: 'CANCELLED' },
          { bankCode: 'A', custodyAccountNo: 'CA4', status: 'DESIGNATED' },
        ],
        balance: '40.00',
        available: '40.00',
        frozen: '0.00',
      },
    ],
    banks: [
      {
        ...bankA,
        summary: '110.00',
        custody: [
          ...bankA.custody,
          { custodyAccountNo: 'CA3', fundAccountNo: '100000000003', balance: '0.00', status: 'CANCELLED' },
          { custodyAccountNo: 'CA4', fundAccountNo: '100000000004', balance: '40.00', status: 'NORMAL' },
        ],
      },
      { ...bankB, custody: [...bankB.custody, { custodyAccountNo: 'CB4', fundAccountNo: '100000000004', balance: '0.00', status: 'CANCELLED' }] },
    ],
  };
}

/** `books` with one custody account at `bankCode` replaced (and the summary account moved by the difference, so that I4 still holds). */
function withCustody(books: Snapshot, bankCode: string, custodyAccountNo: string, change: { balance?: string; status?: string }): Snapshot {
  return {
    ...books,
    banks: books.banks.map((bank) => {
      if (bank.bankCode !== bankCode) return bank;
      const before = bank.custody.find((c) => c.custodyAccountNo === custodyAccountNo)!;
      const after = { ...before, ...change };
      const summary = Money.parse(bank.summary, 'signed').plus(Money.parse(after.balance, 'signed').minus(Money.parse(before.balance, 'signed')));
      return { ...bank, summary: summary.toString(), custody: bank.custody.map((c) => (c === before ? after : c)) };
    }),
  };
}

describe('fault-run invariants (domain.md §2)', () => {
  it('finds nothing wrong with books that agree, and counts every check', () => {
    const report = checkInvariants(consistentBooks());
    expect(report.violations).toEqual([]);
    expect(report.checks).toEqual({ I2: 2, I3: 2, I4: 2, I5: 6, I6: 5, I7: 2, TERMINAL: 7 });
  });

  it('I3: a fund ledger that differs from its custody account', () => {
    const books = consistentBooks();
    const report = checkInvariants({ ...books, accounts: [{ ...books.accounts[0]!, balance: '70.01' }, books.accounts[1]!] });
    expect(report.violations).toEqual(['I3 100000000001: ledger 70.01 ≠ custody account 70.00 at A']);
  });

  it('I4: a summary account that differs from the sum of its custody accounts', () => {
    const books = consistentBooks();
    const report = checkInvariants({ ...books, banks: [{ ...books.banks[0]!, summary: '69.99' }, books.banks[1]!] });
    expect(report.violations).toEqual(['I4 A: Σ custody 70.00 ≠ summary 69.99']);
  });

  it('I5: an unbalanced posting, and a failed transfer that still moved the ledger', () => {
    const books = consistentBooks();
    const effectByTransfer = new Map(books.journal.effectByTransfer);
    effectByTransfer.set('t3', '-500.00');
    const report = checkInvariants({ ...books, journal: { unbalancedPostings: [{ postingId: 'p9', sum: '0.01' }], effectByTransfer } });
    expect(report.violations).toEqual(['I5 posting p9 sums to 0.01', expect.stringMatching(/^I5 transfer t3 \(SECURITIES_TO_BANK FAILED 500.00\) moved the ledger by -500.00/)]);
  });

  it('I6: a serial the hub failed but the bank carried out, and a serial recorded twice', () => {
    const books = consistentBooks();
    const bankA = { ...books.banks[0]!, records: new Map([...books.banks[0]!.records, ['s3', { status: 'SUCCEEDED', moved: true }]]) };
    const twice = { ...books.transfers[4]!, transferId: 't6' };
    const effectByTransfer = new Map([...books.journal.effectByTransfer, ['t6', '20.00']]);
    const report = checkInvariants({ ...books, transfers: [...books.transfers, twice], banks: [bankA, books.banks[1]!], journal: { ...books.journal, effectByTransfer } });
    expect(report.violations).toEqual([
      'I6 serial s3: hub FAILED, bank SUCCEEDED — one side moved money and the other did not',
      'I6 serial b2 (B) is recorded twice at the hub',
    ]);
  });

  it('I7 and TERMINAL: a negative balance, a hold left behind, an UNKNOWN and a bank transaction the bank never ended', () => {
    const books = consistentBooks();
    const accounts = [{ ...books.accounts[0]!, available: '-1.00', frozen: '71.00' }, books.accounts[1]!];
    const transfers = books.transfers.map((t) => (t.transferId === 't3' ? { ...t, status: 'UNKNOWN' as const } : t));
    const banks = [books.banks[0]!, { ...books.banks[1]!, openBankInitiated: ['b7'] }];
    const report = checkInvariants({ ...books, accounts, transfers, banks });
    expect(report.violations).toEqual([
      'I7 100000000001: available -1.00 is negative',
      'I7 100000000001: 71.00 still held after every transfer ended',
      'TERMINAL transfer t3 is still UNKNOWN',
      'TERMINAL bank B has not ended its own transaction b7',
    ]);
  });

  it('I2 and I3 (issue 10): books after a cancellation at zero and a change of bank agree, and every relationship is checked', () => {
    const report = checkInvariants(booksAfterAccountFunctions());
    expect(report.violations).toEqual([]);
    expect(report.checks).toMatchObject({ I2: 4, I3: 6, I4: 2 });
  });

  it('I3 (F-3.6): the ledger is compared with the custody account at its current bank, not the closed one at the old bank', () => {
    const report = checkInvariants(withCustody(booksAfterAccountFunctions(), 'A', 'CA4', { balance: '39.00' }));
    expect(report.violations).toEqual(['I3 100000000004: ledger 40.00 ≠ custody account 39.00 at A']);
  });

  it('I3 (F-3.8): a cancelled relationship whose custody account the bank left open, or closed with money still in it', () => {
    const leftOpen = checkInvariants(withCustody(booksAfterAccountFunctions(), 'A', 'CA3', { status: 'NORMAL' }));
    expect(leftOpen.violations).toEqual([
      'I2 100000000003: custody account CA3 is open at A, the hub has no open relationship to it',
      'I3 100000000003: relationship CANCELLED, custody account CA3 still NORMAL at A',
    ]);
    const notEmpty = checkInvariants(withCustody(booksAfterAccountFunctions(), 'A', 'CA3', { balance: '5.00' }));
    expect(notEmpty.violations).toEqual(['I3 100000000003: closed custody account CA3 at A still holds 5.00']);
  });

  it('I3 (F-3.8): a fund ledger with no relationship open that still holds money', () => {
    const books = booksAfterAccountFunctions();
    const accounts = books.accounts.map((a) => (a.fundAccountNo === '100000000003' ? { ...a, balance: '1.00', available: '1.00' } : a));
    expect(checkInvariants({ ...books, accounts }).violations).toEqual(['I3 100000000003: no relationship open, yet the ledger holds 1.00']);
  });

  it('I2 (F-3.6): the old relationship still open at the hub beside the new one, its custody account still open at the old bank', () => {
    const books = withCustody(booksAfterAccountFunctions(), 'B', 'CB4', { status: 'NORMAL', balance: '40.00' });
    const accounts = books.accounts.map((a) => (a.fundAccountNo === '100000000004' ? { ...a, relationships: a.relationships.map((r) => ({ ...r, status: 'DESIGNATED' })) } : a));
    expect(checkInvariants({ ...books, accounts }).violations).toEqual(['I2 100000000004: 2 relationships open at the hub (B, A)']);
  });

  it('I3: a relationship whose custody account the bank does not have', () => {
    const books = consistentBooks();
    const accounts = [{ ...books.accounts[0]!, relationships: [{ bankCode: 'B', custodyAccountNo: 'CA1', status: 'DESIGNATED' }] }, books.accounts[1]!];
    expect(checkInvariants({ ...books, accounts }).violations).toEqual([
      'I2 100000000001: custody account CA1 is open at A, the hub has no open relationship to it',
      'I3 100000000001: bank B has no custody account CA1 for it',
    ]);
  });
});
