/**
 * google.rpc.Status holding one google.rpc.ErrorInfo (libs/contracts/proto/google/rpc/status.proto), written and
 * read in protobuf's wire format by hand: three small messages do not justify a protobuf runtime as a dependency
 * of its own, and the unit test checks these bytes against the .proto read by protobufjs.
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

const VARINT = 0;
const LENGTH_DELIMITED = 2;

function varint(value: number): Buffer {
  const bytes: number[] = [];
  // An int32 below zero is ten bytes of two's complement in protobuf; gRPC codes are never negative.
  let rest = value >>> 0;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function field(number: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint((number << 3) | LENGTH_DELIMITED), varint(bytes.length), bytes]);
}

function text(number: number, value: string): Buffer {
  return value === '' ? Buffer.alloc(0) : field(number, Buffer.from(value, 'utf8'));
}

function encodeErrorInfo(info: ErrorInfo): Buffer {
  const entries = Object.entries(info.metadata).map(([key, value]) => field(3, Buffer.concat([text(1, key), text(2, value)])));
  return Buffer.concat([text(1, info.reason), text(2, info.domain), ...entries]);
}

/** The bytes of `grpc-status-details-bin`. */
export function encodeRpcStatus(status: RpcStatus): Buffer {
  const code = status.code === 0 ? Buffer.alloc(0) : Buffer.concat([varint((1 << 3) | VARINT), varint(status.code)]);
  const details = status.errorInfo ? field(3, Buffer.concat([text(1, ERROR_INFO_TYPE_URL), field(2, encodeErrorInfo(status.errorInfo))])) : Buffer.alloc(0);
  return Buffer.concat([code, text(2, status.message), details]);
}

interface WireField {
  number: number;
  value: number | Buffer;
}

function* fieldsOf(bytes: Buffer): Generator<WireField> {
  let at = 0;
  const readVarint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= bytes.length) throw new Error('truncated varint');
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const tag = readVarint();
    const wireType = tag & 7;
    if (wireType === VARINT) yield { number: tag >>> 3, value: readVarint() };
    else if (wireType === LENGTH_DELIMITED) {
      const length = readVarint();
      if (at + length > bytes.length) throw new Error('truncated field');
      yield { number: tag >>> 3, value: bytes.subarray(at, at + length) };
      at += length;
    } else throw new Error(`wire type ${wireType} is not used by google.rpc.Status`);
  }
}

const asText = (value: number | Buffer): string => (Buffer.isBuffer(value) ? value.toString('utf8') : '');

function decodeErrorInfo(bytes: Buffer): ErrorInfo {
  const info: ErrorInfo = { reason: '', domain: '', metadata: {} };
  for (const f of fieldsOf(bytes)) {
    if (f.number === 1) info.reason = asText(f.value);
    else if (f.number === 2) info.domain = asText(f.value);
    else if (f.number === 3 && Buffer.isBuffer(f.value)) {
      let key = '';
      let value = '';
      for (const entry of fieldsOf(f.value)) {
        if (entry.number === 1) key = asText(entry.value);
        else if (entry.number === 2) value = asText(entry.value);
      }
      info.metadata[key] = value;
    }
  }
  return info;
}

/** Reads `grpc-status-details-bin`: its code, message and the first ErrorInfo among its details (others are skipped). */
export function decodeRpcStatus(bytes: Buffer): RpcStatus {
  const status: RpcStatus = { code: 0, message: '' };
  for (const f of fieldsOf(bytes)) {
    if (f.number === 1 && typeof f.value === 'number') status.code = f.value;
    else if (f.number === 2) status.message = asText(f.value);
    else if (f.number === 3 && Buffer.isBuffer(f.value) && !status.errorInfo) {
      let typeUrl = '';
      let value: Buffer | undefined;
      for (const any of fieldsOf(f.value)) {
        if (any.number === 1) typeUrl = asText(any.value);
        else if (any.number === 2 && Buffer.isBuffer(any.value)) value = any.value;
      }
      if (typeUrl === ERROR_INFO_TYPE_URL) status.errorInfo = decodeErrorInfo(value ?? Buffer.alloc(0));
    }
  }
  return status;
}
