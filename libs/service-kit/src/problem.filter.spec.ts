import type { ArgumentsHost } from '@nestjs/common';
import { DomainError } from './domain-error';
import { ProblemFilter } from './problem.filter';

/** What the filter writes for one error, through a stand-in for Express's response. */
function answer(error: unknown) {
  const headers: Record<string, string> = {};
  const sent: { status?: number; type?: string; body?: string } = {};
  const response = {
    setHeader: (name: string, value: string) => void (headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(type: string) {
      sent.type = type;
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new ProblemFilter().catch(error, host);
  return { ...sent, headers, problem: JSON.parse(sent.body ?? '{}') as Record<string, unknown> };
}

describe('ProblemFilter', () => {
  it('issue 9: OVERLOADED is a 503 problem with its stable code and a Retry-After header', () => {
    const out = answer(new DomainError('OVERLOADED', 'bank 1021000 has 128 transfers in flight', { retryAfterSeconds: 1 }));
    expect(out.status).toBe(503);
    expect(out.type).toBe('application/problem+json');
    expect(out.headers['Retry-After']).toBe('1');
    expect(out.problem).toMatchObject({ status: 503, code: 'OVERLOADED', retryAfterSeconds: 1 });
  });

  it('a refusal without a retry time carries no Retry-After', () => {
    const out = answer(new DomainError('NOT_FOUND', 'no such transfer'));
    expect(out.status).toBe(404);
    expect(out.headers).toEqual({});
  });
});
