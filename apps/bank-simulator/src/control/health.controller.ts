import { Controller, Get } from '@nestjs/common';
import { BankTcpServer } from '../protocol/bank-tcp.server';
import { BrokerSessions, type SessionSummary } from '../protocol/broker-sessions';
import { SimulatorError } from '../simulator-error';

@Controller()
export class HealthController {
  constructor(
    private readonly tcp: BankTcpServer,
    private readonly sessions: BrokerSessions,
  ) {}

  /** The stack waits on this: ok only once the bank listens for broker sessions. */
  @Get('health')
  health(): { status: 'ok'; sessions: number } {
    if (!this.tcp.listening) throw new SimulatorError('NOT_LISTENING', 'the bank is not listening for broker sessions');
    return { status: 'ok', sessions: this.sessions.signedInCount() };
  }

  @Get('sessions')
  list(): SessionSummary[] {
    return this.sessions.list();
  }
}
