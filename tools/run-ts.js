// Runs a TypeScript entry point with the same SWC loader the services use: node tools/run-ts.js file.ts [args]
require('@swc-node/register');
require(require('node:path').resolve(process.argv[2]));
