import { ConnectionClosedError, ReplyTimeoutError } from '@custody/bank-protocol';
import { repliedOutcome, unansweredOutcome } from './bank-call-timing';
import { classifySendFailure } from './send-failure.classifier';

describe('bank call outcome classes (custody_bank_call_duration_seconds{outcome})', () => {
  it('§7.23: a reply is classed by who its return code says produced it', () => {
    expect(repliedOutcome('0000')).toBe('success');
    expect(repliedOutcome('5001')).toBe('bank');
    expect(repliedOutcome('2001')).toBe('securities');
    expect(repliedOutcome('9001')).toBe('communication');
    expect(repliedOutcome('ABCD')).toBe('unassigned');
  });

  it('no reply within the request timeout is timeout; a connection lost after writing is no_reply; one lost before writing is not_sent', () => {
    const timeout = new ReplyTimeoutError('S1', 1500);
    expect(unansweredOutcome(timeout, classifySendFailure(timeout, true))).toBe('timeout');
    const lostAfter = new ConnectionClosedError(true, 'peer closed');
    expect(unansweredOutcome(lostAfter, classifySendFailure(lostAfter, true))).toBe('no_reply');
    const lostBefore = new ConnectionClosedError(false, 'peer closed');
    expect(unansweredOutcome(lostBefore, classifySendFailure(lostBefore, true))).toBe('not_sent');
  });
});
