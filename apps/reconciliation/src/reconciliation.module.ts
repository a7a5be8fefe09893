import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Clock, HealthController, loggingModule, platformProviders, SERVICE_ROLE, signingIdentity, TokenSource, type ServiceContext } from '@custody/service-kit';
import { DataSource } from 'typeorm';
import { BankFilesService } from './bank-files/bank-files.service';
import { AdjustmentProjection } from './breaks/adjustment-projection';
import { BreakBook } from './breaks/break-book';
import { OperatorCasesService } from './breaks/operator-cases.service';
import { SummaryChecks } from './breaks/summary-checks';
import { BrokerFileOwners, HttpBrokerFileOwners } from './broker-files/broker-file-owners';
import { BrokerFilesService } from './broker-files/broker-files.service';
import { ComparisonService } from './comparison/comparison.service';
import { DayFileReader } from './comparison/day-file.reader';
import { DayProgress } from './comparison/day-progress';
import { DifAgreement } from './comparison/dif-agreement';
import { FileLoadsRepository } from './comparison/file-loads.repository';
import { SnapshotUnknownsRepository } from './comparison/snapshot-unknowns.repository';
import { DayFileStore } from './day-files/day-file.store';
import { DayFilesInternalController } from './day-files/day-files.internal.controller';
import { JobWorker } from './jobs/job-worker';
import { JobRepository } from './jobs/job.repository';
import { ReconciliationViewService } from './view/reconciliation-view.service';
import { ReconciliationController } from './view/reconciliation.controller';

/** The parts of the service, for the module and for integration tests that wire them by hand. */
export const RECONCILIATION_PROVIDERS = [
  DayFileStore,
  JobRepository,
  FileLoadsRepository,
  SnapshotUnknownsRepository,
  BreakBook,
  DifAgreement,
  DayProgress,
  DayFileReader,
  ComparisonService,
  BrokerFilesService,
  BankFilesService,
  OperatorCasesService,
  AdjustmentProjection,
  SummaryChecks,
  ReconciliationViewService,
];

export function jobWorkerOf(dataSource: DataSource, jobs: JobRepository, brokerFiles: BrokerFilesService, bankFiles: BankFilesService, comparison: ComparisonService): JobWorker {
  return new JobWorker(dataSource, jobs, { BROKER_FILES: brokerFiles, READ_BANK_FILE: bankFiles, COMPARE: comparison }, { pollMs: Number(process.env.CUSTODY_RECONCILIATION_POLL_MS ?? 500) });
}

@Module({})
export class ReconciliationModule {
  static register(ctx: ServiceContext): DynamicModule {
    // The owners of the broker's files (docs/design.md "The close of a bank's day"), asked as this service, role `service`.
    const urls = { transfer: process.env.CUSTODY_TRANSFER_URL ?? 'http://127.0.0.1:7102', account: process.env.CUSTODY_ACCOUNT_URL ?? 'http://127.0.0.1:7101' };
    const identity = signingIdentity(ctx.auth, ctx.name);
    return {
      module: ReconciliationModule,
      imports: [loggingModule(ctx.name), TerminusModule],
      controllers: [HealthController, ReconciliationController, DayFilesInternalController],
      providers: [
        ...platformProviders(ctx),
        ...RECONCILIATION_PROVIDERS,
        { provide: BrokerFileOwners, useFactory: (clock: Clock) => new HttpBrokerFileOwners(urls, new TokenSource(identity, SERVICE_ROLE, { clock }).token), inject: [Clock] },
        { provide: JobWorker, useFactory: jobWorkerOf, inject: [DataSource, JobRepository, BrokerFilesService, BankFilesService, ComparisonService] },
      ],
    };
  }
}
