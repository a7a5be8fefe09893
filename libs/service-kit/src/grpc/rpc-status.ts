import { resolve } from 'node:path';
import { Root, type Type } from 'protobufjs';
import { custodyProtoDir } from '@custody/contracts';

/**
 * google.rpc.Status holding one google.rpc.ErrorInfo, the rich error model a custody.v1 call fails with, written and
 * read by protobufjs (the runtime @grpc/proto-loader reads .proto files with) from the same
 * libs/contracts/proto/google/rpc/status.proto a client is given.
 */
export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

export interface RpcStatus {
  code: number;
  message: string;
  errorInfo?: ErrorInfo;
}

export const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

interface DecodedStatus {
  code: number;
  message: string;
  // google.protobuf.Any is protobufjs's own definition, whose field keeps the .proto's name.
  details: Array<{ type_url: string; value: Uint8Array }>;
}

let types: { Status: Type; ErrorInfo: Type } | undefined;

function rpcTypes(): { Status: Type; ErrorInfo: Type } {
  if (!types) {
    const root = new Root();
    // google/protobuf/any.proto is one of protobufjs's bundled files; ours are under the proto directory.
    root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : resolve(custodyProtoDir(), target));
    root.loadSync('google/rpc/status.proto');
    types = { Status: root.lookupType('google.rpc.Status'), ErrorInfo: root.lookupType('google.rpc.ErrorInfo') };
  }
  return types;
}

const ALL_FIELDS = { defaults: true, arrays: true, objects: true };

/** The bytes of `grpc-status-details-bin`. */
export function encodeRpcStatus(status: RpcStatus): Buffer {
  const { Status, ErrorInfo } = rpcTypes();
  const details = status.errorInfo ? [{ type_url: ERROR_INFO_TYPE_URL, value: ErrorInfo.encode(ErrorInfo.fromObject(status.errorInfo)).finish() }] : [];
  return Buffer.from(Status.encode(Status.fromObject({ code: status.code, message: status.message, details })).finish());
}

/** Reads `grpc-status-details-bin`: its code, message and the first ErrorInfo among its details (others are skipped). */
export function decodeRpcStatus(bytes: Buffer): RpcStatus {
  const { Status, ErrorInfo } = rpcTypes();
  const status = Status.toObject(Status.decode(bytes), ALL_FIELDS) as DecodedStatus;
  const info = status.details.find((detail) => detail.type_url === ERROR_INFO_TYPE_URL);
  const errorInfo = info && (ErrorInfo.toObject(ErrorInfo.decode(info.value), ALL_FIELDS) as ErrorInfo);
  return { code: status.code, message: status.message, ...(errorInfo && { errorInfo }) };
}
