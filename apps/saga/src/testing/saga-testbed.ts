import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Outbox } from '@custody/messaging';
import { Clock, type CustodyConfig, loadCustodyConfig, serviceMigrations } from '@custody/service-kit';
import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { BankDayRepository } from '../day/bank-day.repository';
import { DayCloseSteps, type DayCloseSettings } from '../day/day-close-steps';
import { DayCloseRepository } from '../day/day-close.repository';
import { DayCloseService } from '../day/day-close.service';
import { DayCycleService, type DayCycleSettings } from '../day/day-cycle.service';
import { DaySaga } from '../day/day.saga';
import { DesignationSaga } from '../designation/designation.saga';
import { LedgerClient } from '../designation/ledger-client';
import { BankCallIssuer } from '../engine/bank-call.issuer';
import { SagaEngine } from '../engine/saga-engine';
import { SagaStore } from '../engine/saga-store';
import { TimerPoller } from '../engine/timer-poller';
import { Money } from '@custody/money';
import { SAGA_SCHEMA } from '../saga.schema';
import { TransferSaga } from '../transfer/transfer.saga';

/** A ledger with nothing in it: designations open with a zero balance. */
class ZeroLedger extends LedgerClient {
  async balance() {
    return Money.zero();
  }
}

/** A clock the test sets. */
export class TestClock extends Clock {
  constructor(public at = new Date()) {
    super();
  }

  override now(): Date {
    return new Date(this.at.getTime());
  }
}

export interface SagaTestbed {
  readonly db: TestDatabase;
  readonly config: CustodyConfig;
  readonly clock: TestClock;
  readonly store: SagaStore;
  readonly days: BankDayRepository;
  readonly cycle: DayCycleService;
  readonly closes: DayCloseRepository;
  readonly dayClose: DayCloseService;
  readonly transfers: TransferSaga;
  readonly designations: DesignationSaga;
  readonly engine: SagaEngine;
  readonly poller: TimerPoller;
  /** The command payloads the saga put in its outbox for `topic`, oldest first. */
  sent(topic: string): Promise<Array<Record<string, unknown>>>;
}

export interface SagaTestbedSettings {
  readonly cycle?: DayCycleSettings;
  readonly close?: DayCloseSettings;
}

/** The saga coordinator's parts, wired as its module wires them, over a fresh database with its real migrations. */
export async function startSagaTestbed(
  name: string,
  config: CustodyConfig = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml')),
  settings: SagaTestbedSettings = {},
): Promise<SagaTestbed> {
  const db = await createTestDatabase({ name, schema: SAGA_SCHEMA.schema, entities: SAGA_SCHEMA.entities, migrations: serviceMigrations(SAGA_SCHEMA.schema, randomBytes(32), SAGA_SCHEMA.migrations) });
  const clock = new TestClock();
  const store = new SagaStore();
  const outbox = new Outbox('saga');
  const days = new BankDayRepository();
  const issuer = new BankCallIssuer(store, outbox, config);
  const closes = new DayCloseRepository();
  const closeSteps = new DayCloseSteps(outbox, issuer, store, config, settings.close ?? { bankFilesWaitMs: 600_000 });
  const cycle = new DayCycleService(days, closes, closeSteps, store, issuer, outbox, clock, config, settings.cycle);
  const dayClose = new DayCloseService(cycle, closes, days, store, outbox);
  const transfers = new TransferSaga(store, issuer, outbox, cycle, config);
  const designations = new DesignationSaga(store, issuer, outbox, cycle, new ZeroLedger());
  const engine = new SagaEngine(store, [transfers, designations, new DaySaga(cycle, dayClose)]);
  return {
    db,
    config,
    clock,
    store,
    days,
    cycle,
    closes,
    dayClose,
    transfers,
    designations,
    engine,
    poller: new TimerPoller(db.dataSource, store, engine),
    async sent(topic) {
      const rows: Array<{ envelope: { payload: Record<string, unknown> } }> = await db.dataSource.query(`SELECT envelope FROM saga.outbox WHERE topic = $1 ORDER BY id`, [topic]);
      return rows.map((r) => r.envelope.payload);
    },
  };
}
