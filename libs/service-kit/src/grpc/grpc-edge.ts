import { Logger } from '@nestjs/common';
import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import { authorizedCaller } from '../auth';
import { withIncomingContext } from '../http-tracing';
import type { TokenVerifier } from '../bearer-tokens';
import { isServerFault, problemFromError } from '../problem.filter';
import type { Caller, CallerRole } from '../roles';
import { serviceErrorOf } from './grpc-status';

/** One gRPC method as an edge: who may call it and what it does, thin as a controller method is (conventions.md). */
export interface UnaryRpc<Request, Response> {
  roles: readonly CallerRole[];
  handle(request: Request, caller: Caller): Promise<Response>;
}

const logger = new Logger('GrpcEdge');

/**
 * Wraps every gRPC method the same way, as RoleGuard and ProblemFilter wrap an HTTP handler: the bearer token of the
 * metadata `authorization` checked against the method's roles, then the handler, and any error turned into the
 * gRPC status of its problem (grpc-status.ts). The call runs in a server span named by its full method
 * (`custody.v1.Transfers/CreateTransfer`) continuing the caller's `traceparent` metadata, as an HTTP request's does.
 */
export function unaryHandler<Request, Response>(method: string, rpc: UnaryRpc<Request, Response>, verifier: TokenVerifier): handleUnaryCall<Request, Response> {
  return (call, callback) => {
    withIncomingContext(call.metadata.getMap(), method, () => serve(call, rpc, verifier)).then(
      (response) => callback(null, response),
      (error: unknown) => {
        const problem = problemFromError(error);
        if (isServerFault(problem)) logger.error({ err: error, code: problem.code, method }, 'gRPC call failed');
        callback(serviceErrorOf(problem));
      },
    );
  };
}

async function serve<Request, Response>(call: ServerUnaryCall<Request, Response>, rpc: UnaryRpc<Request, Response>, verifier: TokenVerifier): Promise<Response> {
  const [authorization] = call.metadata.get('authorization');
  const caller = authorizedCaller(typeof authorization === 'string' ? authorization : undefined, verifier, rpc.roles);
  return rpc.handle(call.request, caller);
}
