import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

/** The gRPC services of spec/api.md, as files under the proto directory (libs/contracts/proto). */
export const CUSTODY_PROTO_FILES = ['custody/v1/transfers.proto', 'custody/v1/ledger.proto'] as const;

/** The `domain` of every google.rpc.ErrorInfo a custody.v1 call fails with. */
export const CUSTODY_GRPC_DOMAIN = 'custody.v1';

/** Overrides where the .proto files are read from (e.g. an image that keeps them elsewhere). */
export const PROTO_DIR_ENV = 'CUSTODY_PROTO_DIR';

/**
 * How every party reads the .proto files at run time, the server and our own clients alike: field names in
 * camelCase (`fund_account_no` is `fundAccountNo`, as in the JSON API, so a message maps onto the HTTP body's
 * names), enums as their names, fields not sent left out (proto3 cannot tell an empty string from one not sent, so
 * the edge reads both as "not given"), but a repeated field always there, `[]` when empty, as in JSON.
 */
export const CUSTODY_PROTO_OPTIONS: Options = { keepCase: false, enums: String, longs: String, defaults: false, arrays: true, oneofs: true };

/**
 * The one place the .proto directory is found: `CUSTODY_PROTO_DIR` if set, else `proto` beside this module's
 * directory (libs/contracts/proto from the sources; a build copies the directory to `../proto` from the compiled
 * grpc-protos.js, or into the directory of a bundle, `./proto`).
 */
export function custodyProtoDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env[PROTO_DIR_ENV] ? [resolve(env[PROTO_DIR_ENV])] : [resolve(__dirname, '../proto'), resolve(__dirname, 'proto')];
  const found = candidates.find((dir) => existsSync(resolve(dir, CUSTODY_PROTO_FILES[0])));
  if (!found) throw new Error(`the custody .proto files are not in ${candidates.join(' or ')}; set ${PROTO_DIR_ENV} to the directory holding custody/v1/`);
  return found;
}

/** custody.v1's services and messages, for `@grpc/grpc-js`'s loadPackageDefinition. */
export function loadCustodyProtos(): PackageDefinition {
  const dir = custodyProtoDir();
  return loadSync([...CUSTODY_PROTO_FILES], { ...CUSTODY_PROTO_OPTIONS, includeDirs: [dir] });
}

/** custody.v1's two services: `.service` is what a server adds, the constructor is a client (`new Transfers(address, credentials)`). */
export interface CustodyGrpcServices {
  Transfers: ServiceClientConstructor;
  Ledger: ServiceClientConstructor;
}

export function loadCustodyGrpc(): CustodyGrpcServices {
  const v1 = (loadPackageDefinition(loadCustodyProtos()) as unknown as { custody: { v1: CustodyGrpcServices } }).custody.v1;
  return { Transfers: v1.Transfers, Ledger: v1.Ledger };
}
