import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type INestApplication, Module } from '@nestjs/common';
import { Outbox } from '@custody/messaging';
import { Clock, CUSTODY_CONFIG, type CustodyConfig, loggingModule, newIssuer, ROLES, SERVICE_ROLE, serviceMigrations, signToken, startHttpService, TokenVerifier } from '@custody/service-kit';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { BankFilesService } from '../bank-files/bank-files.service';
import { AdjustmentProjection } from '../breaks/adjustment-projection';
import { BreakBook } from '../breaks/break-book';
import { OperatorCasesService } from '../breaks/operator-cases.service';
import { SummaryChecks } from '../breaks/summary-checks';
import type { BrokerFileOwners } from '../broker-files/broker-file-owners';
import { BrokerFilesService } from '../broker-files/broker-files.service';
import { ComparisonService } from '../comparison/comparison.service';
import { DayFileReader } from '../comparison/day-file.reader';
import { DayProgress } from '../comparison/day-progress';
import { DifAgreement } from '../comparison/dif-agreement';
import { FileLoadsRepository } from '../comparison/file-loads.repository';
import { SnapshotUnknownsRepository } from '../comparison/snapshot-unknowns.repository';
import { DayFileStore } from '../day-files/day-file.store';
import { DayFilesInternalController } from '../day-files/day-files.internal.controller';
import type { JobWorker } from '../jobs/job-worker';
import { JobRepository } from '../jobs/job.repository';
import { jobWorkerOf } from '../reconciliation.module';
import { RECONCILIATION_SCHEMA } from '../reconciliation.schema';
import { reconciliationSubscriptions } from '../reconciliation.subscriptions';
import { ReconciliationViewService } from '../view/reconciliation-view.service';
import { ReconciliationController } from '../view/reconciliation.controller';

/** The reconciliation service's parts wired as its module wires them, over a fresh database with its real migrations. */
export interface ReconciliationTestbed {
  readonly db: TestDatabase;
  readonly store: DayFileStore;
  readonly jobs: JobRepository;
  readonly brokerFiles: BrokerFilesService;
  readonly bankFiles: BankFilesService;
  readonly comparison: ComparisonService;
  readonly summaryChecks: SummaryChecks;
  readonly adjustments: AdjustmentProjection;
  readonly operatorCases: OperatorCasesService;
  readonly view: ReconciliationViewService;
  readonly worker: JobWorker;
  subscriptions(): ReturnType<typeof reconciliationSubscriptions>;
  /** Runs due jobs until none is left (a job that fails is postponed, so this ends). */
  drainJobs(): Promise<void>;
  /** Messages the service wrote to its outbox, of one type, oldest first. */
  outboxPayloads<T = Record<string, unknown>>(type: string): Promise<T[]>;
  /** The service's HTTP edge (public and internal controllers) and tokens to call it with. */
  startHttp(): Promise<ReconciliationHttp>;
  close(): Promise<void>;
}

export interface ReconciliationHttp {
  readonly baseUrl: string;
  token(role: (typeof ROLES)[number] | typeof SERVICE_ROLE): string;
}

export async function startReconciliationTestbed(name: string, config: CustodyConfig, owners: BrokerFileOwners, clock: Clock = new Clock()): Promise<ReconciliationTestbed> {
  const db = await createTestDatabase({
    name,
    schema: RECONCILIATION_SCHEMA.schema,
    migrations: serviceMigrations(RECONCILIATION_SCHEMA.schema, randomBytes(32), RECONCILIATION_SCHEMA.migrations),
  });
  const ds = db.dataSource;
  const outbox = new Outbox('reconciliation');
  const store = new DayFileStore(ds);
  const jobs = new JobRepository(ds);
  const loads = new FileLoadsRepository();
  const unknowns = new SnapshotUnknownsRepository();
  const breaks = new BreakBook(outbox);
  const difs = new DifAgreement(loads);
  const progress = new DayProgress(loads, jobs, difs, breaks);
  const reader = new DayFileReader(ds, store, loads, breaks);
  const comparison = new ComparisonService(ds, store, loads, unknowns, breaks, difs, progress, jobs);
  const brokerFiles = new BrokerFilesService(ds, jobs, store, reader, progress, unknowns, owners, outbox, clock);
  const bankFiles = new BankFilesService(ds, jobs, store, reader, progress, loads);
  const summaryChecks = new SummaryChecks();
  const adjustments = new AdjustmentProjection(breaks);
  const operatorCases = new OperatorCasesService(breaks);
  const view = new ReconciliationViewService(ds, store, config);
  const worker = jobWorkerOf(ds, jobs, brokerFiles, bankFiles, comparison);
  const apps: INestApplication[] = [];
  return {
    db,
    store,
    jobs,
    brokerFiles,
    bankFiles,
    comparison,
    summaryChecks,
    adjustments,
    operatorCases,
    view,
    worker,
    subscriptions: () => reconciliationSubscriptions({ brokerFiles, bankFiles, summaryChecks, adjustments, operatorCases }),
    async drainJobs() {
      while ((await worker.runDue()) > 0) {
        // each pass takes what is due; what a job queued runs in the next
      }
    },
    async outboxPayloads<T>(type: string): Promise<T[]> {
      const rows: Array<{ envelope: { payload: T } }> = await ds.query(`SELECT envelope FROM reconciliation.outbox WHERE envelope ->> 'type' = $1 ORDER BY id`, [type]);
      return rows.map((row) => row.envelope.payload);
    },
    async startHttp() {
      const users = newIssuer('identity-provider', ROLES);
      const services = newIssuer('bank-adapter-1021000', [SERVICE_ROLE]);
      @Module({
        imports: [loggingModule('reconciliation-test')],
        controllers: [ReconciliationController, DayFilesInternalController],
        providers: [
          { provide: DayFileStore, useValue: store },
          { provide: ReconciliationViewService, useValue: view },
          { provide: CUSTODY_CONFIG, useValue: config },
        ],
      })
      class ReconciliationTestModule {}
      const app = await startHttpService(ReconciliationTestModule, { name: 'reconciliation-test', port: 0, tokenVerifier: new TokenVerifier([users.trusted, services.trusted]) });
      apps.push(app);
      return {
        baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
        token: (role) =>
          role === SERVICE_ROLE ? signToken(services.identity, { subject: 'bank-adapter-1021000', role }, new Date(), 60_000) : signToken(users.identity, { subject: `u-${role}`, role }, new Date(), 60_000),
      };
    },
    async close() {
      await worker.stop();
      for (const app of apps) await app.close();
      await db.drop();
    },
  };
}
