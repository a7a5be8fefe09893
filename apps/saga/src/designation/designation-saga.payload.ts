import { z } from 'zod';
import { businessDateSchema, designationRequested, money } from '@custody/contracts';

/**
 * A designation saga's payload: the request, the opening balance the 11001 carries and the bank day it is made on.
 * Once the saga is DONE, its sealed `bankPassword` and `customer.idNumber` are deleted (`SagaStore.setState`): a DONE
 * saga's payload is never read back.
 */
export const designationSagaPayload = designationRequested.schema.and(z.object({ openingBalance: money, businessDate: businessDateSchema }));
export type DesignationPayload = z.infer<typeof designationSagaPayload>;
