import { ConnectionClosedError, MessageEncodeError, ReplyTimeoutError, SessionStateError, UnexpectedReplyError } from '@custody/bank-protocol';
import { BreakerOpenError, classifySendFailure, NoSessionError } from './send-failure.classifier';

describe('send failure → NOT_SENT or NO_REPLY', () => {
  it.each([
    ['breaker open', new BreakerOpenError('bank failing')],
    ['no session', new NoSessionError('1021000')],
    ['even a timeout-like error', new ReplyTimeoutError('S1', 10)],
  ])('NOT_SENT whenever the request never reached a session (%s)', (_name, error) => {
    expect(classifySendFailure(error, false).outcome).toBe('NOT_SENT');
  });

  it.each([
    ['ReplyTimeoutError (written)', new ReplyTimeoutError('S1', 3000), 'NO_REPLY'],
    ['ConnectionClosedError written=true', new ConnectionClosedError(true, 'reset'), 'NO_REPLY'],
    ['ConnectionClosedError written=false', new ConnectionClosedError(false, 'closed'), 'NOT_SENT'],
    ['UnexpectedReplyError', new UnexpectedReplyError('S1', 'bad reply'), 'NO_REPLY'],
    ['SessionStateError (nothing written)', new SessionStateError('signing-off'), 'NOT_SENT'],
    ['MessageEncodeError (nothing written)', new MessageEncodeError('bad', 'Trf.001.01'), 'NOT_SENT'],
    ['an unknown error', new Error('?'), 'NO_REPLY'],
  ])('after the hand-over: %s → %s', (_name, error, outcome) => {
    expect(classifySendFailure(error, true).outcome).toBe(outcome);
  });
});
