import {
  type BusinessRequestName,
  ClearPin,
  INSTRUCTION_CODES,
  type InstructionCode,
  type MessageBody,
  type ProtocolConnection,
  type ProtocolMessage,
  requestHeader,
  sequentialRefIssuer,
} from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { BankBooks } from '../books/bank-books';
import type { BankDayClose } from '../day-close/bank-day-close';
import { silentLogger } from '../simulator-logger';
import { BrokerRequestHandler } from './broker-request.handler';
import type { BrokerSession } from './broker-sessions';
import { FaultPlan } from './fault-plan';

const BANK = '1021000';
const BROKER = '10270000';

function fromBroker<N extends BusinessRequestName>(name: N, instrCd: InstructionCode, body: Omit<MessageBody<N>, 'MsgHdr'>, serial = '2024010500000001'): ProtocolMessage<N> {
  const header = requestHeader({ side: 'S', localInstId: BROKER, peerInstId: BANK }, instrCd, serial, new Date());
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
    ['11005 customer data change', 'Acmt.006.01', fromBroker('Acmt.005.01', INSTRUCTION_CODES.CHANGE_CUSTOMER, { Cust: CUST, ScAcct: SC_ACCT })],
    ['11006 bank account change', 'Acmt.008.01', fromBroker('Acmt.007.01', INSTRUCTION_CODES.CHANGE_BANK_ACCOUNT, { BkAcct: BK_ACCT, NewBkAcct: { ...BK_ACCT, Id: '6222029876543210987' } })],
    ['11008 fund balance query (the bank’s own question)', 'Acmt.010.01', fromBroker('Acmt.009.01', INSTRUCTION_CODES.QUERY_FUND_BALANCE, { ScAcct: SC_ACCT })],
  ] as const)('§7.23: %s is answered 1034 (not enabled) in %s', async (_function, replyName, message) => {
    const reply = await handler.handle({ message, seqNo: 1, dup: false }, connection, session);
    expect(reply).toMatchObject({ name: replyName, body: { Rst: { Code: '1034' } } });
  });
});

describe('the broker’s 11007 and 11011 at the simulated bank (the edge between the wire and the books)', () => {
  let books: BankBooks;
  let handler: BrokerRequestHandler;
  const connection = {} as ProtocolConnection;
  const session = { sessionId: 's1' } as BrokerSession;
  const handle = (message: ProtocolMessage<BusinessRequestName>) => handler.handle({ message, seqNo: 1, dup: false }, connection, session);

  beforeEach(() => {
    books = new BankBooks({ bankCode: BANK, summaryAccount: '102100000000000001', serials: sequentialRefIssuer('B'), custodyNumbers: sequentialRefIssuer('8') });
    handler = new BrokerRequestHandler(books, {} as BankDayClose, new FaultPlan(), { bankCode: BANK, brokerInstId: BROKER }, silentLogger);
    books.openBankAccount({ bankAccountNo: BK_ACCT.Id, name: CUST.Name, idType: CUST.CertType, idNumber: CUST.CertId, password: ClearPin.of('135790'), currency: 'CNY', balance: Money.parse('10.00') });
    books.designate({
      ref: { issuerType: 'S', issuerId: BROKER, serial: 'S0' },
      bankAccountNo: BK_ACCT.Id,
      fundAccountNo: SC_ACCT.Id,
      currency: 'CNY',
      customer: { name: CUST.Name, idType: CUST.CertType, idNumber: CUST.CertId },
      password: () => true,
      openingBalance: Money.zero(),
    });
  });

  it('F-3.11: 11007 compares Cust with the holder and answers in Acmt.010.01 with the accounts echoed: 0000, or the code of what differs', async () => {
    const same = await handle(fromBroker('Acmt.009.01', INSTRUCTION_CODES.IDENTITY_CHECK, { Cust: CUST, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY' }));
    expect(same).toMatchObject({ name: 'Acmt.010.01', body: { Rst: { Code: '0000' }, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY' } });
    const other = await handle(fromBroker('Acmt.009.01', INSTRUCTION_CODES.IDENTITY_CHECK, { Cust: { ...CUST, CertId: '610103198001019999' }, BkAcct: BK_ACCT, ScAcct: SC_ACCT }, '2024010500000002'));
    expect(other).toMatchObject({ body: { Rst: { Code: '5011' } } });
  });

  it('F-3.11: an 11007 without Cust is 1044, the bank has nothing to compare', async () => {
    expect(await handle(fromBroker('Acmt.009.01', INSTRUCTION_CODES.IDENTITY_CHECK, { BkAcct: BK_ACCT, ScAcct: SC_ACCT }))).toMatchObject({ body: { Rst: { Code: '1044' } } });
  });

  it('profile §4.1: 11011 takes the status in ScAcct/Status (1 frozen) and answers Acmt.006.01 with it; the same Ref again replays the answer', async () => {
    const freeze = fromBroker('Acmt.005.01', INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS, { BkAcct: BK_ACCT, ScAcct: { ...SC_ACCT, Status: '1' } }, '2024010500000003');
    const reply = await handle(freeze);
    expect(reply).toMatchObject({ name: 'Acmt.006.01', body: { Rst: { Code: '0000' }, BkAcct: BK_ACCT, ScAcct: { ...SC_ACCT, Status: '1' } } });
    expect(books.listCustodyAccounts()).toEqual([expect.objectContaining({ accountState: 'FROZEN' })]);
    expect(await handle(freeze)).toEqual(reply);
    const again = await handle(fromBroker('Acmt.005.01', INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS, { ScAcct: { ...SC_ACCT, Status: '1' } }, '2024010500000004'));
    expect(again).toMatchObject({ name: 'Acmt.006.01', body: { Rst: { Code: '5003' } } });
  });
});
