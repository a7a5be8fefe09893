import { type Chk01Record, TRANSFER_FUNCTION_CODES } from '@custody/bank-protocol';
import { currencySchema, moneySchema } from '@custody/contracts';
import { z } from 'zod';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const time = z.string().regex(/^\d{2}:\d{2}:\d{2}$/);

/** A `Chk01Record` as JSON (api.md's view of a break side: amounts as decimal strings, blanks `null`); it yields the record. */
export const chk01RecordJsonSchema = z.object({
  bankInstId: z.string(),
  brokerInstId: z.string(),
  branchId: z.string().nullable(),
  tradeDate: date,
  tradeTime: time,
  clearingDate: date,
  bankSerialNo: z.string().nullable(),
  brokerSerialNo: z.string().nullable(),
  bankAccountNo: z.string(),
  fundAccountNo: z.string(),
  customerName: z.string(),
  initiator: z.enum(['B', 'S']),
  functionCode: z.enum(TRANSFER_FUNCTION_CODES),
  currency: currencySchema,
  cashExFlag: z.literal('1').nullable(),
  amount: moneySchema('positive'),
});

export function chk01RecordOf(json: unknown): Chk01Record {
  return chk01RecordJsonSchema.parse(json);
}

/** The transfer service's answer to `unknown-transfers` (docs/design.md "Reconciliation"). */
export const unknownTransfersSchema = z.object({
  transfers: z.array(z.object({ transferId: z.string().uuid(), record: chk01RecordJsonSchema })),
});
