import type { CreateTransferRequest, GetStatementRequest, ListTransfersRequest, PlaceHoldRequest } from '@custody/contracts';

/**
 * custody.v1 requests as the HTTP API's bodies and queries, so that one set of DTO rules judges both edges (the
 * same VALIDATION_FAILED for the same defect) and a request digests alike for idempotency. proto3 sends no empty
 * string and no zero enum, so both are "not given", as a JSON member left out is.
 */
function given(value: unknown): unknown {
  if (value === '' || value === null) return undefined;
  if (typeof value === 'string' && value.endsWith('_UNSPECIFIED')) return undefined;
  return value;
}

function present(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, given(value)]).filter(([, value]) => value !== undefined));
}

/** CreateTransfer: the body of `POST /v1/transfers`, and its `waitMs` as the query string would carry it. */
export function transferRequestOf(request: CreateTransferRequest): { body: Record<string, unknown>; waitMs?: string } {
  const { waitMs, ...fields } = request;
  return {
    body: present({
      requestId: fields.requestId,
      type: fields.type,
      fundAccountNo: fields.fundAccountNo,
      currency: fields.currency,
      amount: fields.amount,
      bankPassword: fields.bankPassword,
      fundPassword: fields.fundPassword,
      counterpartFundAccountNo: fields.counterpartFundAccountNo,
    }),
    waitMs: waitMs === undefined ? undefined : String(waitMs),
  };
}

/** ListTransfers: the query of `GET /v1/transfers` (a limit of 0 is the default page). */
export function transferListQueryOf(request: ListTransfersRequest): Record<string, unknown> {
  return present({
    fundAccountNo: request.fundAccountNo,
    businessDate: request.businessDate,
    status: request.status,
    cursor: request.cursor,
    limit: request.limit ? String(request.limit) : undefined,
  });
}

/** PlaceHold: the body of `POST /v1/fund-accounts/{fundAccountNo}/holds`, and the fund account its path names. */
export function holdRequestOf(request: PlaceHoldRequest): { fundAccountNo: string; body: Record<string, unknown> } {
  return {
    fundAccountNo: request.fundAccountNo ?? '',
    body: present({ requestId: request.requestId, currency: request.currency, amount: request.amount, reason: request.reason }),
  };
}

/** GetStatement: the query of `GET /v1/fund-accounts/{fundAccountNo}/statement`, and the fund account its path names. */
export function statementRequestOf(request: GetStatementRequest): { fundAccountNo: string; query: Record<string, unknown> } {
  return {
    fundAccountNo: request.fundAccountNo ?? '',
    query: present({ currency: request.currency, from: request.from, to: request.to, cursor: request.cursor, limit: request.limit ? String(request.limit) : undefined }),
  };
}
