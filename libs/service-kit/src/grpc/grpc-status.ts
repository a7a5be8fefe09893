import { Metadata, status as GrpcCode, type ServiceError } from '@grpc/grpc-js';
import { CUSTODY_GRPC_DOMAIN } from '@custody/contracts';
import type { Problem } from '../problem.filter';
import { encodeRpcStatus } from './rpc-status';

/** The API's codes that say "what you name exists already" rather than "the state forbids it now". */
const ALREADY_EXISTS_CODES = new Set(['IDEMPOTENCY_KEY_REUSED', 'ALREADY_EXISTS', 'RELATIONSHIP_EXISTS', 'PRIMARY_EXISTS']);

/**
 * The one mapping of a problem (its HTTP status and stable code) to a gRPC status (docs/design.md "gRPC"). A 409 is
 * ALREADY_EXISTS when the code names something that exists, else FAILED_PRECONDITION (the state forbids it now),
 * as a 422 business refusal is; 503 is UNAVAILABLE, the code a client's retry policy retries. A problem whose
 * outcome is not known (202 BANK_OUTCOME_UNKNOWN) is UNKNOWN.
 */
export function grpcCodeOf(problem: Pick<Problem, 'status' | 'code'>): GrpcCode {
  switch (problem.status) {
    case 400:
    case 413:
    case 415:
      return GrpcCode.INVALID_ARGUMENT;
    case 401:
      return GrpcCode.UNAUTHENTICATED;
    case 403:
      return GrpcCode.PERMISSION_DENIED;
    case 404:
      return GrpcCode.NOT_FOUND;
    case 409:
      return ALREADY_EXISTS_CODES.has(problem.code) ? GrpcCode.ALREADY_EXISTS : GrpcCode.FAILED_PRECONDITION;
    case 422:
      return GrpcCode.FAILED_PRECONDITION;
    case 429:
      return GrpcCode.RESOURCE_EXHAUSTED;
    case 202:
      return GrpcCode.UNKNOWN;
    case 503:
      return GrpcCode.UNAVAILABLE;
    case 504:
      return GrpcCode.DEADLINE_EXCEEDED;
    case 501:
      return GrpcCode.UNIMPLEMENTED;
    default:
      return GrpcCode.INTERNAL;
  }
}

const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'code', 'detail']);

/**
 * A problem as a failed call: the gRPC status of `grpcCodeOf`, `detail` as the status message, and the rich error
 * model in `grpc-status-details-bin` (google.rpc.Status with one ErrorInfo: reason = the stable code, metadata = the
 * problem's other members such as bankCode and bankReturnCode, as text).
 */
export function serviceErrorOf(problem: Problem): ServiceError {
  const code = grpcCodeOf(problem);
  const extensions = Object.entries(problem).filter(([name, value]) => !PROBLEM_MEMBERS.has(name) && value !== undefined && value !== null);
  const metadata = new Metadata();
  metadata.set(
    'grpc-status-details-bin',
    encodeRpcStatus({
      code,
      message: problem.detail,
      errorInfo: { reason: problem.code, domain: CUSTODY_GRPC_DOMAIN, metadata: Object.fromEntries(extensions.map(([name, value]) => [name, String(value)])) },
    }),
  );
  return Object.assign(new Error(problem.detail), { code, details: problem.detail, metadata });
}
