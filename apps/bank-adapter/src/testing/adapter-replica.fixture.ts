/*
 * A replica of the test bank's adapter in a process of its own, for the file-step takeover test
 * (file-step-takeover.int-spec.ts): run with `node tools/run-ts.js <this file>` and killed with SIGKILL by the
 * test — a real crash: no stop(), its lease not given back, its sessions cut by the kernel. Settings come as
 * JSON in ADAPTER_REPLICA; it reports `started` and each log line as JSON on stdout.
 */
import { startBankAdapter } from '../bank-adapter.runtime';
import type { AdapterLogger } from '../platform/adapter-logger';
import { type ReplicaSettings, replicaOptions } from './adapter-replica';

export interface ReplicaEvent {
  readonly event: 'started' | 'log';
  readonly msg?: string;
  readonly fields?: Record<string, unknown>;
}

function report(event: ReplicaEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

const logger: AdapterLogger = {
  debug: () => undefined,
  info: (fields, msg) => report({ event: 'log', msg, fields }),
  warn: (fields, msg) => report({ event: 'log', msg, fields }),
  error: (fields, msg) => report({ event: 'log', msg, fields }),
};

async function main(): Promise<void> {
  const settings = JSON.parse(process.env['ADAPTER_REPLICA'] ?? '') as ReplicaSettings;
  await startBankAdapter(replicaOptions(settings, logger));
  report({ event: 'started' });
}

// A process of its own: loading this file runs it (tests import its types only).
main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
