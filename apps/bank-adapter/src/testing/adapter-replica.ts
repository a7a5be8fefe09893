import { randomBytes } from 'node:crypto';
import { SecretSealer, TopicNamespace } from '@custody/service-kit';
import { createTestKafka, redisUrlFromEnv, testConsumerTimings } from '@custody/testing';
import type { BankAdapterOptions } from '../bank-adapter.runtime';
import { HttpDayFileStore } from '../files/reconciliation-files.client';
import type { AdapterLogger } from '../platform/adapter-logger';
import { TEST_BANK, testBankConfig } from './minimal-bank';

/** One replica of the test bank's adapter, as a test runs several against one database, bank and file store. */
export interface ReplicaSettings {
  readonly name: string;
  readonly bankPort: number;
  readonly requestTimeoutMs: number;
  readonly namespace: string;
  readonly databaseUrl: string;
  readonly reconciliationUrl: string;
  /** The bearer token the stand-in reconciliation service takes. */
  readonly serviceToken: string;
  readonly fileStepLeaseMs: number;
}

export function replicaOptions(settings: ReplicaSettings, logger: AdapterLogger): BankAdapterOptions {
  return {
    bank: testBankConfig(settings.bankPort, settings.requestTimeoutMs),
    brokerInstId: TEST_BANK.brokerInstId,
    exchangeKey: Buffer.from(TEST_BANK.exchangeKeyHex, 'hex'),
    namespace: new TopicNamespace(settings.namespace),
    kafka: createTestKafka(settings.name),
    redisUrl: redisUrlFromEnv(),
    databaseUrl: settings.databaseUrl,
    secrets: new SecretSealer(randomBytes(32)),
    dayFiles: new HttpDayFileStore(settings.reconciliationUrl, TEST_BANK.code, () => settings.serviceToken),
    logger,
    timings: { reconnectInitialDelayMs: 50, reconnectMaxDelayMs: 200, fileStepPollMs: 100, fileStepLeaseMs: settings.fileStepLeaseMs },
    consumerTuning: testConsumerTimings,
  };
}
