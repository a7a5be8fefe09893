import {
  type BusinessRequestName,
  INSTRUCTION_CODES,
  type InstructionCode,
  type MessageBody,
  type ProtocolConnection,
  type ProtocolMessage,
  requestHeader,
} from '@custody/bank-protocol';
import type { BankBooks } from '../books/bank-books';
import type { BankDayClose } from '../day-close/bank-day-close';
import { silentLogger } from '../simulator-logger';
import { BrokerRequestHandler } from './broker-request.handler';
import type { BrokerSession } from './broker-sessions';
import { FaultPlan } from './fault-plan';

const BANK = '1021000';
const BROKER = '10270000';

function fromBroker<N extends BusinessRequestName>(name: N, instrCd: InstructionCode, body: Omit<MessageBody<N>, 'MsgHdr'>): ProtocolMessage<N> {
  const header = requestHeader({ side: 'S', localInstId: BROKER, peerInstId: BANK }, instrCd, '2024010500000001', new Date());
  return { name, body: { ...body, MsgHdr: header } } as unknown as ProtocolMessage<N>;
}

const CUST = { Name: '张三', CertType: '10', CertId: '610103198001012435' } as const;
const BK_ACCT = { Id: '6222021234567890123', Type: '1' } as const;
const SC_ACCT = { Id: '101200001234', Type: '3' } as const;

describe('broker requests the simulated bank does not offer', () => {
  // These functions never reach the books: the handler answers them before it looks anything up.
  const handler = new BrokerRequestHandler({} as BankBooks, {} as BankDayClose, new FaultPlan(), { bankCode: BANK, brokerInstId: BROKER }, silentLogger);
  const connection = {} as ProtocolConnection;
  const session = { sessionId: 's1' } as BrokerSession;

  it.each([
    ['11004 cancel', 'Acmt.004.01', fromBroker('Acmt.003.01', INSTRUCTION_CODES.CANCEL_DESIGNATION, { Cust: CUST, BkAcct: BK_ACCT, ScAcct: SC_ACCT })],
    ['11011 account status change', 'Acmt.006.01', fromBroker('Acmt.005.01', INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS, { ScAcct: { ...SC_ACCT, Status: '1' } })],
  ] as const)('§7.23: %s is answered 1034 (not enabled) in %s', async (_function, replyName, message) => {
    const reply = await handler.handle({ message, seqNo: 1, dup: false }, connection, session);
    expect(reply).toMatchObject({ name: replyName, body: { Rst: { Code: '1034' } } });
  });
});
