import type { z } from 'zod';
import { bankBalanceQueryRequestSchema, businessDateSchema } from '@custody/contracts';

/**
 * An 11009 saga's payload: the request and the bank day it is asked on. Once the saga is DONE its sealed
 * `bankPassword` is deleted (`SagaStore.setState`): a DONE saga's payload is never read back.
 */
export const bankBalanceQueryPayload = bankBalanceQueryRequestSchema.extend({ businessDate: businessDateSchema });
export type BankBalanceQueryPayload = z.infer<typeof bankBalanceQueryPayload>;
