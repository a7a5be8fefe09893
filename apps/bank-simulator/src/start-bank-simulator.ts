import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { keepIdleConnections, REDACTED_PATHS, withoutEtags } from '@custody/service-kit';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { pino } from 'pino';
import { BankSimulatorModule } from './bank-simulator.module';
import { ControlProblemFilter } from './control/control-problem.filter';
import { createSimulatorCore, type SimulatorCore } from './simulator-core';
import type { SimulatorSettings } from './simulator-settings';

export interface RunningBankSimulator {
  readonly core: SimulatorCore;
  readonly controlUrl: string;
  readonly tcpPort: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** pino level; `silent` in tests. */
  readonly logLevel?: string;
}

/**
 * Starts the bank: the TCP endpoint for broker sessions first, then the control API, so that a
 * healthy `/health` means the broker can connect. The control API has no authentication: it is a
 * dev/test tool and binds to loopback only.
 */
export async function startBankSimulator(settings: SimulatorSettings, options: StartOptions = {}): Promise<RunningBankSimulator> {
  const logger = pino({
    name: `bank-simulator-${settings.bankCode}`,
    level: options.logLevel ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
  const core = createSimulatorCore(settings, logger);
  const tcp = await core.tcp.listen();
  try {
    const app = await NestFactory.create(BankSimulatorModule.register(core, logger), { bufferLogs: true });
    app.useLogger(app.get(NestPinoLogger));
    app.useGlobalFilters(new ControlProblemFilter(logger));
    keepIdleConnections(app.getHttpServer() as Server);
    withoutEtags(app);
    await app.listen(settings.controlPort, settings.controlHost);
    const control = (app.getHttpServer() as Server).address() as AddressInfo;
    logger.info({ bankCode: settings.bankCode, controlPort: control.port, tcpPort: tcp.port }, 'bank simulator ready');
    return {
      core,
      controlUrl: `http://${settings.controlHost}:${control.port}`,
      tcpPort: tcp.port,
      async stop() {
        core.dayClose.stop();
        await core.tcp.close();
        await app.close();
      },
    };
  } catch (error) {
    await core.tcp.close();
    throw error;
  }
}
