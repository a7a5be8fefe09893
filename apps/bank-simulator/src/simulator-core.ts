import { BankBooks } from './books/bank-books';
import { bankSerialIssuer, custodyAccountNumbers } from './books/bank-numbers';
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
}

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
  const faults = new FaultPlan();
  const sessions = new BrokerSessions(clock);
  const handler = new BrokerRequestHandler(books, faults, { bankCode: settings.bankCode, brokerInstId: settings.brokerInstId }, log);
  const tcp = new BankTcpServer(settings, sessions, handler, faults, serials, log);
  const bankInitiated = new BankInitiatedTransfers(books, sessions, settings.requestTimeoutMs, log);
  return { settings, books, faults, sessions, tcp, bankInitiated };
}
