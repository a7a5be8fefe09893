/**
 * custody.v1's messages as `loadCustodyProtos` reads them (camelCase, enums by name, unset fields absent): what the
 * transfer service's gRPC edge and our own clients (system tests, tools) exchange. The .proto files are the contract.
 */
export type GrpcCurrency = 'CURRENCY_UNSPECIFIED' | 'CNY' | 'USD' | 'HKD';
export type GrpcTransferType = 'TRANSFER_TYPE_UNSPECIFIED' | 'BANK_TO_SECURITIES' | 'SECURITIES_TO_BANK' | 'INTERNAL';
export type GrpcTransferStatus = 'TRANSFER_STATUS_UNSPECIFIED' | 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN' | 'REVERSED';

export interface CreateTransferRequest {
  requestId?: string;
  type?: GrpcTransferType;
  fundAccountNo?: string;
  currency?: GrpcCurrency;
  amount?: string;
  bankPassword?: string;
  fundPassword?: string;
  counterpartFundAccountNo?: string;
  waitMs?: number;
}

export interface GetTransferRequest {
  transferId?: string;
}

export interface ListTransfersRequest {
  fundAccountNo?: string;
  businessDate?: string;
  status?: GrpcTransferStatus;
  cursor?: string;
  limit?: number;
}

export interface GrpcTransfer {
  transferId: string;
  serialNo: string;
  type: string;
  status: string;
  amount: string;
  currency: string;
  fundAccountNo: string;
  counterpartFundAccountNo?: string;
  bankCode: string;
  businessDate: string;
  initiator: string;
  failure?: { code: string; bankReturnCode?: string; message: string };
  unknownSince?: string;
  attempts: string[];
  resolvedByAdjustmentId?: string;
}

export interface ListTransfersResponse {
  items: GrpcTransfer[];
  nextCursor?: string;
}

export interface GetBalancesRequest {
  fundAccountNo?: string;
}

export interface GrpcBalance {
  currency: string;
  balance: string;
  available: string;
  withdrawable: string;
  frozen: string;
}

export interface GetBalancesResponse {
  balances: GrpcBalance[];
}

export interface PlaceHoldRequest {
  requestId?: string;
  fundAccountNo?: string;
  currency?: GrpcCurrency;
  amount?: string;
  reason?: string;
}

export interface PlaceHoldResponse {
  holdId: string;
}

export interface ReleaseHoldRequest {
  holdId?: string;
}

export interface GetStatementRequest {
  fundAccountNo?: string;
  currency?: GrpcCurrency;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface GrpcStatementMovement {
  businessDate: string;
  source: string;
  sourceId: string;
  transfer?: { type: string; serialNo: string; bankCode: string };
  adjustment?: { breakId: string; kind: string; bankCode: string };
  amount: string;
  balance: string;
  recordedAt: string;
}

export interface GrpcStatement {
  fundAccountNo: string;
  currency: string;
  from: string;
  to: string;
  openingBalance?: string;
  movements: GrpcStatementMovement[];
  closingBalance?: string;
  nextCursor?: string;
}
