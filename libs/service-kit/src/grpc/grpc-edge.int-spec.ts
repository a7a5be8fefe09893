import { setTimeout as sleep } from 'node:timers/promises';
import { credentials, Metadata, type ServiceError, status as GrpcCode } from '@grpc/grpc-js';
import { type GetBalancesRequest, type GetBalancesResponse, loadCustodyGrpc } from '@custody/contracts';
import { newIssuer, signToken, TokenVerifier } from '../bearer-tokens';
import { DomainError } from '../domain-error';
import { ROLES } from '../roles';
import { unaryHandler } from './grpc-edge';
import { GrpcEdgeServer } from './grpc-server';
import { decodeRpcStatus } from './rpc-status';

const { Ledger } = loadCustodyGrpc();
const users = newIssuer('identity-provider', ROLES);
const stranger = newIssuer('someone-else', ROLES);
const token = (issuer = users, role: (typeof ROLES)[number] = 'auditor') => signToken(issuer.identity, { subject: 'u-1', role }, new Date(), 60_000);

/** A Ledger whose GetBalances (auditors only) answers after `delayMs`, or fails as the fund account number says. */
function ledgerEdge(delayMs = 0): GrpcEdgeServer {
  const verifier = new TokenVerifier([users.trusted]);
  const GetBalances = unaryHandler('GetBalances', {
    roles: ['auditor'],
    handle: async (request: GetBalancesRequest): Promise<GetBalancesResponse> => {
      await sleep(delayMs);
      if (request.fundAccountNo === 'missing') throw new DomainError('NOT_FOUND', 'fund account missing has no ledger');
      if (request.fundAccountNo === 'bug') throw new Error('a bug with a secret in it');
      return { balances: [{ currency: 'CNY', balance: '1.00', available: '1.00', withdrawable: '1.00', frozen: '0.00' }] };
    },
  }, verifier);
  return new GrpcEdgeServer(0, [{ definition: Ledger.service, implementation: { GetBalances } }]);
}

function getBalances(port: number, fundAccountNo: string, bearer?: string): Promise<GetBalancesResponse> {
  const client = new Ledger(`127.0.0.1:${port}`, credentials.createInsecure());
  const metadata = new Metadata();
  if (bearer) metadata.set('authorization', `Bearer ${bearer}`);
  return new Promise<GetBalancesResponse>((resolve, reject) =>
    client.GetBalances({ fundAccountNo }, metadata, (error: ServiceError | null, value: GetBalancesResponse) => (error ? reject(error) : resolve(value))),
  ).finally(() => client.close());
}

async function failure(call: Promise<unknown>) {
  const error = (await call.then(
    () => undefined,
    (e: ServiceError) => e,
  ))!;
  const [details] = error.metadata.get('grpc-status-details-bin');
  return { code: error.code, message: error.details, reason: details ? decodeRpcStatus(details as Buffer).errorInfo?.reason : undefined };
}

describe('the gRPC edge checks the bearer token and answers problems as gRPC statuses', () => {
  const edge = ledgerEdge();
  let port: number;
  beforeAll(async () => {
    port = await edge.listen();
  });
  afterAll(() => edge.stop());

  it('a token of a trusted issuer with an allowed role is served', async () => {
    expect((await getBalances(port, '1', token())).balances).toHaveLength(1);
  });

  it('no token, or a token of an issuer not trusted, is UNAUTHENTICATED; a role not allowed is PERMISSION_DENIED (FORBIDDEN)', async () => {
    expect(await failure(getBalances(port, '1'))).toMatchObject({ code: GrpcCode.UNAUTHENTICATED, reason: 'UNAUTHENTICATED' });
    expect(await failure(getBalances(port, '1', token(stranger)))).toMatchObject({ code: GrpcCode.UNAUTHENTICATED, reason: 'UNAUTHENTICATED' });
    expect(await failure(getBalances(port, '1', token(users, 'trading')))).toMatchObject({ code: GrpcCode.PERMISSION_DENIED, reason: 'FORBIDDEN' });
  });

  it('a DomainError is its code; an unexpected error is INTERNAL and says nothing of itself', async () => {
    expect(await failure(getBalances(port, 'missing', token()))).toEqual({ code: GrpcCode.NOT_FOUND, message: 'fund account missing has no ledger', reason: 'NOT_FOUND' });
    expect(await failure(getBalances(port, 'bug', token()))).toEqual({ code: GrpcCode.INTERNAL, message: 'unexpected error; it has been logged', reason: 'INTERNAL' });
  });
});

describe('stopping the gRPC edge', () => {
  it('lets a call in flight finish, and refuses calls after it', async () => {
    const edge = ledgerEdge(500);
    const port = await edge.listen();
    const inFlight = getBalances(port, '1', token());
    await sleep(200);
    await edge.stop();
    expect((await inFlight).balances).toHaveLength(1);
    expect((await failure(getBalances(port, '1', token()))).code).toBe(GrpcCode.UNAVAILABLE);
  });
});
