// Jest setup for integration tests: services log through Nest's Logger, which in a test (no nestjs-pino app)
// prints every info line; keep warnings and errors, which are what a failing test needs.
const { Logger } = require('@nestjs/common');
Logger.overrideLogger(['error', 'warn']);
