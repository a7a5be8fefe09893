export * from './rpc-status';
export * from './grpc-status';
export * from './grpc-edge';
export * from './grpc-server';
