import { z } from 'zod';
import { businessDateSchema, serialNoSchema } from '@custody/contracts';

/** A bank's day as a saga: the date it is about, and the serial of each day call, issued once and repeated as is. */
export const dayPayload = z.object({
  businessDate: businessDateSchema,
  serials: z.object({ DAY_START: serialNoSchema, DAY_END: serialNoSchema, SUMMARY_CHECK: serialNoSchema }).partial().optional(),
});
export type DayPayload = z.infer<typeof dayPayload>;
