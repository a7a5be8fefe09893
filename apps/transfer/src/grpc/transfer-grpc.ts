import { ParseUUIDPipe, type INestApplication } from '@nestjs/common';
import {
  type CreateTransferRequest,
  type GetBalancesRequest,
  type GetBalancesResponse,
  type GetStatementRequest,
  type GetTransferRequest,
  type GrpcStatement,
  type GrpcTransfer,
  type ListTransfersRequest,
  type ListTransfersResponse,
  loadCustodyGrpc,
  type PlaceHoldRequest,
  type PlaceHoldResponse,
  type ReleaseHoldRequest,
} from '@custody/contracts';
import { GrpcEdgeServer, readGrpcPort, type CallerRole, TokenVerifier, unaryHandler, validatedAs } from '@custody/service-kit';
import { HoldsService } from '../holds/holds.service';
import { PlaceHoldBody } from '../holds/hold.dto';
import { LedgerBalances } from '../ledger/ledger-balances';
import { StatementQueryParams } from '../statements/statement.dto';
import { StatementService } from '../statements/statement.service';
import { ListTransfersQuery, RequestTransferBody } from '../transfers/transfer.dto';
import { TransferRequests } from '../transfers/transfer-requests';
import { holdRequestOf, statementRequestOf, transferListQueryOf, transferRequestOf } from './grpc-requests';

/** Where the transfer service serves gRPC unless GRPC_PORT says otherwise (its HTTP default, 7102, plus 48). */
export const DEFAULT_GRPC_PORT = 7150;

const TRADING: readonly CallerRole[] = ['trading'];
const READERS: readonly CallerRole[] = ['trading', 'operator', 'supervisor', 'auditor'];

/** A path's UUID as HTTP's ParseUUIDPipe reads it: anything else is VALIDATION_FAILED, as there. */
const uuid = (value: string | undefined) => new ParseUUIDPipe().transform(value ?? '', { type: 'param' });

/**
 * custody.v1.Transfers and custody.v1.Ledger (libs/contracts/proto) on GRPC_PORT: the same application services,
 * DTO rules, roles and error codes as the HTTP controllers, each method as thin as its controller's.
 */
export function transferGrpcEdge(app: INestApplication): GrpcEdgeServer {
  const verifier = app.get(TokenVerifier);
  const requests = app.get(TransferRequests);
  const ledger = app.get(LedgerBalances);
  const holds = app.get(HoldsService);
  const statements = app.get(StatementService);
  const { Transfers, Ledger } = loadCustodyGrpc();
  return new GrpcEdgeServer(readGrpcPort(DEFAULT_GRPC_PORT), [
    {
      definition: Transfers.service,
      implementation: {
        CreateTransfer: unaryHandler('custody.v1.Transfers/CreateTransfer', {
          roles: TRADING,
          handle: async (request: CreateTransferRequest): Promise<GrpcTransfer> => {
            const { body, waitMs } = transferRequestOf(request);
            return requests.request(await validatedAs(RequestTransferBody, body), waitMs);
          },
        }, verifier),
        GetTransfer: unaryHandler('custody.v1.Transfers/GetTransfer', {
          roles: READERS,
          handle: async (request: GetTransferRequest): Promise<GrpcTransfer> => requests.get(await uuid(request.transferId)),
        }, verifier),
        ListTransfers: unaryHandler('custody.v1.Transfers/ListTransfers', {
          roles: READERS,
          handle: async (request: ListTransfersRequest): Promise<ListTransfersResponse> =>
            requests.list(await validatedAs(ListTransfersQuery, transferListQueryOf(request), 'query')),
        }, verifier),
      },
    },
    {
      definition: Ledger.service,
      implementation: {
        GetBalances: unaryHandler('custody.v1.Ledger/GetBalances', {
          roles: READERS,
          handle: async (request: GetBalancesRequest): Promise<GetBalancesResponse> => ({ balances: await ledger.of(request.fundAccountNo ?? '') }),
        }, verifier),
        PlaceHold: unaryHandler('custody.v1.Ledger/PlaceHold', {
          roles: TRADING,
          handle: async (request: PlaceHoldRequest): Promise<PlaceHoldResponse> => {
            const { fundAccountNo, body } = holdRequestOf(request);
            return { holdId: await holds.place({ ...(await validatedAs(PlaceHoldBody, body)), fundAccountNo }) };
          },
        }, verifier),
        ReleaseHold: unaryHandler('custody.v1.Ledger/ReleaseHold', {
          roles: TRADING,
          handle: async (request: ReleaseHoldRequest): Promise<Record<string, never>> => {
            await holds.release(await uuid(request.holdId));
            return {};
          },
        }, verifier),
        GetStatement: unaryHandler('custody.v1.Ledger/GetStatement', {
          roles: READERS,
          handle: async (request: GetStatementRequest): Promise<GrpcStatement> => {
            const { fundAccountNo, query } = statementRequestOf(request);
            return statements.statement(fundAccountNo, await validatedAs(StatementQueryParams, query, 'query'));
          },
        }, verifier),
      },
    },
  ]);
}
