import type { z } from 'zod';
import { businessDateSchema, customerDataChangeRequestedSchema } from '@custody/contracts';

/**
 * An 11005 saga's payload: the request and the bank day it is made on. Once the saga is DONE its sealed
 * `customer.idNumber` is deleted (`SagaStore.setState`): a DONE saga's payload is never read back.
 */
export const customerDataChangePayload = customerDataChangeRequestedSchema.extend({ businessDate: businessDateSchema });
export type CustomerDataChangePayload = z.infer<typeof customerDataChangePayload>;
