// Jest global teardown: stop every process the system stack started.
module.exports = async () => {
  if (globalThis.__CUSTODY_STACK__) await globalThis.__CUSTODY_STACK__.stop();
};
