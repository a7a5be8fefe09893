import { connect } from 'node:net';
import {
  BankProtocolError,
  type ChecksumMode,
  ClearPin,
  ConnectionClosedError,
  INSTRUCTION_CODES,
  openBrokerSession,
  parseKeyHex,
  passwordComponent,
  type ProtocolConnection,
  type ReplyDraft,
  ReplyTimeoutError,
  type RequestHandler,
  sequentialRefIssuer,
  type SessionEvent,
  SignInRejectedError,
  UnexpectedReplyError,
  verifyPinBlock,
} from '@custody/bank-protocol';
import { addDays } from '@custody/service-kit';
import { Money } from '@custody/money';
import type { SimulatorSettings } from './simulator-settings';
import { type RunningBankSimulator, startBankSimulator } from './start-bank-simulator';

/*
 * The simulator in-process (TCP endpoint and control API on free ports), driven the way the broker's
 * adapter and the system tests drive it: the library's broker session over real TCP, and HTTP.
 */
jest.setTimeout(20_000);

const BANK = '1021000';
const BROKER = '10000001';
const EXCHANGE_KEY_HEX = '0123456789ABCDEFFEDCBA9876543210';
const PIN = '135790';
/** The customer's fund password, as the broker's test double knows it (F-4.2 B). */
const FUND_PIN = '246802';
const HOLDER = { name: '张三', idType: '10', idNumber: '110101199001011234' };
const BANK_TIMEOUT_MS = 800;

/** Broker serials are unique across every session of this file: the bank's log outlives sessions. */
const brokerSerials = sequentialRefIssuer('T');
let accountCounter = 0;

function settings(checksumMode: ChecksumMode): SimulatorSettings {
  return {
    bankCode: BANK,
    bankName: 'Simulated Bank A',
    brokerInstId: BROKER,
    tcpHost: '127.0.0.1',
    tcpPort: 0,
    checksumMode,
    exchangeKey: parseKeyHex(EXCHANGE_KEY_HEX),
    maxInFlightPerSession: 4,
    requestTimeoutMs: BANK_TIMEOUT_MS,
    summaryAccount: '102100000000000001',
    // As in config/custody.local.yaml: bank A (SUM256) refuses the broker's 12004, bank B (HMAC-SM3) accepts it.
    acceptsSecuritiesToBankReversal: checksumMode === 'HMAC-SM3',
    controlHost: '127.0.0.1',
    controlPort: 0,
  };
}

interface Http<T> {
  readonly status: number;
  readonly body: T;
  readonly contentType: string;
}

async function http<T = Record<string, unknown>>(sim: RunningBankSimulator, method: string, path: string, body?: unknown): Promise<Http<T>> {
  const response = await fetch(`${sim.controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, contentType: response.headers.get('content-type') ?? '' };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

async function settle<T>(promise: Promise<T>): Promise<T | BankProtocolError> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof BankProtocolError) return error;
    throw error;
  }
}

describe.each(['SUM256', 'HMAC-SM3'] as const)('bank simulator over TCP (%s)', (checksumMode) => {
  let sim: RunningBankSimulator;
  const open: ProtocolConnection[] = [];

  beforeAll(async () => {
    sim = await startBankSimulator(settings(checksumMode), { logLevel: 'silent' });
  });

  afterAll(async () => {
    await sim.stop();
  });

  afterEach(async () => {
    while (open.length > 0) open.pop()?.destroy('test over');
    await http(sim, 'DELETE', '/faults');
    await waitFor(() => sim.core.sessions.list().length === 0);
    // I4 holds whatever the test did.
    expect(sim.core.books.invariantBreaks()).toEqual([]);
  });

  async function broker(options: { exchangeKeyHex?: string; requestHandler?: RequestHandler; onEvent?: (event: SessionEvent) => void } = {}): Promise<ProtocolConnection> {
    const connection = await openBrokerSession({
      host: '127.0.0.1',
      port: sim.tcpPort,
      localInstId: BROKER,
      peerInstId: BANK,
      checksumMode,
      exchangeKey: parseKeyHex(options.exchangeKeyHex ?? EXCHANGE_KEY_HEX),
      refIssuer: brokerSerials,
      requestTimeoutMs: 2_000,
      heartbeatIntervalMs: 0,
      requestHandler: options.requestHandler,
      onEvent: options.onEvent,
    });
    open.push(connection);
    return connection;
  }

  async function newBankAccount(balance = '1000.00'): Promise<string> {
    accountCounter += 1;
    const bankAccountNo = `62220${checksumMode === 'SUM256' ? 1 : 2}${String(accountCounter).padStart(10, '0')}`;
    const result = await http(sim, 'POST', '/bank-accounts', { bankAccountNo, ...HOLDER, password: PIN, balance });
    expect(result.status).toBe(201);
    return bankAccountNo;
  }

  function pwd(session: ProtocolConnection, bankAccountNo: string, pin = PIN) {
    const pinKey = session.workingKeys?.pinKey;
    if (!pinKey) throw new Error('no key sync');
    return [passwordComponent(pinKey, ClearPin.of(pin), bankAccountNo)];
  }

  function designate(session: ProtocolConnection, bankAccountNo: string, fundAccountNo: string, options: { pin?: string; name?: string; opening?: string } = {}) {
    return session.request({
      name: 'Acmt.001.01',
      instrCd: INSTRUCTION_CODES.DESIGNATE,
      body: {
        Cust: { Name: options.name ?? HOLDER.name, CertType: '10', CertId: HOLDER.idNumber },
        BkAcct: { Id: bankAccountNo, Type: '1', Pwd: pwd(session, bankAccountNo, options.pin) },
        ScAcct: { Id: fundAccountNo, Type: '3' },
        Ccy: 'CNY',
        ScBal: { Type: '0', Bal: Money.parse(options.opening ?? '0.00', 'non-negative') },
      },
    });
  }

  /** F-3.1 S (11002): the broker's identity of its customer, the fund account and its opening balance; no bank account. */
  function preDesignate(session: ProtocolConnection, fundAccountNo: string, options: { opening?: string | null; serial?: string; name?: string } = {}) {
    const opening = options.opening === undefined ? '0.00' : options.opening;
    return session.request({
      name: 'Acmt.001.01',
      instrCd: INSTRUCTION_CODES.PRE_DESIGNATE,
      serial: options.serial,
      body: {
        Cust: { Name: options.name ?? '李四', CertType: '10', CertId: '110101199202022345', Type: 'INVI' },
        ScAcct: { Id: fundAccountNo, Type: '3' },
        Ccy: 'CNY',
        ScBal: opening === null ? undefined : { Type: '0', Bal: Money.parse(opening, 'non-negative') },
      },
    });
  }

  function transfer(session: ProtocolConnection, instrCd: '12001' | '12002', bankAccountNo: string, fundAccountNo: string, amount: string, options: { pin?: string; serial?: string; resend?: boolean } = {}) {
    return session.request(
      {
        name: 'Trf.001.01',
        instrCd,
        serial: options.serial,
        body: {
          Resend: options.resend ? 'Y' : undefined,
          BkAcct: { Id: bankAccountNo, Type: '1', Pwd: instrCd === '12001' ? pwd(session, bankAccountNo, options.pin) : undefined },
          ScAcct: { Id: fundAccountNo, Type: '3' },
          Ccy: 'CNY',
          TrfAmt: Money.parse(amount),
        },
      },
      { timeoutMs: 400 },
    );
  }

  function query(session: ProtocolConnection, serial: string) {
    return session.request({ name: 'Trf.005.01', instrCd: INSTRUCTION_CODES.QUERY_RESULT, body: { QryRef: { Ref: serial, IssrType: 'S', RefIssr: BROKER } } });
  }

  /** The fund account number is all digits (the PIN block's account field for a fund password, profile §2). */
  async function designated(session: ProtocolConnection, balance = '1000.00'): Promise<{ bankAccountNo: string; fundAccountNo: string }> {
    const bankAccountNo = await newBankAccount(balance);
    const fundAccountNo = `9${bankAccountNo.slice(-11)}`;
    const reply = await designate(session, bankAccountNo, fundAccountNo);
    expect(reply.body.Rst.Code).toBe('0000');
    return { bankAccountNo, fundAccountNo };
  }

  function reverse(
    session: ProtocolConnection,
    instrCd: '12003' | '12004',
    original: { serial: string; bankAccountNo: string; fundAccountNo: string; amount: string },
    options: { serial?: string } = {},
  ) {
    return session.request(
      {
        name: 'Trf.003.01',
        instrCd,
        serial: options.serial,
        body: {
          CnRef: { Ref: original.serial, IssrType: 'S', RefIssr: BROKER },
          BkAcct: { Id: original.bankAccountNo, Type: '1' },
          ScAcct: { Id: original.fundAccountNo, Type: '3' },
          Ccy: 'CNY',
          TrfAmt: Money.parse(original.amount),
        },
      },
      { timeoutMs: 400 },
    );
  }

  async function balances(bankAccountNo: string, fundAccountNo: string): Promise<[string, string]> {
    const bank = await http<{ balances: Record<string, string> }>(sim, 'GET', `/bank-accounts/${bankAccountNo}`);
    const custody = await http<Array<{ balance: string }>>(sim, 'GET', `/custody-accounts?fundAccountNo=${fundAccountNo}&currency=CNY`);
    return [bank.body.balances.CNY, custody.body[0]?.balance];
  }

  describe('sessions (profile §2)', () => {
    it('sign-in and key sync with the exchange key; /health and /sessions show the session', async () => {
      await broker();
      await waitFor(() => sim.core.sessions.signedInCount() === 1);
      expect((await http(sim, 'GET', '/health')).body).toEqual({ status: 'ok', sessions: 1 });
      expect((await http(sim, 'GET', '/sessions')).body).toEqual([expect.objectContaining({ signedIn: true, since: expect.any(String), sessionId: expect.any(String) })]);
    });

    it('a sign-in under the wrong exchange key is refused (1040 under SUM256) and no session starts', async () => {
      const error = await settle(broker({ exchangeKeyHex: '00112233445566778899AABBCCDDEEFF' }));
      // Under SUM256 the bank reads the sign-in and answers 1040; under HMAC-SM3 its answer is MACed under the
      // real exchange key, which the broker (holding the wrong one) cannot verify.
      expect(error).toBeInstanceOf(checksumMode === 'SUM256' ? SignInRejectedError : UnexpectedReplyError);
      expect(error).toMatchObject(checksumMode === 'SUM256' ? { returnCode: '1040' } : { kind: 'UNEXPECTED_REPLY' });
      expect(sim.core.sessions.signedInCount()).toBe(0);
    });

    it('bytes that are not a package close that connection; the bank keeps serving', async () => {
      const socket = connect({ host: '127.0.0.1', port: sim.tcpPort });
      await new Promise((resolve) => socket.once('connect', resolve));
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.write('GET / HTTP/1.1\r\n\r\n');
      await closed;
      expect((await http(sim, 'GET', '/health')).body).toMatchObject({ status: 'ok' });
      const session = await broker();
      await designated(session);
    });
  });

  describe('F-3.3 S designate (11001)', () => {
    it('opens a custody account with the opening balance and answers it as BkAcct Type 2', async () => {
      const session = await broker();
      const summaryBefore = (await http<{ summary: Record<string, string> }>(sim, 'GET', '/books')).body.summary.CNY;
      const bankAccountNo = await newBankAccount();
      const reply = await designate(session, bankAccountNo, '900000000001', { opening: '50.00' });
      expect(reply.body.Rst.Code).toBe('0000');
      expect(reply.body.BkAcct).toMatchObject({ Type: '2' });
      expect(reply.body.ScAcct).toMatchObject({ Id: '900000000001', Type: '3' });
      const custody = await http<Array<Record<string, string>>>(sim, 'GET', '/custody-accounts?fundAccountNo=900000000001&currency=CNY');
      expect(custody.body).toEqual([
        { custodyAccountNo: reply.body.BkAcct?.Id, fundAccountNo: '900000000001', currency: 'CNY', bankAccountNo, balance: '50.00', status: 'NORMAL', accountState: 'NORMAL' },
      ]);
      const books = await http<{ summary: Record<string, string>; transactions: unknown[] }>(sim, 'GET', '/books');
      expect(Money.parse(books.body.summary.CNY, 'non-negative').minus(Money.parse(summaryBefore, 'non-negative')).toString()).toBe('50.00');
      // §14: no password or ID number in any control response.
      expect(JSON.stringify(books.body)).not.toContain(HOLDER.idNumber);
      expect(JSON.stringify(books.body)).not.toContain(PIN);
    });

    it('1001: a wrong bank password designates nothing', async () => {
      const session = await broker();
      const bankAccountNo = await newBankAccount();
      const reply = await designate(session, bankAccountNo, '900000000002', { pin: '222222' });
      expect(reply.body.Rst.Code).toBe('1001');
      expect((await http(sim, 'GET', '/custody-accounts?fundAccountNo=900000000002')).body).toEqual([]);
    });

    it('5016: a name that is not the account holder', async () => {
      const session = await broker();
      const bankAccountNo = await newBankAccount();
      expect((await designate(session, bankAccountNo, '900000000003', { name: '李四' })).body.Rst.Code).toBe('5016');
    });
  });

  describe('F-3.1 S pre-designate (11002)', () => {
    it('F-3.1: opens a pre-designated custody account with the opening balance, counted into the summary at once, and answers it as BkAcct Type 2', async () => {
      const session = await broker();
      const summaryBefore = (await http<{ summary: Record<string, string> }>(sim, 'GET', '/books')).body.summary.CNY;
      const fundAccountNo = `8${checksumMode === 'SUM256' ? 1 : 2}0000000001`;
      const reply = await preDesignate(session, fundAccountNo, { opening: '120.00' });
      expect(reply.body.Rst.Code).toBe('0000');
      expect(reply.body.BkAcct).toEqual({ Id: expect.any(String), Type: '2' });
      expect(reply.body.ScAcct).toEqual({ Id: fundAccountNo, Type: '3' });
      expect(reply.body).toMatchObject({ Ccy: 'CNY', ScBal: { Type: '0', Bal: Money.parse('120.00') } });
      const custody = await http<Array<Record<string, string>>>(sim, 'GET', `/custody-accounts?fundAccountNo=${fundAccountNo}&currency=CNY`);
      expect(custody.body).toEqual([{ custodyAccountNo: reply.body.BkAcct?.Id, fundAccountNo, currency: 'CNY', balance: '120.00', status: 'PRE_DESIGNATED', accountState: 'NORMAL' }]);
      const books = await http<{ summary: Record<string, string> }>(sim, 'GET', '/books');
      expect(Money.parse(books.body.summary.CNY, 'non-negative').minus(Money.parse(summaryBefore, 'non-negative')).toString()).toBe('120.00');
      // §14: the identity the bank recorded is in no control response.
      expect(JSON.stringify(books.body)).not.toContain('110101199202022345');
    });

    it('profile §4: the same Ref again (even on a new session) gets the first reply and opens nothing; another content under it is 1004', async () => {
      const session = await broker();
      const fundAccountNo = `8${checksumMode === 'SUM256' ? 1 : 2}0000000002`;
      const serial = brokerSerials.next();
      const first = await preDesignate(session, fundAccountNo, { opening: '5.00', serial });
      expect(first.body.Rst.Code).toBe('0000');
      const again = await preDesignate(await broker(), fundAccountNo, { opening: '5.00', serial });
      expect(again.body).toMatchObject({ Rst: { Code: '0000' }, BkAcct: first.body.BkAcct });
      expect(again.body.MsgHdr.Ref.Ref).toBe(first.body.MsgHdr.Ref.Ref);
      expect((await preDesignate(session, fundAccountNo, { opening: '6.00', serial })).body.Rst.Code).toBe('1004');
      expect((await http<unknown[]>(sim, 'GET', `/custody-accounts?fundAccountNo=${fundAccountNo}`)).body).toHaveLength(1);
    });

    it('F-3.1: 5201 for a relationship that exists; §4.1: an 11001 on the pre-designated one is 5201; a transfer finds it unlinked (1016)', async () => {
      const session = await broker();
      const fundAccountNo = `8${checksumMode === 'SUM256' ? 1 : 2}0000000003`;
      expect((await preDesignate(session, fundAccountNo, { opening: '50.00' })).body.Rst.Code).toBe('0000');
      expect((await preDesignate(session, fundAccountNo)).body.Rst.Code).toBe('5201');
      const bankAccountNo = await newBankAccount();
      expect((await designate(session, bankAccountNo, fundAccountNo)).body.Rst.Code).toBe('5201');
      expect((await transfer(session, '12001', bankAccountNo, fundAccountNo, '1.00')).body.Rst.Code).toBe('1016');
      expect((await transfer(session, '12002', bankAccountNo, fundAccountNo, '1.00')).body.Rst.Code).toBe('1016');
      const { bankAccountNo: designatedAccount, fundAccountNo: designatedFund } = await designated(session);
      expect((await preDesignate(session, designatedFund)).body.Rst.Code).toBe('5201');
      expect(await balances(designatedAccount, designatedFund)).toEqual(['1000.00', '0.00']);
      expect((await http<Array<Record<string, string>>>(sim, 'GET', `/custody-accounts?fundAccountNo=${fundAccountNo}`)).body).toEqual([
        expect.objectContaining({ balance: '50.00', status: 'PRE_DESIGNATED' }),
      ]);
    });

    it('1044: an 11002 without ScBal (the opening balance is required) opens nothing', async () => {
      const session = await broker();
      const fundAccountNo = `8${checksumMode === 'SUM256' ? 1 : 2}0000000004`;
      expect((await preDesignate(session, fundAccountNo, { opening: null })).body.Rst.Code).toBe('1044');
      expect((await http(sim, 'GET', `/custody-accounts?fundAccountNo=${fundAccountNo}`)).body).toEqual([]);
    });
  });

  describe('transfers (F-4.1 S, F-4.2 S)', () => {
    it('12001 with the right password moves money into custody; the reply carries the bank serial as its Ref', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const reply = await transfer(session, '12001', bankAccountNo, fundAccountNo, '300.00');
      expect(reply.body.Rst.Code).toBe('0000');
      expect(reply.body.MsgHdr.Ref).toMatchObject({ IssrType: 'B', RefIssr: BANK });
      expect(reply.body.TrfAmt?.toString()).toBe('300.00');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['700.00', '300.00']);
      const record = await http(sim, 'GET', `/transactions/${reply.body.MsgHdr.RltdRef?.Ref}`);
      expect(record.body).toMatchObject({ instrCd: '12001', status: 'SUCCEEDED', returnCode: '0000', amount: '300.00', bankSerialNo: reply.body.MsgHdr.Ref.Ref });
    });

    it('12001 with a wrong password: 1001 and nothing moves', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      expect((await transfer(session, '12001', bankAccountNo, fundAccountNo, '1.00', { pin: '000000' })).body.Rst.Code).toBe('1001');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['1000.00', '0.00']);
    });

    it('12002 moves money out of custody; more than custody holds is 1052', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      await transfer(session, '12001', bankAccountNo, fundAccountNo, '100.00');
      expect((await transfer(session, '12002', bankAccountNo, fundAccountNo, '40.00')).body.Rst.Code).toBe('0000');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['940.00', '60.00']);
      expect((await transfer(session, '12002', bankAccountNo, fundAccountNo, '60.01')).body.Rst.Code).toBe('1052');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['940.00', '60.00']);
    });

    it('12002 for a fund account without a relationship: 1016', async () => {
      const session = await broker();
      const bankAccountNo = await newBankAccount();
      expect((await transfer(session, '12002', bankAccountNo, '99999999999999', '1.00')).body.Rst.Code).toBe('1016');
    });

    it('profile §4: a re-sent Ref (Resend=Y, even on a new session) returns the original reply and moves money once', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const serial = brokerSerials.next();
      const first = await transfer(session, '12002', bankAccountNo, fundAccountNo, '0.01', { serial });
      expect(first.body.Rst.Code).toBe('1052');
      await transfer(session, '12001', bankAccountNo, fundAccountNo, '10.00');
      const again = await transfer(session, '12002', bankAccountNo, fundAccountNo, '0.01', { serial, resend: true });
      expect(again.body.Rst.Code).toBe('1052');
      expect(again.body.MsgHdr.Ref.Ref).toBe(first.body.MsgHdr.Ref.Ref);

      const depositSerial = brokerSerials.next();
      const deposit = await transfer(session, '12001', bankAccountNo, fundAccountNo, '5.00', { serial: depositSerial });
      const other = await broker();
      const replay = await transfer(other, '12001', bankAccountNo, fundAccountNo, '5.00', { serial: depositSerial, resend: true });
      expect(replay.body.Rst.Code).toBe('0000');
      expect(replay.body.MsgHdr.Ref.Ref).toBe(deposit.body.MsgHdr.Ref.Ref);
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['985.00', '15.00']);
    });
  });

  describe('F-4.3 S / F-4.4 S reversals from the broker (12003, 12004)', () => {
    const accepts12004 = checksumMode === 'HMAC-SM3';

    async function deposited(session: ProtocolConnection, amount = '300.00') {
      const accounts = await designated(session);
      const serial = brokerSerials.next();
      expect((await transfer(session, '12001', accounts.bankAccountNo, accounts.fundAccountNo, amount, { serial })).body.Rst.Code).toBe('0000');
      return { ...accounts, serial, amount };
    }

    it('0000 undoes a succeeded 12001; the same reversal Ref again gets the same reply and moves nothing; another reversal is 1006', async () => {
      const session = await broker();
      const original = await deposited(session);
      const reversalSerial = brokerSerials.next();
      const first = await reverse(session, '12003', original, { serial: reversalSerial });
      expect(first.body.Rst.Code).toBe('0000');
      expect(first.body.CnRef).toMatchObject({ Ref: original.serial, IssrType: 'S' });
      expect(first.body.TrfAmt?.toString()).toBe('300.00');
      expect(await balances(original.bankAccountNo, original.fundAccountNo)).toEqual(['1000.00', '0.00']);

      const again = await reverse(session, '12003', original, { serial: reversalSerial });
      expect([again.body.Rst.Code, again.body.MsgHdr.Ref.Ref]).toEqual(['0000', first.body.MsgHdr.Ref.Ref]);
      expect((await reverse(session, '12003', original)).body.Rst.Code).toBe('1006');
      expect(await balances(original.bankAccountNo, original.fundAccountNo)).toEqual(['1000.00', '0.00']);
      expect((await http(sim, 'GET', `/transactions/${original.serial}`)).body).toMatchObject({ status: 'REVERSED' });
      expect((await http(sim, 'GET', `/transactions/${reversalSerial}`)).body).toMatchObject({ instrCd: '12003', status: 'SUCCEEDED', reversedSerialNo: original.serial });
    });

    it('a re-sent original (Resend=Y) after its reversal is refused 1006 and the query answers 1006', async () => {
      const session = await broker();
      const original = await deposited(session, '50.00');
      await reverse(session, '12003', original);
      const resent = await transfer(session, '12001', original.bankAccountNo, original.fundAccountNo, '50.00', { serial: original.serial, resend: true });
      expect(resent.body.Rst.Code).toBe('1006');
      expect((await query(session, original.serial)).body.OrgRst?.Code).toBe('1006');
      expect(await balances(original.bankAccountNo, original.fundAccountNo)).toEqual(['1000.00', '0.00']);
    });

    it('1005 for an original never seen; the late original is refused 1006, moves nothing, and the query answers 1006', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const original = { serial: brokerSerials.next(), bankAccountNo, fundAccountNo, amount: '20.00' };
      expect((await reverse(session, '12003', original)).body.Rst.Code).toBe('1005');
      expect((await transfer(session, '12001', bankAccountNo, fundAccountNo, '20.00', { serial: original.serial })).body.Rst.Code).toBe('1006');
      expect((await query(session, original.serial)).body.OrgRst?.Code).toBe('1006');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['1000.00', '0.00']);
    });

    it('a reversal that does not match its original: 1007 (amount), 5235 (a 12003 naming a 12002); nothing moves', async () => {
      const session = await broker();
      const original = await deposited(session);
      expect((await reverse(session, '12003', { ...original, amount: '299.00' })).body.Rst.Code).toBe('1007');
      const withdrawalSerial = brokerSerials.next();
      await transfer(session, '12002', original.bankAccountNo, original.fundAccountNo, '100.00', { serial: withdrawalSerial });
      expect((await reverse(session, '12003', { ...original, serial: withdrawalSerial, amount: '100.00' })).body.Rst.Code).toBe('5235');
      expect(await balances(original.bankAccountNo, original.fundAccountNo)).toEqual(['800.00', '200.00']);
    });

    // One bank of each policy: the HMAC-SM3 one accepts 12004, the SUM256 one does not; each runs its own test.
    if (accepts12004) {
      it('12004 (accepted here) undoes a succeeded 12002; 1008 when the bank account no longer holds the money', async () => {
        const session = await broker({ requestHandler: () => ({ name: 'Trf.002.01', body: { Rst: { Code: '0000' } } }) });
        const original = await deposited(session, '500.00');
        const withdrawal = { ...original, serial: brokerSerials.next(), amount: '100.00' };
        await transfer(session, '12002', original.bankAccountNo, original.fundAccountNo, '100.00', { serial: withdrawal.serial });
        expect((await reverse(session, '12004', withdrawal)).body.Rst.Code).toBe('0000');
        expect(await balances(original.bankAccountNo, original.fundAccountNo)).toEqual(['500.00', '500.00']);

        const emptied = { ...original, serial: brokerSerials.next(), amount: '100.00' };
        await transfer(session, '12002', original.bankAccountNo, original.fundAccountNo, '100.00', { serial: emptied.serial });
        // The customer moves the bank account's money away at the counter (F-4.1 B, the broker answers 0000).
        const moved = await http(sim, 'POST', '/bank-initiated/transfers', { type: 'BANK_TO_SECURITIES', bankAccountNo: original.bankAccountNo, fundAccountNo: original.fundAccountNo, amount: '550.00' });
        expect(moved.body).toMatchObject({ status: 'SUCCEEDED' });
        expect((await reverse(session, '12004', emptied)).body.Rst.Code).toBe('1008');
        expect((await http(sim, 'GET', `/transactions/${emptied.serial}`)).body).toMatchObject({ status: 'SUCCEEDED' });
        expect(await balances(original.bankAccountNo, original.fundAccountNo)).toEqual(['50.00', '950.00']);
      });
    } else {
      it('12004 is refused 1034 by a bank that does not accept it; the withdrawal stands', async () => {
        const session = await broker();
        const original = await deposited(session);
        const withdrawal = { ...original, serial: brokerSerials.next(), amount: '100.00' };
        await transfer(session, '12002', original.bankAccountNo, original.fundAccountNo, '100.00', { serial: withdrawal.serial });
        expect((await reverse(session, '12004', withdrawal)).body.Rst.Code).toBe('1034');
        expect(await balances(original.bankAccountNo, original.fundAccountNo)).toEqual(['800.00', '200.00']);
        expect((await query(session, withdrawal.serial)).body.OrgRst?.Code).toBe('0000');
      });
    }
  });

  describe('F-4.6 query (12005)', () => {
    it('OrgRst: 0000 for a success, the failure code for a failure, 1027 for a serial never seen; Rst 0000 each time', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const ok = await transfer(session, '12001', bankAccountNo, fundAccountNo, '1.00');
      const failed = await transfer(session, '12001', bankAccountNo, fundAccountNo, '5000.00');
      const answers = await Promise.all([ok, failed].map((r) => query(session, r.body.MsgHdr.RltdRef?.Ref ?? '')));
      const never = await query(session, 'NEVER0000000000001');
      expect([...answers, never].map((a) => [a.body.Rst.Code, a.body.OrgRst?.Code])).toEqual([
        ['0000', '0000'],
        ['0000', '1002'],
        ['0000', '1027'],
      ]);
      expect(answers[0].body.TrfAmt?.toString()).toBe('1.00');
      expect(answers[0].body.QryRef?.[1]).toMatchObject({ Ref: ok.body.MsgHdr.Ref.Ref, IssrType: 'B' });
    });
  });

  describe('faults (control API)', () => {
    async function arm(fault: Record<string, unknown>): Promise<void> {
      const result = await http<{ faultId: string }>(sim, 'POST', '/faults', fault);
      expect(result.status).toBe(201);
      expect(result.body.faultId).toEqual(expect.any(String));
    }

    it('DROP_REQUEST: not processed, not remembered; the query says never seen and the re-send is processed once', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      await transfer(session, '12001', bankAccountNo, fundAccountNo, '100.00');
      await arm({ kind: 'DROP_REQUEST', instrCd: '12002' });
      const serial = brokerSerials.next();
      expect(await settle(transfer(session, '12002', bankAccountNo, fundAccountNo, '30.00', { serial }))).toBeInstanceOf(ReplyTimeoutError);
      expect((await query(session, serial)).body.OrgRst?.Code).toBe('1027');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['900.00', '100.00']);
      expect((await transfer(session, '12002', bankAccountNo, fundAccountNo, '30.00', { serial, resend: true })).body.Rst.Code).toBe('0000');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['930.00', '70.00']);
    });

    it('DROP_REPLY restricted to 12002: processed but unanswered; queries (12005) are untouched and say 0000', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      await transfer(session, '12001', bankAccountNo, fundAccountNo, '100.00');
      await arm({ kind: 'DROP_REPLY', instrCd: '12002', times: 1 });
      const serial = brokerSerials.next();
      expect(await settle(transfer(session, '12002', bankAccountNo, fundAccountNo, '30.00', { serial }))).toBeInstanceOf(ReplyTimeoutError);
      expect((await query(session, serial)).body.OrgRst?.Code).toBe('0000');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['930.00', '70.00']);
    });

    it('a fault on a query (12005) is recorded with the serial it asked about, so a fault run can tie it to its transfer', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const serial = brokerSerials.next();
      await transfer(session, '12001', bankAccountNo, fundAccountNo, '5.00', { serial });
      await arm({ kind: 'DROP_REPLY', instrCd: '12005', times: 1 });
      expect(await settle(query(session, serial))).toBeInstanceOf(ReplyTimeoutError);
      const applied = (await http<Array<Record<string, unknown>>>(sim, 'GET', '/faults/applied')).body;
      expect(applied.at(-1)).toMatchObject({ kind: 'DROP_REPLY', instrCd: '12005', subjectSerialNo: serial });
    });

    it('DELAY_REPLY: processed at once, answered after delayMs', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      await arm({ kind: 'DELAY_REPLY', delayMs: 250 });
      const started = Date.now();
      const reply = await transfer(session, '12001', bankAccountNo, fundAccountNo, '1.00');
      expect(reply.body.Rst.Code).toBe('0000');
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    });

    it('CLOSE_CONNECTION: the connection closes before processing; nothing moved, the serial was never seen', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      await arm({ kind: 'CLOSE_CONNECTION', instrCd: '12001' });
      const serial = brokerSerials.next();
      const error = await settle(transfer(session, '12001', bankAccountNo, fundAccountNo, '1.00', { serial }));
      expect(error).toBeInstanceOf(ConnectionClosedError);
      const next = await broker();
      expect((await query(next, serial)).body.OrgRst?.Code).toBe('1027');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['1000.00', '0.00']);
    });

    it('CORRUPT_CHECKSUM: processed, but the reply does not verify at the broker (UNKNOWN there); the query says 0000', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      await arm({ kind: 'CORRUPT_CHECKSUM', instrCd: '12001' });
      const serial = brokerSerials.next();
      expect(await settle(transfer(session, '12001', bankAccountNo, fundAccountNo, '2.00', { serial }))).toBeInstanceOf(UnexpectedReplyError);
      expect((await query(session, serial)).body.OrgRst?.Code).toBe('0000');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['998.00', '2.00']);
    });

    it('DUPLICATE_REPLY: the reply leaves twice (same RltdRef, next SeqNo); the broker sees the copy as unmatched, the session goes on', async () => {
      const events: SessionEvent[] = [];
      const session = await broker({ onEvent: (event) => events.push(event) });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      await arm({ kind: 'DUPLICATE_REPLY', instrCd: '12001' });
      const serial = brokerSerials.next();
      expect((await transfer(session, '12001', bankAccountNo, fundAccountNo, '3.00', { serial })).body.Rst.Code).toBe('0000');
      await waitFor(() => events.some((e) => e.type === 'unmatched-reply' && e.serial === serial));
      // The SeqNos after the copy still line up: the same session carries on.
      expect((await transfer(session, '12001', bankAccountNo, fundAccountNo, '4.00')).body.Rst.Code).toBe('0000');
      expect(session.sessionState).toBe('signed-in');
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['993.00', '7.00']);
    });

    it('refuses a DELAY_REPLY without delayMs and an unknown kind, as problem+json', async () => {
      for (const fault of [{ kind: 'DELAY_REPLY' }, { kind: 'EXPLODE' }]) {
        const result = await http(sim, 'POST', '/faults', fault);
        expect(result.status).toBe(400);
        expect(result.contentType).toContain('application/problem+json');
        expect(result.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      }
    });
  });

  describe('F-4.1 B bank-initiated deposit', () => {
    const answering =
      (code: string): RequestHandler =>
      () =>
        ({ name: 'Trf.002.01', body: { Rst: { Code: code } } }) satisfies ReplyDraft;

    async function start(bankAccountNo: string, fundAccountNo: string, amount: string) {
      return http<{ serialNo: string; status: string; returnCode?: string }>(sim, 'POST', '/bank-initiated/transfers', {
        type: 'BANK_TO_SECURITIES',
        bankAccountNo,
        fundAccountNo,
        currency: 'CNY',
        amount,
      });
    }

    it('the broker answers 0000: SUCCEEDED, sent as 12001 with TradSrc B and a bank serial', async () => {
      const seen: Array<{ instrCd: string; tradSrc: string; issuer: string }> = [];
      const session = await broker({
        requestHandler: (request, connection) => {
          const header = request.message.body.MsgHdr;
          seen.push({ instrCd: header.InstrCd, tradSrc: header.TradSrc, issuer: header.Ref.IssrType });
          return answering('0000')(request, connection);
        },
      });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const result = await start(bankAccountNo, fundAccountNo, '250.00');
      expect(result.status).toBe(201);
      expect(result.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000', serialNo: expect.any(String) });
      expect(seen).toEqual([{ instrCd: '12001', tradSrc: 'B', issuer: 'B' }]);
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['750.00', '250.00']);
      expect((await http(sim, 'GET', `/transactions/${result.body.serialNo}`)).body).toMatchObject({ status: 'SUCCEEDED', issuerType: 'B' });
    });

    it("the broker refuses: FAILED with the broker's code, and the bank undoes its own move", async () => {
      const session = await broker({ requestHandler: answering('2013') });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      expect((await start(bankAccountNo, fundAccountNo, '250.00')).body).toMatchObject({ status: 'FAILED', returnCode: '2013' });
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['1000.00', '0.00']);
    });

    it('no reply within requestTimeoutMs: UNKNOWN, the money stays moved until a re-send or a reversal settles it', async () => {
      const session = await broker({ requestHandler: () => new Promise<ReplyDraft>(() => undefined) });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const result = await start(bankAccountNo, fundAccountNo, '10.00');
      expect(result.body).toMatchObject({ status: 'UNKNOWN' });
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['990.00', '10.00']);
    });

    it('refusals at the counter (1002) are 422 problems and nothing moves', async () => {
      const session = await broker({ requestHandler: answering('0000') });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const result = await start(bankAccountNo, fundAccountNo, '1000.01');
      expect(result.status).toBe(422);
      expect(result.body).toMatchObject({ code: 'BANK_REFUSED', returnCode: '1002' });
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['1000.00', '0.00']);
    });

    it('no signed-in session: 409 problem', async () => {
      const result = await start('6222000000000000', '1', '1.00');
      expect(result.status).toBe(409);
      expect(result.contentType).toContain('application/problem+json');
      expect(result.body).toMatchObject({ code: 'NO_BROKER_SESSION' });
    });
  });

  describe('F-4.2 B to F-4.6 B: the bank as initiator (control API, the broker a test double over TCP)', () => {
    interface Seen {
      readonly instrCd: string;
      readonly serial: string;
      readonly resend?: string;
      readonly cancelled?: string;
      readonly fundPassword?: 'MATCHED' | 'MISMATCHED' | 'MISSING';
    }

    /** Answers by InstrCd from `answers` (read at each request, so a test can change them); SILENT never answers. */
    function brokerDouble(answers: Record<string, string>, seen: Seen[]): RequestHandler {
      return (request, connection) => {
        const message = request.message;
        const header = message.body.MsgHdr;
        const code = answers[header.InstrCd] ?? '0000';
        if (message.name === 'Trf.001.01') {
          const account = message.body.ScAcct;
          const block = account?.Pwd?.[0]?.Pwd;
          const pinKey = connection.workingKeys?.pinKey;
          const fundPassword = block === undefined || !pinKey || !account ? 'MISSING' : verifyPinBlock(pinKey, block, account.Id, ClearPin.of(FUND_PIN)) ? 'MATCHED' : 'MISMATCHED';
          seen.push({ instrCd: header.InstrCd, serial: header.Ref.Ref, resend: message.body.Resend, fundPassword });
        } else if (message.name === 'Trf.003.01') {
          seen.push({ instrCd: header.InstrCd, serial: header.Ref.Ref, cancelled: message.body.CnRef.Ref });
        } else {
          seen.push({ instrCd: header.InstrCd, serial: header.Ref.Ref });
        }
        if (code === 'SILENT') return new Promise<ReplyDraft>(() => undefined);
        switch (message.name) {
          case 'Trf.001.01':
            return { name: 'Trf.002.01', body: { Rst: { Code: code } } };
          case 'Trf.003.01':
            return { name: 'Trf.004.01', body: { Rst: { Code: code }, CnRef: message.body.CnRef } };
          case 'Trf.005.01':
            return { name: 'Trf.006.01', body: { Rst: { Code: '0000' }, QryRef: [message.body.QryRef, { Ref: 'S000000000000000777', IssrType: 'S' }], OrgRst: { Code: code } } };
          default:
            return { name: 'Acmt.002.01', body: { Rst: { Code: '2033' } } };
        }
      };
    }

    type Result = { serialNo: string; status: string; returnCode?: string; reversedSerialNo?: string; originalStatus?: string };

    function start(body: Record<string, unknown>) {
      return http<Result>(sim, 'POST', '/bank-initiated/transfers', { currency: 'CNY', ...body });
    }

    function record(serial: string) {
      return http<Record<string, string>>(sim, 'GET', `/transactions/${serial}`);
    }

    it('12002 B: the fund password travels as a PIN block under the fund account; the bank pays out only on 0000', async () => {
      const answers: Record<string, string> = {};
      const seen: Seen[] = [];
      const session = await broker({ requestHandler: brokerDouble(answers, seen) });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      await transfer(session, '12001', bankAccountNo, fundAccountNo, '100.00');

      answers['12002'] = '2001';
      const refused = await start({ type: 'SECURITIES_TO_BANK', bankAccountNo, fundAccountNo, amount: '60.00', fundPassword: '111111' });
      expect(refused.body).toMatchObject({ status: 'FAILED', returnCode: '2001' });
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['900.00', '100.00']);

      answers['12002'] = '0000';
      const paid = await start({ type: 'SECURITIES_TO_BANK', bankAccountNo, fundAccountNo, amount: '60.00', fundPassword: FUND_PIN });
      expect(paid.status).toBe(201);
      expect(paid.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
      expect(seen.map((s) => [s.instrCd, s.fundPassword])).toEqual([
        ['12002', 'MISMATCHED'],
        ['12002', 'MATCHED'],
      ]);
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['960.00', '40.00']);
      expect((await record(paid.body.serialNo)).body).toMatchObject({ instrCd: '12002', status: 'SUCCEEDED', issuerType: 'B' });
      expect(JSON.stringify((await http(sim, 'GET', '/books')).body)).not.toContain(FUND_PIN);
    });

    it('12002 B without a reply is UNKNOWN and moves nothing; its 12004 B answered 0000 leaves it REVERSED, still nothing moved', async () => {
      const answers: Record<string, string> = { '12002': 'SILENT' };
      const seen: Seen[] = [];
      const session = await broker({ requestHandler: brokerDouble(answers, seen) });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      await transfer(session, '12001', bankAccountNo, fundAccountNo, '100.00');
      const unknown = await start({ type: 'SECURITIES_TO_BANK', bankAccountNo, fundAccountNo, amount: '60.00', fundPassword: FUND_PIN });
      expect(unknown.body).toEqual({ serialNo: expect.any(String), status: 'UNKNOWN' });
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['900.00', '100.00']);

      const reversal = await http<Result>(sim, 'POST', `/bank-initiated/transfers/${unknown.body.serialNo}/reversal`);
      expect(reversal.status).toBe(201);
      expect(reversal.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000', reversedSerialNo: unknown.body.serialNo, originalStatus: 'REVERSED' });
      expect(seen.at(-1)).toMatchObject({ instrCd: '12004', cancelled: unknown.body.serialNo });
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['900.00', '100.00']);
      expect((await record(unknown.body.serialNo)).body).toMatchObject({ status: 'REVERSED' });
      expect((await record(reversal.body.serialNo)).body).toMatchObject({ instrCd: '12004', status: 'SUCCEEDED', reversedSerialNo: unknown.body.serialNo });
      // The freed hold: the whole custody balance can leave again.
      expect((await transfer(session, '12002', bankAccountNo, fundAccountNo, '100.00')).body.Rst.Code).toBe('0000');
    });

    it.each([
      ['0000', 'REVERSED', ['1000.00', '0.00']],
      ['2005', 'REVERSED', ['1000.00', '0.00']],
      ['2008', 'MANUAL', ['900.00', '100.00']],
      ['2007', 'UNKNOWN', ['900.00', '100.00']],
    ])('12003 B of an UNKNOWN deposit answered %s: the original ends %s', async (code, originalStatus, after) => {
      const answers: Record<string, string> = { '12001': 'SILENT', '12003': code };
      const session = await broker({ requestHandler: brokerDouble(answers, []) });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const unknown = await start({ type: 'BANK_TO_SECURITIES', bankAccountNo, fundAccountNo, amount: '100.00' });
      expect(unknown.body.status).toBe('UNKNOWN');
      const reversal = await http<Result>(sim, 'POST', `/bank-initiated/transfers/${unknown.body.serialNo}/reversal`);
      expect(reversal.body).toMatchObject({ returnCode: code, originalStatus });
      expect((await record(unknown.body.serialNo)).body.status).toBe(originalStatus);
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(after);
    });

    it('a reversal with no reply is UNKNOWN and changes nothing; reversing again answered 2006 settles it', async () => {
      const answers: Record<string, string> = { '12001': 'SILENT', '12003': 'SILENT' };
      const session = await broker({ requestHandler: brokerDouble(answers, []) });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const unknown = await start({ type: 'BANK_TO_SECURITIES', bankAccountNo, fundAccountNo, amount: '100.00' });
      const lost = await http<Result>(sim, 'POST', `/bank-initiated/transfers/${unknown.body.serialNo}/reversal`);
      expect(lost.body).toEqual({ serialNo: expect.any(String), status: 'UNKNOWN', reversedSerialNo: unknown.body.serialNo, originalStatus: 'UNKNOWN' });
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['900.00', '100.00']);
      answers['12003'] = '2006';
      expect((await http<Result>(sim, 'POST', `/bank-initiated/transfers/${unknown.body.serialNo}/reversal`)).body).toMatchObject({ returnCode: '2006', originalStatus: 'REVERSED' });
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['1000.00', '0.00']);
    });

    it('F-4.5 B: an UNKNOWN deposit re-sent with Resend=Y and the same serial, answered 0000, is SUCCEEDED with the money moved once', async () => {
      const answers: Record<string, string> = { '12001': 'SILENT' };
      const seen: Seen[] = [];
      const session = await broker({ requestHandler: brokerDouble(answers, seen) });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const unknown = await start({ type: 'BANK_TO_SECURITIES', bankAccountNo, fundAccountNo, amount: '100.00' });
      answers['12001'] = '0000';
      const resent = await http<Result>(sim, 'POST', `/bank-initiated/transfers/${unknown.body.serialNo}/resend`, {});
      expect(resent.status).toBe(200);
      expect(resent.body).toEqual({ serialNo: unknown.body.serialNo, status: 'SUCCEEDED', returnCode: '0000' });
      expect(seen.map((s) => [s.serial, s.resend])).toEqual([
        [unknown.body.serialNo, undefined],
        [unknown.body.serialNo, 'Y'],
      ]);
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['900.00', '100.00']);
      // A settled transfer is only re-asked: a reversed original refused 2006 is reported, the books stay.
      answers['12001'] = '2006';
      expect((await http<Result>(sim, 'POST', `/bank-initiated/transfers/${unknown.body.serialNo}/resend`, {})).body).toEqual({ serialNo: unknown.body.serialNo, status: 'SUCCEEDED', returnCode: '2006' });
      expect(await balances(bankAccountNo, fundAccountNo)).toEqual(['900.00', '100.00']);
    });

    it("F-3.11 B: the identity read at the counter travels as Cust, a typed fund password as a PIN block of Type 0; the broker's code comes back and nothing is booked", async () => {
      const seen: Array<{ instrCd: string; cust?: unknown; bankAccount?: string; pwdType?: string; fundPassword: 'MATCHED' | 'MISMATCHED' | 'MISSING' }> = [];
      const session = await broker({
        requestHandler: (request, connection) => {
          const message = request.message;
          if (message.name !== 'Acmt.009.01') return { name: 'Acmt.002.01', body: { Rst: { Code: '2033' } } };
          const account = message.body.ScAcct;
          const pwd = account?.Pwd?.[0];
          const pinKey = connection.workingKeys?.pinKey;
          const fundPassword = !pwd?.Pwd || !pinKey || !account ? 'MISSING' : verifyPinBlock(pinKey, pwd.Pwd, account.Id, ClearPin.of(FUND_PIN)) ? 'MATCHED' : 'MISMATCHED';
          seen.push({ instrCd: message.body.MsgHdr.InstrCd, cust: message.body.Cust, bankAccount: message.body.BkAcct?.Id, pwdType: pwd?.Type, fundPassword });
          return { name: 'Acmt.010.01', body: { Rst: { Code: fundPassword === 'MISMATCHED' ? '2001' : '0000' } } };
        },
      });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const booksBefore = (await http(sim, 'GET', '/books')).body;
      const check = (body: Record<string, unknown>) => http(sim, 'POST', '/bank-initiated/identity-checks', { fundAccountNo, ...HOLDER, ...body });

      const plain = await check({ bankAccountNo });
      expect(plain.status).toBe(200);
      expect(plain.body).toEqual({ serialNo: expect.any(String), status: 'ANSWERED', returnCode: '0000' });
      expect((await check({ fundPassword: '111111' })).body).toMatchObject({ status: 'ANSWERED', returnCode: '2001' });
      expect((await check({ fundPassword: FUND_PIN })).body).toMatchObject({ status: 'ANSWERED', returnCode: '0000' });
      expect(seen).toEqual([
        { instrCd: '11007', cust: { Name: HOLDER.name, CertType: HOLDER.idType, CertId: HOLDER.idNumber }, bankAccount: bankAccountNo, pwdType: undefined, fundPassword: 'MISSING' },
        { instrCd: '11007', cust: expect.anything(), bankAccount: undefined, pwdType: '0', fundPassword: 'MISMATCHED' },
        { instrCd: '11007', cust: expect.anything(), bankAccount: undefined, pwdType: '0', fundPassword: 'MATCHED' },
      ]);
      expect((await http(sim, 'GET', '/books')).body).toEqual(booksBefore);
      const badType = await check({ idType: '99' });
      expect([badType.status, badType.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(JSON.stringify(badType.body)).not.toContain(HOLDER.idNumber);
    });

    it("F-4.6 B: the broker's Rst and OrgRst for a bank serial reach the API caller; nothing changes", async () => {
      const answers: Record<string, string> = { '12005': '2027' };
      const seen: Seen[] = [];
      const session = await broker({ requestHandler: brokerDouble(answers, seen) });
      await designated(session);
      const result = await http(sim, 'POST', '/bank-initiated/transfers/B0000000000000000042/query');
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ serialNo: 'B0000000000000000042', status: 'ANSWERED', returnCode: '0000', originalReturnCode: '2027', brokerSerialNo: 'S000000000000000777' });
      expect(seen).toEqual([{ instrCd: '12005', serial: expect.any(String) }]);
    });

    it('refusals at the counter: reversing a FAILED transfer is 409 WRONG_STATE, an unknown serial 404, a fund password for a non-digit fund account 400', async () => {
      const answers: Record<string, string> = { '12001': '2011' };
      const session = await broker({ requestHandler: brokerDouble(answers, []) });
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const failed = await start({ type: 'BANK_TO_SECURITIES', bankAccountNo, fundAccountNo, amount: '1.00' });
      expect(failed.body).toMatchObject({ status: 'FAILED', returnCode: '2011' });
      const results = await Promise.all([
        http(sim, 'POST', `/bank-initiated/transfers/${failed.body.serialNo}/reversal`),
        http(sim, 'POST', '/bank-initiated/transfers/NOPE/reversal'),
        start({ type: 'SECURITIES_TO_BANK', bankAccountNo, fundAccountNo: 'F0001', amount: '1.00', fundPassword: FUND_PIN }),
      ]);
      expect(results.map((r) => [r.status, (r.body as Record<string, unknown>).code])).toEqual([
        [409, 'WRONG_STATE'],
        [404, 'NOT_FOUND'],
        [400, 'VALIDATION_FAILED'],
      ]);
    });
  });

  describe('control API', () => {
    it('duplicate bank account 409; unknown bank account 404; bad amount 400; all problem+json', async () => {
      const bankAccountNo = await newBankAccount();
      const duplicate = await http(sim, 'POST', '/bank-accounts', { bankAccountNo, ...HOLDER, password: PIN, balance: '1.00' });
      const missing = await http(sim, 'GET', '/bank-accounts/6299999999999999');
      const badAmount = await http(sim, 'POST', '/bank-accounts', { bankAccountNo: '6299999999999998', ...HOLDER, password: PIN, balance: '1.234' });
      expect([duplicate, missing, badAmount].map((r) => [r.status, r.body.code, r.contentType.includes('application/problem+json')])).toEqual([
        [409, 'ALREADY_EXISTS', true],
        [404, 'NOT_FOUND', true],
        [400, 'VALIDATION_FAILED', true],
      ]);
      expect(JSON.stringify(badAmount.body)).not.toContain(PIN);
    });

    it('GET /bank-accounts/{no} shows balances as 2-decimal strings; GET /transactions/{unknown} is 404', async () => {
      const bankAccountNo = await newBankAccount('12.5');
      expect((await http(sim, 'GET', `/bank-accounts/${bankAccountNo}`)).body).toEqual({ bankAccountNo, name: HOLDER.name, balances: { CNY: '12.50' } });
      expect((await http(sim, 'GET', '/transactions/NOPE')).status).toBe(404);
    });
  });

  describe('the day at the bank (bank-protocol.md §7)', () => {
    const startDay = (session: ProtocolConnection, busiDate: string) =>
      session.request({ name: 'Stmt.007.01', instrCd: INSTRUCTION_CODES.DAY_BUSINESS_START, body: { BusiDate: busiDate } });
    const endDay = (session: ProtocolConnection) => session.request({ name: 'Stmt.005.01', instrCd: INSTRUCTION_CODES.DAY_BUSINESS_END, body: {} });

    it('13012 sets the clearing date; after 13011 a new broker transfer is 5215 while a re-send of a processed one gets its first reply; an older date is 1032; the next date opens again', async () => {
      const session = await broker();
      const { bankAccountNo, fundAccountNo } = await designated(session);
      const compact = (iso: string) => iso.replace(/-/g, '');
      const today = compact(sim.core.books.day.date);
      const nextYear = compact(addDays(sim.core.books.day.date, 400));
      expect((await startDay(session, nextYear)).body.Rst.Code).toBe('0000');
      const done = await transfer(session, '12001', bankAccountNo, fundAccountNo, '10.00');
      expect(done.body.Rst.Code).toBe('0000');
      expect((await http(sim, 'GET', `/transactions/${done.body.MsgHdr.RltdRef?.Ref}`)).status).toBe(200);

      expect((await endDay(session)).body.Rst.Code).toBe('0000');
      expect((await transfer(session, '12002', bankAccountNo, fundAccountNo, '1.00')).body.Rst.Code).toBe('5215');
      const again = await transfer(session, '12001', bankAccountNo, fundAccountNo, '10.00', { serial: done.body.MsgHdr.RltdRef?.Ref, resend: true });
      expect(again.body.Rst.Code).toBe('0000');
      expect((await startDay(session, today)).body.Rst.Code).toBe('1032');
      expect((await startDay(session, nextYear)).body.Rst.Code).toBe('1032');

      const dayAfter = compact(addDays(sim.core.books.day.date, 1));
      expect((await startDay(session, dayAfter)).body.Rst.Code).toBe('0000');
      expect((await transfer(session, '12002', bankAccountNo, fundAccountNo, '1.00')).body.Rst.Code).toBe('0000');
    });
  });
});
