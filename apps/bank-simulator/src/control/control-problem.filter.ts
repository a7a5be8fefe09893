import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Response } from 'express';
import { SIMULATOR_ERROR_STATUS, SimulatorError, type SimulatorErrorCode } from '../simulator-error';
import type { SimulatorLogger } from '../simulator-logger';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

function problemOf(code: SimulatorErrorCode, detail: string, extensions: Readonly<Record<string, string>> = {}, status: number = SIMULATOR_ERROR_STATUS[code]): Problem {
  return {
    type: `https://custody.example/problems/bank-simulator/${code.toLowerCase().replace(/_/g, '-')}`,
    title: code.replace(/_/g, ' ').toLowerCase(),
    status,
    code,
    detail,
    ...extensions,
  };
}

/** Body-parser and other middleware errors carry their HTTP status as a plain property. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = 'status' in error ? error.status : 'statusCode' in error ? error.statusCode : undefined;
  return typeof status === 'number' ? status : undefined;
}

function toProblem(error: unknown): Problem {
  if (error instanceof SimulatorError) return problemOf(error.code, error.detail, error.extensions);
  const status = error instanceof HttpException ? error.getStatus() : statusOf(error);
  if (status === 404) return problemOf('NOT_FOUND', 'no such resource');
  if (status !== undefined && status >= 400 && status < 500) return problemOf('VALIDATION_FAILED', error instanceof Error ? error.message : 'bad request', {}, status);
  return problemOf('INTERNAL', 'unexpected error; it has been logged');
}

/** Every error leaving the control API becomes application/problem+json with a stable `code`. */
@Catch()
export class ControlProblemFilter implements ExceptionFilter {
  constructor(private readonly log: SimulatorLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(error);
    if (problem.status >= 500) this.log.error({ code: problem.code, error: error instanceof Error ? error.message : String(error) }, 'control request failed');
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}
