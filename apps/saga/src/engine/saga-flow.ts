import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { bankCallCompleted, DayPhase } from '@custody/contracts';
import type { CallPurpose, CallRow, SagaKind, SagaRow, TimerRow } from './saga-store';

export type Completion = z.infer<typeof bankCallCompleted.schema>;

/** The first completion of a saga's current call, its saga locked (`SagaStore.completeCall`). */
export interface CompletedCall {
  readonly call: CallRow;
  readonly saga: SagaRow;
  /** A transfer's bank day of its business date (undefined: not begun, or not a transfer). */
  readonly dayPhase: DayPhase | undefined;
}

/**
 * One kind of saga as the engine sees it: where the completions of its calls and its timers go. Every method runs
 * in the caller's transaction, so a state change, the commands it sends and the timers it sets commit together.
 */
export interface SagaFlow {
  readonly kind: SagaKind;
  onCallCompleted(manager: EntityManager, completed: CompletedCall, completion: Completion): Promise<void>;
  /** A NEXT_CALL timer of a saga not DONE, the saga locked; `purpose` is the call to make. */
  onNextCall?(manager: EntityManager, saga: SagaRow, purpose: CallPurpose | null): Promise<void>;
  /** A DAY_STEP timer: the flow locks what it needs. */
  onStep?(manager: EntityManager, timer: TimerRow): Promise<void>;
}

/** The flows the engine runs, one per saga kind (provided by the module). */
export const SAGA_FLOWS = Symbol('SAGA_FLOWS');

/** A saga row whose payload is not what its flow wrote: a bug or a hand edit, never something to guess through. */
export class InvalidSagaPayload extends Error {
  constructor(saga: SagaRow, issues: string) {
    super(`saga ${saga.saga_id} (${saga.kind} ${saga.subject_id} at bank ${saga.bank_code}) has a payload its flow cannot read: ${issues}`);
    this.name = 'InvalidSagaPayload';
  }
}

/** The saga with its payload validated against its flow's schema, as read back from the database. */
export function withPayload<P>(saga: SagaRow, schema: z.ZodType<P, z.ZodTypeDef, unknown>): SagaRow<P> {
  const parsed = schema.safeParse(saga.payload);
  if (!parsed.success) throw new InvalidSagaPayload(saga, parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '));
  return { ...saga, payload: parsed.data };
}
