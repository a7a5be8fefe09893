import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ERROR_CODES, type ErrorCode } from '@custody/contracts';
import { DomainError } from './domain-error';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  [extension: string]: unknown;
}

const TITLES: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'The request is not valid',
  NOT_FOUND: 'Not found',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Not allowed for this role',
  IDEMPOTENCY_KEY_REUSED: 'requestId already used with another body',
  BANK_REJECTED: 'The bank rejected the request',
  BANK_UNAVAILABLE: 'The bank cannot be reached; nothing was sent',
  FUND_PASSWORD_INVALID: 'The fund password does not match',
  FUND_PASSWORD_LOCKED: 'The fund password is locked after too many wrong attempts',
  FUND_PASSWORD_NOT_SET: 'The customer has no fund password',
  FUND_PASSWORD_UNVERIFIABLE: 'The fund password cannot be verified now; nothing was done',
  OVERLOADED: 'Too many transfers in flight at this bank; nothing was done, retry after the time given',
};

export function problemOf(code: ErrorCode, detail: string, extensions: Record<string, unknown> = {}): Problem {
  return {
    type: `https://custody.example/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[code] ?? code.replace(/_/g, ' ').toLowerCase(),
    status: ERROR_CODES[code],
    code,
    detail,
    ...extensions,
  };
}

/** Any error an edge lets out, as the problem callers get: a DomainError's own code, Nest's HTTP errors by status. */
export function problemFromError(error: unknown): Problem {
  if (error instanceof DomainError) return problemOf(error.code, error.detail, error.extensions);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const message = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : body;
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    if (status === 401) return problemOf('UNAUTHENTICATED', detail);
    if (status === 403) return problemOf('FORBIDDEN', detail);
    if (status === 404) return problemOf('NOT_FOUND', detail);
    if (status === 400 || status === 413 || status === 415) return { ...problemOf('VALIDATION_FAILED', detail), status };
    return { ...problemOf('INTERNAL', detail), status };
  }
  return problemOf('INTERNAL', 'unexpected error; it has been logged');
}

/** Whether a problem is worth an error line: a server fault, not a refusal under overload (the system working as meant, once per refused request). */
export function isServerFault(problem: Problem): boolean {
  return problem.status >= 500 && problem.code !== 'OVERLOADED';
}

/** Maps every error leaving a controller to application/problem+json with a stable `code`. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = problemFromError(error);
    if (isServerFault(problem)) this.logger.error({ err: error, code: problem.code }, 'request failed');
    if (typeof problem.retryAfterSeconds === 'number') response.setHeader('Retry-After', String(problem.retryAfterSeconds));
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}
