import { BankBooks } from './books/bank-books';
import { bankSerialIssuer, custodyAccountNumbers } from './books/bank-numbers';
import { BankDayClose } from './day-close/bank-day-close';
import { BankDayFiles } from './day-close/bank-day-files';
import { DayFilePusher } from './day-close/day-file-pusher';
import { BankInitiatedTransfers } from './protocol/bank-initiated-transfers.service';
import { BankTcpServer } from './protocol/bank-tcp.server';
import { BrokerRequestHandler } from './protocol/broker-request.handler';
import { BrokerSessions } from './protocol/broker-sessions';
import { FaultPlan } from './protocol/fault-plan';
import type { SimulatorLogger } from './simulator-logger';
import type { SimulatorSettings } from './simulator-settings';

/** Everything the simulator is, wired once; the control API and the tests reach the same objects. */
export interface SimulatorCore {
  readonly settings: SimulatorSettings;
  readonly books: BankBooks;
  readonly faults: FaultPlan;
  readonly sessions: BrokerSessions;
  readonly tcp: BankTcpServer;
  readonly bankInitiated: BankInitiatedTransfers;
  readonly files: BankDayFiles;
  readonly dayClose: BankDayClose;
}

/** A push with no session, or whose session was lost, is tried again this often (the broker fetches after 10 minutes). */
const DAY_FILE_PUSH = { attempts: 10, retryDelayMs: 3_000 } as const;

export function createSimulatorCore(settings: SimulatorSettings, log: SimulatorLogger, clock: () => Date = () => new Date()): SimulatorCore {
  const serials = bankSerialIssuer(clock);
  const books = new BankBooks({
    bankCode: settings.bankCode,
    summaryAccount: settings.summaryAccount,
    serials,
    custodyNumbers: custodyAccountNumbers(settings.bankCode, clock),
    acceptsSecuritiesToBankReversal: settings.acceptsSecuritiesToBankReversal,
    clock,
  });
  const faults = new FaultPlan(clock);
  const sessions = new BrokerSessions(clock);
  const files = new BankDayFiles(clock);
  const pusher = new DayFilePusher(sessions, faults, log, { ...DAY_FILE_PUSH, requestTimeoutMs: settings.requestTimeoutMs });
  const parties = { bankInstId: settings.bankCode, brokerInstId: settings.brokerInstId };
  const dayClose = new BankDayClose({ books, faults, files, pusher, parties, log });
  const handler = new BrokerRequestHandler(books, dayClose, faults, { bankCode: settings.bankCode, brokerInstId: settings.brokerInstId }, log);
  const tcp = new BankTcpServer(settings, sessions, handler, faults, serials, log);
  const bankInitiated = new BankInitiatedTransfers(books, sessions, faults, settings.requestTimeoutMs, log);
  return { settings, books, faults, sessions, tcp, bankInitiated, files, dayClose };
}
