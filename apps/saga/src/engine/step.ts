import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SagaRow } from './saga-store';

/**
 * What a step runs in: the caller's transaction and its saga, the payload validated. A flow adds what its steps
 * need besides (a serial, a way to remember what the saga learned).
 */
export interface StepContext<P> {
  readonly manager: EntityManager;
  readonly saga: SagaRow<P>;
}

/**
 * What a step's invoke answers: its output (for a bank step, the call to make) and the typed input of its own
 * compensation (conventions.md "Sagas", medusa's `StepResponse`). Nothing here is persisted by the toolkit: a flow
 * keeps the compensation input in its saga's payload, where a compensation made in a later transaction — after a
 * query, on a timer — reads it back.
 */
export class StepResponse<Output, CompensationInput> {
  constructor(
    readonly output: Output,
    readonly compensationInput: CompensationInput,
  ) {}
}

/** One step of a saga, exported with its id from a file of its own (`<verb>-<subject>.step.ts`). */
export interface Step<Id extends string, Input, Output, CompensationInput, Ctx extends StepContext<unknown>> {
  readonly id: Id;
  invoke(input: Input, ctx: Ctx): Promise<StepResponse<Output, CompensationInput>>;
}

/** A step that can be undone: its compensation takes exactly what its invoke answered for it. */
export interface CompensableStep<Id extends string, Input, Output, CompensationInput, CompensationOutput, Ctx extends StepContext<unknown>>
  extends Step<Id, Input, Output, CompensationInput, Ctx> {
  compensate(input: CompensationInput, ctx: Ctx): Promise<CompensationOutput>;
}

export function createStep<Id extends string, Input, Output, CompensationInput, Ctx extends StepContext<unknown>>(
  id: Id,
  invoke: (input: Input, ctx: Ctx) => Promise<StepResponse<Output, CompensationInput>>,
): Step<Id, Input, Output, CompensationInput, Ctx>;
export function createStep<Id extends string, Input, Output, CompensationInput, CompensationOutput, Ctx extends StepContext<unknown>>(
  id: Id,
  invoke: (input: Input, ctx: Ctx) => Promise<StepResponse<Output, CompensationInput>>,
  compensate: (input: CompensationInput, ctx: Ctx) => Promise<CompensationOutput>,
): CompensableStep<Id, Input, Output, CompensationInput, CompensationOutput, Ctx>;
export function createStep<Id extends string, Input, Output, CompensationInput, CompensationOutput, Ctx extends StepContext<unknown>>(
  id: Id,
  invoke: (input: Input, ctx: Ctx) => Promise<StepResponse<Output, CompensationInput>>,
  compensate?: (input: CompensationInput, ctx: Ctx) => Promise<CompensationOutput>,
): Step<Id, Input, Output, CompensationInput, Ctx> | CompensableStep<Id, Input, Output, CompensationInput, CompensationOutput, Ctx> {
  return compensate ? { id, invoke, compensate } : { id, invoke };
}

/** A compensation that threw: the saga is left as it was, for an operator to look at. */
export class CompensationFailed extends Error {
  constructor(
    readonly sagaId: string,
    readonly stepId: string,
    cause: unknown,
  ) {
    super(`compensation of step ${stepId} failed for saga ${sagaId}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CompensationFailed';
  }
}

const logger = new Logger('SagaStep');

/**
 * Runs a step's compensation. Our compensations talk to banks, so a failed one is never swallowed (conventions.md
 * "Sagas"): it is logged at ERROR with the saga and the step, and thrown on, so the caller's transaction rolls back
 * and the saga stays where it was — its timer is postponed with the error recorded (`TimerPoller`) until an
 * operator has looked.
 */
export async function compensate<Id extends string, CompensationInput, CompensationOutput, Ctx extends StepContext<unknown>>(
  step: CompensableStep<Id, unknown, unknown, CompensationInput, CompensationOutput, Ctx>,
  input: CompensationInput,
  ctx: Ctx,
): Promise<CompensationOutput> {
  try {
    return await step.compensate(input, ctx);
  } catch (error) {
    const failed = new CompensationFailed(ctx.saga.saga_id, step.id, error);
    logger.error({ err: error, sagaId: ctx.saga.saga_id, subjectId: ctx.saga.subject_id, step: step.id }, `${failed.message}; the saga waits for an operator`);
    throw failed;
  }
}
