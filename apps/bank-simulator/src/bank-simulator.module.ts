import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { requestLogLevel } from '@custody/service-kit';
import { BankBooks } from './books/bank-books';
import { BankInitiatedController } from './control/bank-initiated.controller';
import { BooksController } from './control/books.controller';
import { SIMULATOR_SETTINGS } from './control/control-tokens';
import { DayFilesController } from './control/day-files.controller';
import { BankDayFiles } from './day-close/bank-day-files';
import { FaultsController } from './control/faults.controller';
import { HealthController } from './control/health.controller';
import { BankInitiatedTransfers } from './protocol/bank-initiated-transfers.service';
import { BankTcpServer } from './protocol/bank-tcp.server';
import { BrokerSessions } from './protocol/broker-sessions';
import { FaultPlan } from './protocol/fault-plan';
import type { SimulatorCore } from './simulator-core';

/** The control API's module: thin controllers over the core built in `simulator-core.ts`. */
@Module({})
export class BankSimulatorModule {
  static register(core: SimulatorCore, logger: Logger): DynamicModule {
    return {
      module: BankSimulatorModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            // Health probes would drown the log; bodies are never logged (they carry passwords).
            autoLogging: { ignore: (req) => req.url === '/health' },
            // As the hub's: a success is debug (a benchmark's every deposit starts here), a refusal info, a failure an error.
            customLogLevel: requestLogLevel(logger.level),
            serializers: { req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: req.url }) },
          },
        }),
      ],
      controllers: [HealthController, BooksController, BankInitiatedController, FaultsController, DayFilesController],
      providers: [
        { provide: SIMULATOR_SETTINGS, useValue: core.settings },
        { provide: BankBooks, useValue: core.books },
        { provide: FaultPlan, useValue: core.faults },
        { provide: BrokerSessions, useValue: core.sessions },
        { provide: BankTcpServer, useValue: core.tcp },
        { provide: BankInitiatedTransfers, useValue: core.bankInitiated },
        { provide: BankDayFiles, useValue: core.files },
      ],
    };
  }
}
