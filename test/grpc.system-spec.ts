import { randomUUID } from 'node:crypto';
import { type Client, credentials, Metadata, type ServiceError, status as GrpcCode } from '@grpc/grpc-js';
import {
  type CreateTransferRequest,
  type GetBalancesResponse,
  type GrpcStatement,
  type GrpcTransfer,
  type ListTransfersResponse,
  loadCustodyGrpc,
  type PlaceHoldResponse,
} from '@custody/contracts';
import { decodeRpcStatus, type ErrorInfo } from '@custody/service-kit';
import { TestContext, type Designated } from './support/test-context';

/**
 * api.md "gRPC mirrors the transfer and balance operations": a trading system on custody.v1 over @grpc/grpc-js, at
 * the address the local stack names (StackInfo.grpcAddress), gets what the HTTP API gives — the same transfers, the
 * same idempotency by requestId, the same roles, and the same stable codes (as google.rpc.ErrorInfo.reason).
 */
jest.setTimeout(90_000);

const ctx = new TestContext();
const { Transfers, Ledger } = loadCustodyGrpc();
const transfers = new Transfers(ctx.info.grpcAddress, credentials.createInsecure());
const ledger = new Ledger(ctx.info.grpcAddress, credentials.createInsecure());

type Role = 'trading' | 'operator' | 'supervisor' | 'auditor';

/** One unary call as a client makes it, with the bearer token of `role` in the metadata (none for `null`). */
function rpc<T>(client: Client, method: string, request: object, role: Role | null = 'trading'): Promise<T> {
  const metadata = new Metadata();
  if (role) metadata.set('authorization', `Bearer ${ctx.info.tokens[role]}`);
  const call = (client as unknown as Record<string, (r: object, m: Metadata, done: (e: ServiceError | null, v: T) => void) => void>)[method].bind(client);
  return new Promise((resolve, reject) => call(request, metadata, (error, value) => (error ? reject(error) : resolve(value))));
}

/** How a call failed: its gRPC status and the ErrorInfo of `grpc-status-details-bin`. */
async function refusal(promise: Promise<unknown>): Promise<{ code: GrpcCode; errorInfo?: ErrorInfo }> {
  const error = (await promise.then(
    () => undefined,
    (e: ServiceError) => e,
  ))!;
  expect(error).toBeDefined();
  const [details] = error.metadata.get('grpc-status-details-bin');
  return { code: error.code, errorInfo: decodeRpcStatus(details as Buffer).errorInfo };
}

const createTransfer = (request: CreateTransferRequest, role: Role | null = 'trading') =>
  rpc<GrpcTransfer>(transfers, 'CreateTransfer', { currency: 'CNY', waitMs: 15_000, ...request }, role);

async function cnyBalance(fundAccountNo: string) {
  const { balances } = await rpc<GetBalancesResponse>(ledger, 'GetBalances', { fundAccountNo }, 'auditor');
  return balances.find((b) => b.currency === 'CNY');
}

afterAll(() => {
  transfers.close();
  ledger.close();
});

describe('custody.v1 over gRPC, as a trading system calls it', () => {
  let d: Designated;
  let withdrawal: CreateTransferRequest;
  let first: GrpcTransfer;

  beforeAll(async () => {
    d = await ctx.newDesignation(ctx.bankCodes[0], '10000.00');
    withdrawal = { requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '300.00' };
  });

  it('F-4.1 S and F-4.2 S: 1000.00 in and 300.00 out end SUCCEEDED; Ledger.GetBalances and the bank’s books agree', async () => {
    const deposit = await createTransfer({ requestId: randomUUID(), type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '1000.00', bankPassword: d.bankPassword });
    expect(deposit).toMatchObject({ status: 'SUCCEEDED', type: 'BANK_TO_SECURITIES', amount: '1000.00', currency: 'CNY', bankCode: d.bankCode, initiator: 'S' });
    first = await createTransfer(withdrawal);
    expect(first).toMatchObject({ status: 'SUCCEEDED', type: 'SECURITIES_TO_BANK', amount: '300.00', fundAccountNo: d.fundAccountNo });

    expect(await cnyBalance(d.fundAccountNo)).toEqual({ currency: 'CNY', balance: '700.00', available: '700.00', withdrawable: '700.00', frozen: '0.00' });
    const bank = ctx.banks[d.bankCode];
    expect((await bank.custodyAccount(d.fundAccountNo)).balance).toBe('700.00');
    expect(await bank.bankBalance(d.bankAccountNo)).toBe('9300.00');
    expect((await bank.transaction(first.serialNo)).body).toMatchObject({ status: 'SUCCEEDED', amount: '300.00' });
  });

  it('GetTransfer answers what GET /v1/transfers/{id} answers; ListTransfers pages the fund account’s transfers (auditor may read)', async () => {
    const overHttp = await ctx.api.call('GET', `/v1/transfers/${first.transferId}`);
    expect(await rpc<GrpcTransfer>(transfers, 'GetTransfer', { transferId: first.transferId }, 'auditor')).toEqual(overHttp.body);
    const page = await rpc<ListTransfersResponse>(transfers, 'ListTransfers', { fundAccountNo: d.fundAccountNo, limit: 1 }, 'auditor');
    expect(page.items.map((t) => t.transferId)).toEqual([first.transferId]);
    const next = await rpc<ListTransfersResponse>(transfers, 'ListTransfers', { fundAccountNo: d.fundAccountNo, cursor: page.nextCursor }, 'auditor');
    expect(next.items.map((t) => t.type)).toEqual(['BANK_TO_SECURITIES']);
  });

  it('idempotency: the same requestId and body answers the first transfer again, and moves nothing more', async () => {
    expect(await createTransfer(withdrawal)).toEqual(first);
    // The same request through the HTTP edge is the same request too.
    const overHttp = await ctx.api.call('POST', '/v1/transfers', { ...withdrawal, currency: 'CNY' });
    expect(overHttp.body).toMatchObject({ transferId: first.transferId });
    expect(await cnyBalance(d.fundAccountNo)).toMatchObject({ balance: '700.00' });
  });

  it('the requestId with another body is ALREADY_EXISTS, reason IDEMPOTENCY_KEY_REUSED', async () => {
    expect(await refusal(createTransfer({ ...withdrawal, amount: '301.00' }))).toEqual({
      code: GrpcCode.ALREADY_EXISTS,
      errorInfo: { reason: 'IDEMPOTENCY_KEY_REUSED', domain: 'custody.v1', metadata: {} },
    });
  });

  it('a malformed amount is INVALID_ARGUMENT, reason VALIDATION_FAILED naming the field; nothing is created', async () => {
    const requestId = randomUUID();
    expect(await refusal(createTransfer({ requestId, type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '1.234' }))).toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      errorInfo: { reason: 'VALIDATION_FAILED', metadata: { field: 'amount' } },
    });
    // Nothing holds the requestId: a well-formed request under it goes through.
    expect(await createTransfer({ requestId, type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '1.00' })).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('a business refusal is FAILED_PRECONDITION with the API’s code: more than is withdrawable', async () => {
    expect(await refusal(createTransfer({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '100000.00' }))).toMatchObject({
      code: GrpcCode.FAILED_PRECONDITION,
      errorInfo: { reason: 'INSUFFICIENT_WITHDRAWABLE' },
    });
  });

  it('no bearer token is UNAUTHENTICATED; an auditor creating a transfer is PERMISSION_DENIED (FORBIDDEN)', async () => {
    const request = { requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '1.00' } as const;
    expect(await refusal(createTransfer(request, null))).toMatchObject({ code: GrpcCode.UNAUTHENTICATED, errorInfo: { reason: 'UNAUTHENTICATED' } });
    expect(await refusal(createTransfer(request, 'auditor'))).toMatchObject({ code: GrpcCode.PERMISSION_DENIED, errorInfo: { reason: 'FORBIDDEN' } });
  });

  it('a hold placed over gRPC is neither available nor withdrawable until released; an unknown fund account is NOT_FOUND', async () => {
    const { holdId } = await rpc<PlaceHoldResponse>(ledger, 'PlaceHold', { requestId: randomUUID(), fundAccountNo: d.fundAccountNo, currency: 'CNY', amount: '200.00', reason: 'order 7' });
    expect(await cnyBalance(d.fundAccountNo)).toMatchObject({ balance: '699.00', available: '499.00', withdrawable: '499.00', frozen: '200.00' });
    await rpc(ledger, 'ReleaseHold', { holdId });
    expect(await cnyBalance(d.fundAccountNo)).toMatchObject({ available: '699.00', frozen: '0.00' });
    expect(await refusal(rpc(ledger, 'GetBalances', { fundAccountNo: '99999999999999' }))).toMatchObject({ code: GrpcCode.NOT_FOUND, errorInfo: { reason: 'NOT_FOUND' } });
  });

  it('F-5.2: Ledger.GetStatement is the HTTP statement: opening balance, every movement with its source, closing balance', async () => {
    const day = first.businessDate;
    const statement = await rpc<GrpcStatement>(ledger, 'GetStatement', { fundAccountNo: d.fundAccountNo, currency: 'CNY', from: day, to: day }, 'auditor');
    expect(statement).toMatchObject({ openingBalance: '0.00', closingBalance: '699.00' });
    expect(statement.movements.map((m) => [m.source, m.amount])).toEqual([['TRANSFER', '1000.00'], ['TRANSFER', '-300.00'], ['TRANSFER', '-1.00']]);
    const overHttp = await ctx.api.call('GET', `/v1/fund-accounts/${d.fundAccountNo}/statement?currency=CNY&from=${day}&to=${day}`, undefined, 'auditor');
    expect(statement).toEqual(overHttp.body);
    expect(await refusal(rpc(ledger, 'GetStatement', { fundAccountNo: d.fundAccountNo, from: day, to: day }))).toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      errorInfo: { reason: 'VALIDATION_FAILED' },
    });
  });
});
