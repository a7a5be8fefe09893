// `npm start` entry: runs the TypeScript launcher through SWC (same loader the services use).
require('@swc-node/register');
require('./start.ts');
