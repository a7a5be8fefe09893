import 'reflect-metadata';
import { problemFromError, requestDigest, validatedAs } from '@custody/service-kit';
import { ListTransfersQuery, RequestTransferBody } from '../transfers/transfer.dto';
import { holdRequestOf, statementRequestOf, transferListQueryOf, transferRequestOf } from './grpc-requests';

const S2B = { requestId: 'r-1', type: 'SECURITIES_TO_BANK', fundAccountNo: '100000000001', currency: 'CNY', amount: '300.00' } as const;
const digestKey = Buffer.alloc(32, 7);

/** What the HTTP edge's pipe makes of an error, as its problem's code and detail. */
async function refusal(promise: Promise<unknown>) {
  const problem = problemFromError(await promise.then(() => undefined, (e: unknown) => e));
  return { code: problem.code, detail: problem.detail, field: problem.field, defect: problem.defect };
}

describe('a custody.v1 request is the HTTP API’s body, judged by the same rules', () => {
  it('CreateTransfer: empty strings and *_UNSPECIFIED are fields not given; wait_ms becomes waitMs as a query carries it', () => {
    expect(transferRequestOf({ ...S2B, bankPassword: '', fundPassword: '', counterpartFundAccountNo: '', waitMs: 0 })).toEqual({ body: S2B, waitMs: '0' });
    expect(transferRequestOf({ ...S2B, type: 'TRANSFER_TYPE_UNSPECIFIED', currency: 'CURRENCY_UNSPECIFIED' })).toEqual({
      body: { requestId: 'r-1', fundAccountNo: '100000000001', amount: '300.00' },
      waitMs: undefined,
    });
  });

  it('idempotency: a CreateTransfer digests exactly as the same JSON body does, so a repeat through either edge is the same request', async () => {
    const overGrpc = await validatedAs(RequestTransferBody, transferRequestOf({ ...S2B, bankPassword: '', waitMs: 2000 }).body);
    const overHttp = await validatedAs(RequestTransferBody, { ...S2B });
    expect(requestDigest(digestKey, overGrpc)).toBe(requestDigest(digestKey, overHttp));
    const otherAmount = await validatedAs(RequestTransferBody, transferRequestOf({ ...S2B, amount: '300.01' }).body);
    expect(requestDigest(digestKey, otherAmount)).not.toBe(requestDigest(digestKey, overHttp));
  });

  it('a malformed amount is VALIDATION_FAILED with the same field, defect and sentence as over HTTP', async () => {
    const overGrpc = await refusal(validatedAs(RequestTransferBody, transferRequestOf({ ...S2B, amount: '1.234' }).body));
    const overHttp = await refusal(validatedAs(RequestTransferBody, { ...S2B, amount: '1.234' }));
    expect(overGrpc).toMatchObject({ code: 'VALIDATION_FAILED', field: 'amount' });
    expect(overGrpc).toEqual(overHttp);
  });

  it('a missing type (TRANSFER_TYPE_UNSPECIFIED) or an unknown enum number is VALIDATION_FAILED naming type', async () => {
    expect(await refusal(validatedAs(RequestTransferBody, transferRequestOf({ ...S2B, type: 'TRANSFER_TYPE_UNSPECIFIED' }).body))).toMatchObject({ code: 'VALIDATION_FAILED', detail: expect.stringContaining('type') });
    const unknownNumber = { ...S2B, type: 9 } as unknown as Parameters<typeof transferRequestOf>[0];
    expect(await refusal(validatedAs(RequestTransferBody, transferRequestOf(unknownNumber).body))).toMatchObject({ code: 'VALIDATION_FAILED', detail: expect.stringContaining('type') });
  });

  it('ListTransfers: status and limit as the query string holds them; limit 0 and an unspecified status are not given', async () => {
    expect(transferListQueryOf({ fundAccountNo: '1', status: 'SUCCEEDED', limit: 20, cursor: '' })).toEqual({ fundAccountNo: '1', status: 'SUCCEEDED', limit: '20' });
    expect(transferListQueryOf({ status: 'TRANSFER_STATUS_UNSPECIFIED', limit: 0 })).toEqual({});
    expect(await refusal(validatedAs(ListTransfersQuery, transferListQueryOf({ businessDate: '7 Dec' }), 'query'))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('PlaceHold: the fund account as the path names it, the rest as the body', () => {
    expect(holdRequestOf({ requestId: 'h-1', fundAccountNo: '100000000001', currency: 'CNY', amount: '10.00', reason: 'order 1' })).toEqual({
      fundAccountNo: '100000000001',
      body: { requestId: 'h-1', currency: 'CNY', amount: '10.00', reason: 'order 1' },
    });
  });

  it('GetStatement: the fund account as the path names it, the rest as the query; limit 0 is the default page', () => {
    expect(statementRequestOf({ fundAccountNo: '100000000001', currency: 'CNY', from: '2026-12-01', to: '2026-12-07', cursor: '', limit: 0 })).toEqual({
      fundAccountNo: '100000000001',
      query: { currency: 'CNY', from: '2026-12-01', to: '2026-12-07' },
    });
  });
});
