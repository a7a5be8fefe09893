import type { z } from 'zod';
import { bankAccountChangeRequestedSchema, businessDateSchema } from '@custody/contracts';

/**
 * An 11006 saga's payload: the request and the bank day it is made on. Once the saga is DONE its sealed
 * `bankPassword` and `customer.idNumber` are deleted (`SagaStore.setState`): a DONE saga's payload is never read back.
 */
export const bankAccountChangePayload = bankAccountChangeRequestedSchema.extend({ businessDate: businessDateSchema });
export type BankAccountChangePayload = z.infer<typeof bankAccountChangePayload>;
