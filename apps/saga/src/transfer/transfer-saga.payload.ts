import { z } from 'zod';
import { businessDateSchema, serialNoSchema, transferRequested } from '@custody/contracts';
import type { StepContext } from '../engine/step';

/**
 * A transfer saga's payload: the request, plus what the saga learned on the way — the serial of its reversal
 * (issued once, repeated as is) and whether the bank refused reversals as not offered. Once the saga is DONE, a
 * deposit's sealed `bankPassword` is deleted (`SagaStore.setState`); the request schema has it optional anyway.
 */
export const transferSagaPayload = transferRequested.schema.and(
  z.object({
    reversal: z.object({ serialNo: serialNoSchema, businessDate: businessDateSchema }).optional(),
    reversalNotOffered: z.boolean().optional(),
  }),
);
export type TransferPayload = z.infer<typeof transferSagaPayload>;

/** What a transfer's steps run in. */
export interface TransferStepContext extends StepContext<TransferPayload> {
  /** A new saga serial on the current business date: a query's, a reversal's. */
  newSerial(): Promise<{ serialNo: string; businessDate: string }>;
  /** Adds what the saga learned to its payload. */
  remember(patch: Pick<TransferPayload, 'reversal'> | Pick<TransferPayload, 'reversalNotOffered'>): Promise<void>;
}
