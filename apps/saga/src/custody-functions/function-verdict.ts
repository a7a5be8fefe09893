import type { EntityManager } from 'typeorm';
import { type CustodyFunction, type CustodyFunctionResolution, custodyFunctionResolved } from '@custody/contracts';
import type { Outbox } from '@custody/messaging';

/** What every broker-started function's saga payload names: the request, its serial, the relationship, the bank day. */
export interface FunctionPayloadFields {
  readonly functionId: string;
  readonly function: CustodyFunction;
  readonly serialNo: string;
  readonly bankCode: string;
  readonly fundAccountNo: string;
  readonly currency: CustodyFunctionResolution['currency'];
  readonly businessDate: string;
}

/**
 * A function's verdict to the relationship's owner (`custody.function-resolved`): the request's own fields — never a
 * secret of its payload — and what the flow decided. `businessDate` is the bank day the call was made on: the owner's
 * day files list a function the bank made on it.
 */
export async function resolveFunction(
  outbox: Outbox,
  manager: EntityManager,
  p: FunctionPayloadFields,
  verdict: Omit<CustodyFunctionResolution, keyof FunctionPayloadFields>,
): Promise<void> {
  await outbox.add(
    manager,
    custodyFunctionResolved,
    { functionId: p.functionId, function: p.function, serialNo: p.serialNo, bankCode: p.bankCode, fundAccountNo: p.fundAccountNo, currency: p.currency, businessDate: p.businessDate, ...verdict },
    { key: p.fundAccountNo },
  );
}
