import { ERROR_CODES, type ErrorCode } from '@custody/contracts';
import { DomainError } from './domain-error';
import { classifyMessageFailure, PERMANENT_DOMAIN_CODES } from './message-failures';

describe('which failures of a consumer are dead-lettered (permanent) and which retried (transient)', () => {
  it('only deterministic refusals are permanent: a hold that ended, a fund account’s fixed currency, a request id reused with another body', () => {
    expect([...PERMANENT_DOMAIN_CODES].sort()).toEqual(['CURRENCY_MISMATCH', 'HOLD_NOT_ACTIVE', 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('HOLD_NOT_ACTIVE (a transfer.outcome whose hold already ended) is permanent', () => {
    expect(classifyMessageFailure(new DomainError('HOLD_NOT_ACTIVE', 'hold h-1 is not active'))).toBe('permanent');
  });

  it.each((Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => !PERMANENT_DOMAIN_CODES.includes(code)))(
    'a DomainError %s may succeed once other messages, the clock or an operator change the state: transient',
    (code) => {
      expect(classifyMessageFailure(new DomainError(code, 'refused'))).toBe('transient');
    },
  );

  it('a lost connection, a serialization failure, a deadlock or Kafka away (errors that are not DomainErrors) are transient, even when they carry a code', () => {
    const serialization = Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const connection = new Error('Connection terminated unexpectedly');
    const kafka = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSConnectionError' });
    expect([serialization, deadlock, connection, kafka, 'a thrown string', undefined].map(classifyMessageFailure)).toEqual(Array(6).fill('transient'));
  });

  it('an error merely named like a permanent code but not a DomainError is transient', () => {
    expect(classifyMessageFailure(Object.assign(new Error('x'), { code: 'HOLD_NOT_ACTIVE' }))).toBe('transient');
  });

  it('a DomainError with a code outside the table (cast from stored text) is transient', () => {
    expect(classifyMessageFailure(new DomainError('NOT_A_CODE' as ErrorCode, 'x'))).toBe('transient');
  });
});
