import type { z } from 'zod';
import { businessDateSchema, statusChangeRequestSchema } from '@custody/contracts';

/** An 11011 S saga's payload: the request and the bank day it is sent on (the day's CHK03 lists it on that day). */
export const statusChangePayload = statusChangeRequestSchema.extend({ businessDate: businessDateSchema });
export type StatusChangePayload = z.infer<typeof statusChangePayload>;
