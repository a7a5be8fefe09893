import 'reflect-metadata';
import { createKafka } from '@custody/messaging';
import { PinVerifierPublicKey } from '@custody/bank-protocol';
import {
  consumerStuckAfterMsFrom,
  createMetricsRegistry,
  exitWhenDone,
  findBank,
  FundPasswordVerificationClient,
  loadCustodyConfig,
  migrateSchema,
  migrationPolicyFrom,
  readAuthSettings,
  readFundPinPublicKey,
  readRuntimeEnv,
  resolveSecret,
  SecretSealer,
  serviceCommandFrom,
  SERVICE_ROLE,
  signingIdentity,
  startHttpService,
  startTracing,
  TokenSource,
  TokenVerifier,
  TopicNamespace,
} from '@custody/service-kit';
import { accountServiceUrlFrom, reconciliationServiceUrlFrom } from './adapter-settings';
import { startBankAdapter } from './bank-adapter.runtime';
import { BANK_ADAPTER_SCHEMA } from './bank-adapter.schema';
import { HttpDayFileStore } from './files/reconciliation-files.client';
import { HttpFundPasswordChecker } from './inbound/fund-password.verifier';
import { BankAdapterModule } from './http/bank-adapter.module';
import { createAdapterLogger, describeError } from './platform/adapter-logger';

/**
 * bank-adapter: the broker's one door to one bank (`BANK_CODE`) over the bank protocol, and the
 * bridge between that bank and our services over Kafka. One process per configured bank.
 */
async function main(): Promise<void> {
  const bankCode = process.env.BANK_CODE;
  const migrationPolicy = migrationPolicyFrom();
  if (!bankCode) throw new Error('BANK_CODE must name the bank this adapter serves');
  const env = readRuntimeEnv(7110);
  const auth = readAuthSettings();
  const config = loadCustodyConfig();
  const bank = findBank(config, bankCode);
  if (!bank) throw new Error(`bank ${bankCode} is not in the custody configuration`);
  const name = `bank-adapter-${bank.code}`;
  const stopTracing = startTracing(name);
  const logger = createAdapterLogger(name);
  const metrics = createMetricsRegistry({ service: 'bank-adapter', bank: bank.code });
  const accountServiceUrl = accountServiceUrlFrom();
  const reconciliationUrl = reconciliationServiceUrlFrom();
  // The adapter's own identity, with the one role the internal endpoints it calls need (the account service's
  // fund-password verification, the reconciliation service's day files): they see which adapter asks, and this
  // key can sign nothing a verifier would take for more.
  const serviceToken = accountServiceUrl || reconciliationUrl ? new TokenSource(signingIdentity(auth, name), SERVICE_ROLE).token : undefined;
  // Only the public half: the adapter translates PIN blocks to the account service's key and can never open them again.
  const accountPinKey = new PinVerifierPublicKey(readFundPinPublicKey());
  if (!accountServiceUrl) logger.warn({ bankCode: bank.code }, 'CUSTODY_ACCOUNT_URL not set: fund passwords cannot be verified, 12002 from the bank is answered 2033');

  const adapter = await startBankAdapter({
    bank,
    brokerInstId: config.broker.instId,
    exchangeKey: resolveSecret(bank.exchangeKey),
    namespace: TopicNamespace.fromEnv(),
    // CUSTODY_INSTANCE tells replicas of one bank's adapter apart (a pod name in Kubernetes).
    kafka: createKafka({ clientId: process.env.CUSTODY_INSTANCE ?? name, brokers: env.kafkaBrokers }),
    redisUrl: env.redisUrl,
    databaseUrl: env.databaseUrl,
    migrationPolicy,
    secrets: new SecretSealer(env.secretSealingKey),
    fundPasswords: accountServiceUrl && serviceToken ? new HttpFundPasswordChecker(accountPinKey, new FundPasswordVerificationClient(accountServiceUrl, serviceToken)) : undefined,
    dayFiles: reconciliationUrl && serviceToken ? new HttpDayFileStore(reconciliationUrl, bank.code, serviceToken) : undefined,
    logger,
    consumerTuning: { ...env.consumerTuning, stuckAfterMs: consumerStuckAfterMsFrom() },
    metrics,
  });
  const app = await startHttpService(BankAdapterModule.register(adapter), { name, port: env.port, tokenVerifier: new TokenVerifier(auth.trustedIssuers), metrics });

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new calls, answering pending bank requests, signing off');
    await adapter.stop().catch((error: unknown) => logger.error({ error: describeError(error) }, 'adapter did not stop cleanly'));
    await app.close().catch(() => undefined);
    await stopTracing().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/**
 * `main.js migrate` (the migrations Job of the bank_adapter schema, one for all banks: they share it) or the
 * adapter itself; `provision-topics` is the database services' (every bank's calls topic is in it).
 */
function run(): void {
  const command = serviceCommandFrom();
  if (command === 'migrate') return exitWhenDone(command, migrateSchema({ ...BANK_ADAPTER_SCHEMA, databaseUrl: readRuntimeEnv(7110).databaseUrl, applicationName: 'bank-adapter-migrations' }));
  if (command !== 'serve') throw new Error(`the bank adapter does not ${command}: run it with a database service's entry`);
  main().catch((error: unknown) => {
    console.error(`bank-adapter failed to start: ${describeError(error)}`);
    process.exit(1);
  });
}

run();
