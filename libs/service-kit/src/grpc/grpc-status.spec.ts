import { resolve } from 'node:path';
import { status as GrpcCode } from '@grpc/grpc-js';
// protobufjs read apart from our reader: what a client of another language would decode from the .proto.
import { Root } from 'protobufjs';
import { custodyProtoDir, ERROR_CODES, type ErrorCode } from '@custody/contracts';
import { problemOf } from '../problem.filter';
import { grpcCodeOf, serviceErrorOf } from './grpc-status';
import { decodeRpcStatus, encodeRpcStatus, ERROR_INFO_TYPE_URL } from './rpc-status';

describe('the one mapping of a problem to a gRPC status', () => {
  it.each([
    ['VALIDATION_FAILED', 'INVALID_ARGUMENT'],
    ['UNAUTHENTICATED', 'UNAUTHENTICATED'],
    ['FORBIDDEN', 'PERMISSION_DENIED'],
    ['NOT_FOUND', 'NOT_FOUND'],
    ['IDEMPOTENCY_KEY_REUSED', 'ALREADY_EXISTS'],
    ['RELATIONSHIP_CHANGING', 'FAILED_PRECONDITION'],
    ['DAY_CLOSED', 'FAILED_PRECONDITION'],
    ['INSUFFICIENT_WITHDRAWABLE', 'FAILED_PRECONDITION'],
    ['BANK_REJECTED', 'FAILED_PRECONDITION'],
    ['OVERLOADED', 'UNAVAILABLE'],
    ['BANK_UNAVAILABLE', 'UNAVAILABLE'],
    ['BANK_OUTCOME_UNKNOWN', 'UNKNOWN'],
    ['INTERNAL', 'INTERNAL'],
  ] as Array<[ErrorCode, keyof typeof GrpcCode]>)('%s is %s', (code, expected) => {
    expect(grpcCodeOf({ code, status: ERROR_CODES[code] })).toBe(GrpcCode[expected]);
  });

  it('every code of the API maps to a failure status (none to OK), a 4xx never to a retryable one', () => {
    const codes = Object.entries(ERROR_CODES).map(([code, status]) => ({ status, grpc: grpcCodeOf({ code, status }) }));
    expect(codes.filter((c) => c.grpc === GrpcCode.OK)).toEqual([]);
    const retryable = [GrpcCode.UNAVAILABLE, GrpcCode.INTERNAL, GrpcCode.UNKNOWN];
    expect(codes.filter((c) => c.status >= 400 && c.status < 500 && retryable.includes(c.grpc))).toEqual([]);
  });

  it('an HTTP status the API does not list (504, 500) is DEADLINE_EXCEEDED or INTERNAL', () => {
    expect(grpcCodeOf({ code: 'X', status: 504 })).toBe(GrpcCode.DEADLINE_EXCEEDED);
    expect(grpcCodeOf({ code: 'X', status: 500 })).toBe(GrpcCode.INTERNAL);
  });
});

describe('a problem as a failed call carries its stable code in google.rpc.ErrorInfo', () => {
  it('BANK_REJECTED: the status, detail as message, reason = code, domain custody.v1, bankCode and bankReturnCode in metadata', () => {
    const error = serviceErrorOf(problemOf('BANK_REJECTED', 'the bank refused: 1001', { bankCode: '0102', bankReturnCode: '1001' }));
    expect(error.code).toBe(GrpcCode.FAILED_PRECONDITION);
    expect(error.details).toBe('the bank refused: 1001');
    const [bytes] = error.metadata.get('grpc-status-details-bin');
    expect(decodeRpcStatus(bytes as Buffer)).toEqual({
      code: GrpcCode.FAILED_PRECONDITION,
      message: 'the bank refused: 1001',
      errorInfo: { reason: 'BANK_REJECTED', domain: 'custody.v1', metadata: { bankCode: '0102', bankReturnCode: '1001' } },
    });
  });

  it('OVERLOADED keeps retryAfterSeconds as text; the problem’s type and title are not repeated', () => {
    const error = serviceErrorOf(problemOf('OVERLOADED', 'busy', { retryAfterSeconds: 1 }));
    const status = decodeRpcStatus(error.metadata.get('grpc-status-details-bin')[0] as Buffer);
    expect(status.errorInfo?.metadata).toEqual({ retryAfterSeconds: '1' });
  });
});

describe('google.rpc.Status as the .proto says, read and written by any protobuf runtime', () => {
  const root = new Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : resolve(custodyProtoDir(), target));
  const loaded = root.load('google/rpc/status.proto').then((r) => ({ Status: r.lookupType('google.rpc.Status'), ErrorInfo: r.lookupType('google.rpc.ErrorInfo') }));

  it('a client reads our bytes: code, message, and the ErrorInfo inside its Any', async () => {
    const { Status, ErrorInfo } = await loaded;
    const bytes = encodeRpcStatus({ code: 6, message: 'déjà utilisé', errorInfo: { reason: 'IDEMPOTENCY_KEY_REUSED', domain: 'custody.v1', metadata: { field: 'amount', defect: 'x' } } });
    const status = Status.toObject(Status.decode(bytes)) as { code: number; message: string; details: Array<{ type_url: string; value: Uint8Array }> };
    expect(status.code).toBe(6);
    expect(status.message).toBe('déjà utilisé');
    expect(status.details).toHaveLength(1);
    expect(status.details[0].type_url).toBe(ERROR_INFO_TYPE_URL);
    expect(ErrorInfo.toObject(ErrorInfo.decode(status.details[0].value))).toEqual({ reason: 'IDEMPOTENCY_KEY_REUSED', domain: 'custody.v1', metadata: { field: 'amount', defect: 'x' } });
  });

  it('we read what a client writes, skipping details of other types', async () => {
    const { Status, ErrorInfo } = await loaded;
    const info = ErrorInfo.encode(ErrorInfo.create({ reason: 'NOT_FOUND', domain: 'custody.v1', metadata: { a: 'b' } })).finish();
    const other = { type_url: 'type.googleapis.com/google.rpc.RetryInfo', value: Buffer.from([8, 1]) };
    const bytes = Status.encode(Status.fromObject({ code: 5, message: 'no such transfer', details: [other, { type_url: ERROR_INFO_TYPE_URL, value: info }] })).finish();
    expect(decodeRpcStatus(Buffer.from(bytes))).toEqual({ code: 5, message: 'no such transfer', errorInfo: { reason: 'NOT_FOUND', domain: 'custody.v1', metadata: { a: 'b' } } });
  });
});
