import type { bankCallCompleted, bankCallRequested } from '@custody/contracts';
import type { z } from 'zod';

/** A call the saga asks the adapter to make (`bankCallRequested`). */
export type BankCall = z.infer<typeof bankCallRequested.schema>;

/** How it ended, as published on `bankCallCompleted`. */
export type CallCompletion = z.infer<typeof bankCallCompleted.schema>;

export type CallOutcome = CallCompletion['outcome'];
