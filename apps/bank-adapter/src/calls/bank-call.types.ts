import type { bankCallCompleted, BankCallRequest } from '@custody/contracts';
import type { z } from 'zod';

/** A call the saga asks the adapter to make (on its bank's `bankCallRequestedFor` topic). */
export type BankCall = BankCallRequest;

/** How it ended, as published on `bankCallCompleted`. */
export type CallCompletion = z.infer<typeof bankCallCompleted.schema>;

export type CallOutcome = CallCompletion['outcome'];
