import type { z } from 'zod';
import type { bankCallCompleted } from '@custody/contracts';
import { decideTransfer, retryDelayMs, type CallPurpose, type TransferPolicy } from './transfer-decisions';

const id = '6f9619ff-8b86-4011-b42d-00c04fc964ff';
const base = { callId: id, bankCode: '1021000', function: 'SECURITIES_TO_BANK' as const, serialNo: '20261121200000000001' };
const withdrawal: TransferPolicy = { type: 'SECURITIES_TO_BANK', acceptsSecuritiesToBankReversal: false, reversalNotOffered: false };
const deposit: TransferPolicy = { ...withdrawal, type: 'BANK_TO_SECURITIES' };
const decide = (purpose: CallPurpose, completion: z.infer<typeof bankCallCompleted.schema>, attempt: number, policy = withdrawal) => decideTransfer(id, purpose, completion, attempt, policy);

describe('S-initiated transfer decisions (domain.md §4)', () => {
  it('F-4.2 S: a success reply ends SUCCEEDED with the bank serial', () => {
    const d = decide('ORIGINAL', { ...base, outcome: 'REPLIED', returnCode: '0000', bankSerialNo: 'B1' }, 1);
    expect(d).toMatchObject({ state: 'DONE', outcome: { status: 'SUCCEEDED', bankSerialNo: 'B1' } });
  });

  it('a bank rejection ends FAILED with the bank return code carried through', () => {
    const d = decide('ORIGINAL', { ...base, outcome: 'REPLIED', returnCode: '1001', returnMessage: '银行密码错' }, 1);
    expect(d.outcome).toMatchObject({ status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '1001' } });
  });

  it('an open breaker before the first send is a definite BANK_UNAVAILABLE, never UNKNOWN', () => {
    const d = decide('ORIGINAL', { ...base, outcome: 'NOT_SENT', reason: 'breaker open' }, 1);
    expect(d.outcome).toMatchObject({ status: 'FAILED', failure: { code: 'BANK_UNAVAILABLE' } });
  });

  it('item 1: a redelivery that found another delivery\'s claim reports NO_REPLY, and the transfer stays UNKNOWN and is queried, never failed', () => {
    const d = decide('ORIGINAL', { ...base, outcome: 'NO_REPLY', reason: 'not written here, but an earlier delivery claimed the call and may have written it' }, 1);
    expect(d).toMatchObject({ state: 'UNKNOWN', outcome: { status: 'UNKNOWN' }, next: { purpose: 'QUERY' } });
  });

  it('no reply leaves the transfer UNKNOWN and schedules a query, never a guess', () => {
    const d = decide('ORIGINAL', { ...base, outcome: 'NO_REPLY' }, 1);
    expect(d).toMatchObject({ state: 'UNKNOWN', outcome: { status: 'UNKNOWN' }, next: { purpose: 'QUERY' } });
  });

  it('F-4.6: a query that finds the original succeeded ends SUCCEEDED', () => {
    const d = decide('QUERY', { ...base, function: 'QUERY_RESULT', outcome: 'REPLIED', returnCode: '0000', originalReturnCode: '0000' }, 2);
    expect(d.outcome?.status).toBe('SUCCEEDED');
  });

  it('F-4.6: a query that finds the original failed ends FAILED with its code', () => {
    const d = decide('QUERY', { ...base, function: 'QUERY_RESULT', outcome: 'REPLIED', returnCode: '0000', originalReturnCode: '1002' }, 2);
    expect(d.outcome).toMatchObject({ status: 'FAILED', failure: { bankReturnCode: '1002' } });
  });

  it('F-4.5: a query that finds the original never arrived resends it with the same serial', () => {
    const d = decide('QUERY', { ...base, function: 'QUERY_RESULT', outcome: 'REPLIED', returnCode: '0000', originalReturnCode: '1027' }, 2);
    expect(d).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'RESEND' } });
  });

  it('a query answered "in progress", refused or unanswered keeps asking', () => {
    for (const c of [
      { outcome: 'REPLIED' as const, returnCode: '0000', originalReturnCode: '1028' },
      { outcome: 'REPLIED' as const, returnCode: '1041' },
      { outcome: 'NO_REPLY' as const },
      { outcome: 'NOT_SENT' as const },
    ]) {
      expect(decide('QUERY', { ...base, function: 'QUERY_RESULT', ...c }, 3)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'QUERY' } });
    }
  });

  it.each(['1041', '1004', '9004', '5224', '1999'])('a reply %s does not prove the transfer failed: UNKNOWN, hold kept, query next', (code) => {
    const d = decide('ORIGINAL', { ...base, outcome: 'REPLIED', returnCode: code }, 1);
    expect(d).toMatchObject({ state: 'UNKNOWN', outcome: { status: 'UNKNOWN' }, next: { purpose: 'QUERY' } });
  });

  it('a query reporting an original that ended with an unproven code keeps asking', () => {
    const d = decide('QUERY', { ...base, function: 'QUERY_RESULT', outcome: 'REPLIED', returnCode: '0000', originalReturnCode: '1041' }, 2);
    expect(d).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'QUERY' } });
  });

  it('a query that finds success records no bank serial: the query reply\'s serial is not the transfer\'s', () => {
    const d = decide('QUERY', { ...base, function: 'QUERY_RESULT', outcome: 'REPLIED', returnCode: '0000', originalReturnCode: '0000', bankSerialNo: 'QUERY-REPLY-REF' }, 2);
    expect(d.outcome?.status).toBe('SUCCEEDED');
    expect(d.outcome?.bankSerialNo).toBeUndefined();
  });

  describe('F-4.3 S / F-4.4 S: an original the bank never saw', () => {
    const neverSeen = { ...base, function: 'QUERY_RESULT' as const, outcome: 'REPLIED' as const, returnCode: '0000', originalReturnCode: '1027' };

    it('F-4.3 S: a deposit is reversed (12003), not resent: a late original is then refused by the bank', () => {
      expect(decide('QUERY', neverSeen, 2, deposit)).toMatchObject({ state: 'UNKNOWN', outcome: { status: 'UNKNOWN', attempt: expect.stringMatching(/reversing/) }, next: { purpose: 'REVERSAL' } });
    });

    it('F-4.4 S: a withdrawal is reversed (12004) only where the bank accepts it', () => {
      expect(decide('QUERY', neverSeen, 2, { ...withdrawal, acceptsSecuritiesToBankReversal: true })).toMatchObject({ next: { purpose: 'REVERSAL' } });
      expect(decide('QUERY', neverSeen, 2, withdrawal)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'RESEND' } });
    });

    it('once the bank refused a reversal as not offered, it is resent instead', () => {
      expect(decide('QUERY', neverSeen, 4, { ...deposit, reversalNotOffered: true })).toMatchObject({ next: { purpose: 'RESEND' } });
    });

    it('F-4.6: a query finding the original reversed ends REVERSED (no money moved)', () => {
      expect(decide('QUERY', { ...neverSeen, originalReturnCode: '1006' }, 3, deposit)).toMatchObject({ state: 'DONE', outcome: { status: 'REVERSED' } });
    });
  });

  describe('replies to our reversal', () => {
    const reversal = { ...base, function: 'REVERSE_SECURITIES_TO_BANK' as const, serialNo: '20261121300000000009', outcome: 'REPLIED' as const };

    it.each([
      ['0000', 'reversed'],
      ['1005', 'never saw the original'],
      ['1006', 'already reversed'],
    ])('%s (%s) ends REVERSED, with what was tried recorded', (returnCode, why) => {
      for (const policy of [deposit, withdrawal]) {
        const d = decide('REVERSAL', { ...reversal, returnCode }, 3, policy);
        expect(d).toMatchObject({ state: 'DONE', outcome: { status: 'REVERSED', attempt: expect.stringContaining(why) } });
        expect(d.next).toBeUndefined();
      }
    });

    it('1008 on a withdrawal: the money already left the customer\'s bank account, so the original took effect: SUCCEEDED', () => {
      expect(decide('REVERSAL', { ...reversal, returnCode: '1008' }, 3, withdrawal)).toMatchObject({ state: 'DONE', outcome: { status: 'SUCCEEDED' } });
    });

    it('1008 on a deposit reversal proves nothing (a 12003 credits the bank account back): UNKNOWN, query', () => {
      expect(decide('REVERSAL', { ...reversal, returnCode: '1008' }, 3, deposit)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'QUERY' } });
    });

    it.each(['1033', '1034'])('%s (reversal not offered): falls back to resending the original, and remembers it', (returnCode) => {
      expect(decide('REVERSAL', { ...reversal, returnCode }, 3, deposit)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'RESEND' }, reversalNotOffered: true });
    });

    it.each(['1007', '5233', '5234', '5235'])('%s (does not match the original): stays UNKNOWN, alerts operators, keeps querying', (returnCode) => {
      const d = decide('REVERSAL', { ...reversal, returnCode }, 3, deposit);
      expect(d).toMatchObject({ state: 'UNKNOWN', outcome: { status: 'UNKNOWN' }, next: { purpose: 'QUERY' }, alert: expect.stringContaining(returnCode) });
    });

    it.each([{ outcome: 'NO_REPLY' as const }, { outcome: 'NOT_SENT' as const, reason: 'breaker open' }, { outcome: 'NOT_SENT' as const, sendByPassed: true }])(
      'an unanswered or unsent reversal ($outcome) is sent again (the same reversal), with back-off',
      (c) => {
        const d = decide('REVERSAL', { ...reversal, ...c }, 4, withdrawal);
        expect(d).toMatchObject({ state: 'UNKNOWN', outcome: { status: 'UNKNOWN', attempt: expect.stringMatching(/^reversal #4/) }, next: { purpose: 'REVERSAL', delayMs: 8000 } });
      },
    );

    it.each(['1041', '1004', '9004', '1002'])('any other answer %s proves nothing about the original: UNKNOWN, query', (returnCode) => {
      expect(decide('REVERSAL', { ...reversal, returnCode }, 3, withdrawal)).toMatchObject({ state: 'UNKNOWN', next: { purpose: 'QUERY' } });
    });
  });

  it('backs off 1 s, 2 s, 4 s … up to 30 s', () => {
    expect([1, 2, 3, 6, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 30000, 30000]);
  });
});
