import 'reflect-metadata';
import { loadCustodyConfig } from '@custody/service-kit';
import { simulatorSettings } from './simulator-settings';
import { startBankSimulator } from './start-bank-simulator';

/**
 * bank-simulator: a custodian bank for dev, test and demo (tools/stack starts one per bank marked
 * `simulate`). Env: BANK_CODE (which configured bank to be), PORT (control API), CUSTODY_CONFIG.
 */
async function main(): Promise<void> {
  const bankCode = process.env.BANK_CODE;
  if (!bankCode) throw new Error('BANK_CODE is required: the code of the configured bank to simulate');
  const port = Number(process.env.PORT ?? '7321');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT ${process.env.PORT} is not a port`);
  const simulator = await startBankSimulator(simulatorSettings(loadCustodyConfig(), bankCode, port), { logLevel: process.env.LOG_LEVEL });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    simulator.core.sessions.destroyAll(`${signal}: bank simulator stopping`);
    void simulator.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`bank-simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
