// Jest global setup for system tests: start the isolated stack once for all system test files.

const { startSystemStack } = require('./system-stack.ts');

module.exports = async () => {
  const started = Date.now();
  globalThis.__CUSTODY_STACK__ = await startSystemStack();
  console.log(`\nsystem stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
};
