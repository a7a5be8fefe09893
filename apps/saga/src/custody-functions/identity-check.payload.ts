import type { z } from 'zod';
import { businessDateSchema, identityCheckRequestSchema } from '@custody/contracts';

/**
 * An 11007 saga's payload: the request and the bank day it is asked on. Once the saga is DONE the customer's sealed
 * ID number is deleted (`SagaStore.setState`): a DONE saga's payload is never read back.
 */
export const identityCheckPayload = identityCheckRequestSchema.extend({ businessDate: businessDateSchema });
export type IdentityCheckPayload = z.infer<typeof identityCheckPayload>;
