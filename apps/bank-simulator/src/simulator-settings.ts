import { type CustodyConfig, ConfigError, findBank, resolveSecret } from '@custody/service-kit';
import type { BankEndpointSettings } from './protocol/bank-tcp.server';

export interface SimulatorSettings extends BankEndpointSettings {
  readonly bankName: string;
  readonly summaryAccount: string;
  /** Whether this bank accepts the broker's 12004 (F-4.4 S); otherwise it answers 1034. */
  readonly acceptsSecuritiesToBankReversal: boolean;
  /** The control API binds here; loopback only (it has no authentication). */
  readonly controlHost: string;
  /** 0 picks a free port (tests). */
  readonly controlPort: number;
}

/** The simulated bank is the configured bank seen from the other side (bank-protocol.md §6). */
export function simulatorSettings(config: CustodyConfig, bankCode: string, controlPort: number): SimulatorSettings {
  const bank = findBank(config, bankCode);
  if (!bank) throw new ConfigError(`bank ${bankCode} is not in the custody configuration`);
  return {
    bankCode: bank.code,
    bankName: bank.name,
    brokerInstId: config.broker.instId,
    tcpHost: bank.host,
    tcpPort: bank.port,
    checksumMode: bank.checksum,
    exchangeKey: resolveSecret(bank.exchangeKey),
    maxInFlightPerSession: bank.maxInFlightPerSession,
    requestTimeoutMs: bank.requestTimeoutMs,
    summaryAccount: bank.summaryAccount,
    acceptsSecuritiesToBankReversal: bank.acceptsSecuritiesToBankReversal,
    controlHost: '127.0.0.1',
    controlPort,
  };
}
