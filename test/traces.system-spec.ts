import { randomBytes, randomUUID } from 'node:crypto';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { type CreateTransferRequest, type GrpcTransfer, loadCustodyGrpc } from '@custody/contracts';
import type { ReceivedSpan } from '@custody/local-stack';
import { type Customer, type Designated, type TransferBody, TestContext } from './support/test-context';

/**
 * Issue 11 "Traces": one transfer is one trace, from the public API through Kafka and the saga to the bank adapter's
 * call and back. The stack's services export to its control server (tools/stack/span-receiver.ts) and record only
 * what a caller marked sampled: this test sends a sampled `traceparent` with its transfer and reads that trace back.
 */
jest.setTimeout(120_000);

const ctx = new TestContext();
const FUND_PASSWORD = '975310';
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

async function spansOf(traceId: string): Promise<ReceivedSpan[]> {
  const response = await fetch(`${ctx.info.controlUrl}/traces/${traceId}`);
  return (await response.json()) as ReceivedSpan[];
}

/** Every span's parent is a span of the trace or the caller's own: the spans hang together as one tree. */
function disconnected(spans: ReceivedSpan[], callerSpanId: string): ReceivedSpan[] {
  const ids = new Set([callerSpanId, ...spans.map((s) => s.spanId)]);
  return spans.filter((s) => s.parentSpanId === undefined || !ids.has(s.parentSpanId));
}

describe('traces', () => {
  let customer: Customer;
  let d: Designated;
  beforeAll(async () => {
    customer = await ctx.newCustomer('赵追踪');
    d = await ctx.designate(customer, await ctx.newFundAccount(customer.customerNo), ctx.bankCodes[0], '5000.00');
    const deposit = await ctx.banks[d.bankCode].startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '1000.00' });
    expect(deposit.body.status).toBe('SUCCEEDED');
    expect((await ctx.api.call('PUT', `/v1/customers/${d.customerNo}/fund-password`, { password: FUND_PASSWORD })).status).toBe(204);
  });

  it('one S2B transfer is one trace: the transfer, saga and bank adapter spans hang together, the bank call carries its return code and serial, and no attribute holds a secret', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const body = { requestId: randomUUID(), type: 'SECURITIES_TO_BANK', currency: 'CNY', fundAccountNo: d.fundAccountNo, amount: '100.00', fundPassword: FUND_PASSWORD };
    const transfer = await ctx.api.call<TransferBody>('POST', '/v1/transfers?waitMs=15000', body, 'trading', { traceparent: `00-${traceId}-${callerSpanId}-01` });
    expect(transfer.body.status).toBe('SUCCEEDED');

    const adapter = `bank-adapter-${d.bankCode}`;
    // The services send their spans in batches (every few seconds): wait until the last hop, the transfer service's
    // consumer of the outcome, has reported and the tree is whole.
    const spans = await ctx.eventually(
      () => spansOf(traceId),
      (found) => found.some((s) => s.service === 'transfer' && s.kind === CONSUMER) && found.some((s) => s.service === adapter && s.kind === CLIENT) && disconnected(found, callerSpanId).length === 0,
      30_000,
    );

    expect(disconnected(spans, callerSpanId)).toEqual([]);
    const services = new Set(spans.map((s) => s.service));
    for (const service of ['transfer', 'saga', adapter]) expect(services).toContain(service);
    const edge = spans.find((s) => s.kind === SERVER && s.service === 'transfer');
    expect(edge).toMatchObject({ parentSpanId: callerSpanId, attributes: { 'http.route': expect.stringContaining('transfers'), 'http.response.status_code': 201 } });
    expect(spans.filter((s) => s.service === 'saga' && s.kind === CONSUMER).length).toBeGreaterThanOrEqual(2);

    const bankCall = spans.find((s) => s.service === adapter && s.kind === CLIENT);
    expect(bankCall?.attributes).toMatchObject({
      'custody.bank.code': d.bankCode,
      'custody.bank.function': expect.any(String),
      'custody.bank.return_code': '0000',
      'custody.bank.serial_no': transfer.body.serialNo,
      'custody.bank.outcome': 'REPLIED',
    });

    const secrets = [customer.name, customer.idNumber, d.bankPassword, FUND_PASSWORD];
    const leaks = spans.flatMap((s) => Object.entries(s.attributes).filter(([, value]) => secrets.some((secret) => String(value).includes(secret))).map(([key]) => `${s.service} ${s.name} ${key}`));
    expect(leaks).toEqual([]);
  });

  it('a transfer created over gRPC is one trace too: its server span, named by the method, continues the traceparent of the call\'s metadata', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const { Transfers } = loadCustodyGrpc();
    const client = new Transfers(ctx.info.grpcAddress, credentials.createInsecure()) as unknown as {
      CreateTransfer(request: CreateTransferRequest, metadata: Metadata, done: (error: ServiceError | null, transfer: GrpcTransfer) => void): void;
      close(): void;
    };
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${ctx.info.tokens.trading}`);
    metadata.set('traceparent', `00-${traceId}-${callerSpanId}-01`);
    const request: CreateTransferRequest = { requestId: randomUUID(), type: 'SECURITIES_TO_BANK', currency: 'CNY', fundAccountNo: d.fundAccountNo, amount: '50.00', fundPassword: FUND_PASSWORD, waitMs: 15_000 };
    const transfer = await new Promise<GrpcTransfer>((resolve, reject) => client.CreateTransfer(request, metadata, (error, value) => (error ? reject(error) : resolve(value))));
    client.close();
    expect(transfer.status).toBe('SUCCEEDED');

    const adapter = `bank-adapter-${d.bankCode}`;
    const spans = await ctx.eventually(
      () => spansOf(traceId),
      (found) => found.some((s) => s.service === 'transfer' && s.kind === CONSUMER) && found.some((s) => s.service === adapter && s.kind === CLIENT) && disconnected(found, callerSpanId).length === 0,
      30_000,
    );
    expect(spans.find((s) => s.kind === SERVER && s.service === 'transfer')).toMatchObject({ name: 'custody.v1.Transfers/CreateTransfer', parentSpanId: callerSpanId });
    expect(spans.find((s) => s.service === adapter && s.kind === CLIENT)?.attributes).toMatchObject({ 'custody.bank.serial_no': transfer.serialNo, 'custody.bank.return_code': '0000' });
  });
});
