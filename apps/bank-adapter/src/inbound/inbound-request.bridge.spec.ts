import { ClearPin, encryptPinBlock, type InboundRequest, INSTRUCTION_CODES, type InstructionCode, type ProtocolMessage, requestHeader } from '@custody/bank-protocol';
import { bankAccountRequestReceived, bankRequestReceived, type SealedSecret } from '@custody/contracts';
import { Money } from '@custody/money';
import { BusinessCalendar } from '@custody/service-kit';
import { RecordingLogger } from '@custody/testing';
import type { AdapterLogger } from '../platform/adapter-logger';
import { BANK_CODE, BROKER_ID, PIN_KEY } from '../testing/bank-session.fake';
import { RecordingEnvelopePublisher } from '../testing/recording.publisher';
import { type AccountServiceVerdict, type FundPasswordAttempt, type FundPasswordChecker, FundPasswordServiceUnavailable } from './fund-password.verifier';
import { InboundAdmission } from './inbound-admission';
import { InboundRequestBridge } from './inbound-request.bridge';
import type { BankReplyReady, BankRequestReceived } from './inbound-request.mapper';

const INSTANCE = 'inst-1';
const SESSION = 's0-aaaa';
/** The bridge's clock when the library hands it the request: what `receivedAt` must say. */
const READ_AT = new Date('2026-11-21T02:03:04.005Z');

class FixedCalendar extends BusinessCalendar {
  today(): string {
    return '2026-11-21';
  }
}

function logger(): RecordingLogger & AdapterLogger {
  const recording = new RecordingLogger();
  return Object.assign(recording, { debug: () => undefined });
}

function bankTransfer(instrCd: InstructionCode = INSTRUCTION_CODES.BANK_TO_SECURITIES, serial = 'B2026112100000007', extra: Partial<ProtocolMessage<'Trf.001.01'>['body']> = {}): InboundRequest {
  const header = requestHeader({ side: 'B', localInstId: BANK_CODE, peerInstId: BROKER_ID }, instrCd, serial, new Date());
  return {
    seqNo: 5,
    dup: false,
    message: {
      name: 'Trf.001.01',
      body: {
        MsgHdr: header,
        BkAcct: { Id: '6222021234567890123', Type: '1' },
        ScAcct: { Id: '880001', Type: '3' },
        TrfAmt: Money.parse('250'),
        ...extra,
      },
    },
  };
}

type BankRef = { Ref: string; IssrType: 'B'; RefIssr: string };

/** F-4.3 B (12003): the bank undoes its deposit `cancelled`. */
function bankReversal(serial: string, cancelled: BankRef): InboundRequest {
  const header = requestHeader({ side: 'B', localInstId: BANK_CODE, peerInstId: BROKER_ID }, INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES, serial, new Date());
  return { seqNo: 9, dup: false, message: { name: 'Trf.003.01', body: { MsgHdr: header, CnRef: cancelled, ScAcct: { Id: '880001', Type: '3' }, TrfAmt: Money.parse('250') } } };
}

/** F-4.6 B (12005): the bank asks what the broker did with `queried`. */
function bankQuery(serial: string, queried: BankRef): InboundRequest {
  const header = requestHeader({ side: 'B', localInstId: BANK_CODE, peerInstId: BROKER_ID }, INSTRUCTION_CODES.QUERY_RESULT, serial, new Date());
  return { seqNo: 10, dup: false, message: { name: 'Trf.005.01', body: { MsgHdr: header, QryRef: queried } } };
}

/** The account service's answer, settled when the test says so (`answerWith`). */
class ControlledChecker implements FundPasswordChecker {
  checks = 0;
  readonly attempts: FundPasswordAttempt[] = [];
  private pending: Array<(verdict: AccountServiceVerdict | Error) => void> = [];
  check(attempt: FundPasswordAttempt): Promise<AccountServiceVerdict> {
    this.checks += 1;
    this.attempts.push(attempt);
    return new Promise((resolve, reject) => this.pending.push((verdict) => (verdict instanceof Error ? reject(verdict) : resolve(verdict))));
  }
  async answerWith(verdict: AccountServiceVerdict | Error): Promise<void> {
    for (let i = 0; i < 20 && this.pending.length === 0; i += 1) await new Promise((resolve) => setImmediate(resolve));
    this.pending.splice(0).forEach((settle) => settle(verdict));
  }
}

function bankWithdrawal(pin?: string, serial = 'B2026112100000008'): InboundRequest {
  const request = bankTransfer(INSTRUCTION_CODES.SECURITIES_TO_BANK, serial);
  const pwd = pin === undefined ? {} : { Pwd: [{ Type: '1' as const, Enc: '02' as const, Pwd: encryptPinBlock(PIN_KEY, ClearPin.of(pin), '880001') }] };
  return { ...request, message: { name: 'Trf.001.01', body: { ...(request.message.body as ProtocolMessage<'Trf.001.01'>['body']), ScAcct: { Id: '880001', Type: '3', ...pwd } } } };
}

/** F-3.3 B: the customer at the counter designates the bank, typing the fund password (ScAcct/Pwd Type 1). */
function bankDesignation(pin: string, serial = 'B2026112100000009'): InboundRequest {
  const header = requestHeader({ side: 'B', localInstId: BANK_CODE, peerInstId: BROKER_ID }, INSTRUCTION_CODES.DESIGNATE, serial, new Date());
  const body: ProtocolMessage<'Acmt.001.01'>['body'] = {
    MsgHdr: header,
    Cust: { Name: '张三', CertType: '10', CertId: '610103198001012435' },
    BkAcct: { Id: '6222021234567890123', Type: '1' },
    ScAcct: { Id: '880001', Type: '3', Pwd: [{ Type: '1', Enc: '02', Pwd: encryptPinBlock(PIN_KEY, ClearPin.of(pin), '880001') }] },
    Ccy: 'CNY',
  };
  return { seqNo: 6, dup: false, message: { name: 'Acmt.001.01', body } };
}

function setUp(
  options: { replyDeadlineMs?: number; abandonAfterMs?: number; alive?: boolean; fundPasswords?: FundPasswordChecker; sealer?: { seal(clear: string): SealedSecret }; admitted?: boolean } = {},
) {
  const publisher = new RecordingEnvelopePublisher();
  const log = logger();
  let alive = options.alive ?? true;
  let shed = 0;
  const admission = options.admitted ? new InboundAdmission(BANK_CODE, 250, log, () => (shed += 1)) : undefined;
  const bridge = new InboundRequestBridge(
    { bankCode: BANK_CODE, brokerInstId: BROKER_ID, instanceId: INSTANCE, replyDeadlineMs: options.replyDeadlineMs ?? 2_000, abandonAfterMs: options.abandonAfterMs ?? 10_000 },
    {
      publisher,
      calendar: new FixedCalendar(),
      logger: log,
      sessionAlive: () => alive,
      fundPasswords: options.fundPasswords,
      sealer: options.sealer,
      admission,
      newId: options.admitted ? undefined : () => '11111111-2222-4333-8444-555555555555',
      clock: () => READ_AT,
    },
  );
  return { bridge, publisher, log, kill: () => (alive = false), shedCount: () => shed };
}

async function forwarded(publisher: RecordingEnvelopePublisher): Promise<BankRequestReceived> {
  for (let i = 0; i < 20 && publisher.envelopesOf(bankRequestReceived).length === 0; i += 1) await new Promise((resolve) => setImmediate(resolve));
  return publisher.envelopesOf(bankRequestReceived)[0].payload;
}

function answer(request: BankRequestReceived, returnCode = '0000'): BankReplyReady {
  return {
    inboundId: request.inboundId,
    bankCode: request.bankCode,
    route: request.route,
    function: request.function,
    returnCode,
    returnMessage: returnCode === '0000' ? '交易成功' : '资金账户不存在',
    serialNo: '20261121200000000321',
  };
}

describe('bank-initiated requests cross Kafka and the reply returns on the same session', () => {
  afterEach(() => jest.useRealTimers());

  it('F-4.1 B: a 12001 from the bank is published with route, bank serial, 2-decimal amount, default currency CNY (§5.13.4 h) and receivedAt', async () => {
    const { bridge, publisher } = setUp();
    void bridge.handle(SESSION, bankTransfer());
    const request = await forwarded(publisher);
    expect(request).toEqual({
      inboundId: '11111111-2222-4333-8444-555555555555',
      bankCode: BANK_CODE,
      route: { adapterInstanceId: INSTANCE, sessionId: SESSION, requestRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: BANK_CODE } },
      function: 'BANK_TO_SECURITIES',
      serialNo: 'B2026112100000007',
      businessDate: '2026-11-21',
      resend: false,
      receivedAt: READ_AT.toISOString(),
      fundAccountNo: '880001',
      currency: 'CNY',
      amount: '250.00',
      bankAccountNo: '6222021234567890123',
    });
    expect(publisher.envelopesOf(bankRequestReceived)[0]).toMatchObject({ key: publisher.envelopesOf(bankRequestReceived)[0].payload.fundAccountNo, correlationId: request.inboundId });
  });

  it('F-4.5: the bank resend flag travels with the request', async () => {
    const { bridge, publisher } = setUp();
    void bridge.handle(SESSION, bankTransfer(undefined, undefined, { Resend: 'Y' }));
    expect((await forwarded(publisher)).resend).toBe(true);
  });

  it('the owner answer becomes the Trf.002.01 reply: its code and message, our serial as Ref, accounts echoed, no password', async () => {
    const { bridge, publisher } = setUp();
    const reply = bridge.handle(SESSION, bankTransfer());
    const request = await forwarded(publisher);
    bridge.deliver(answer(request));
    const draft = await reply;
    expect(draft).toMatchObject({ name: 'Trf.002.01', serial: '20261121200000000321', body: { Rst: { Code: '0000', Info: '交易成功' }, ScAcct: { Id: '880001', Type: '3' }, Ccy: 'CNY' } });
    expect(JSON.stringify(draft)).not.toContain('Pwd');
    expect(bridge.pendingCount).toBe(0);
  });

  it.each([
    ['11001 (designate) from the bank', 'Acmt.001.01'],
    ['12002 from the bank while no account service is configured', 'Trf.001.01'],
  ])('functions not offered are answered 2033 by the adapter and never reach Kafka: %s', async (_name, kind) => {
    const { bridge, publisher } = setUp();
    const header = requestHeader({ side: 'B', localInstId: BANK_CODE, peerInstId: BROKER_ID }, kind === 'Acmt.001.01' ? INSTRUCTION_CODES.DESIGNATE : INSTRUCTION_CODES.SECURITIES_TO_BANK, 'B9', new Date());
    const request: InboundRequest =
      kind === 'Acmt.001.01'
        ? { seqNo: 2, dup: false, message: { name: 'Acmt.001.01', body: { MsgHdr: header, Cust: { Name: 'A', CertType: '10', CertId: '1' } } } }
        : { seqNo: 2, dup: false, message: { name: 'Trf.001.01', body: { MsgHdr: header, TrfAmt: Money.parse('1') } } };
    const draft = await bridge.handle(SESSION, request);
    expect(draft.body.Rst.Code).toBe('2033');
    expect(draft.name).toBe(kind === 'Acmt.001.01' ? 'Acmt.002.01' : 'Trf.002.01');
    expect(publisher.published).toHaveLength(0);
  });

  it('a 12001 without the fund account is answered 2044 (§5.13.4 f) without Kafka', async () => {
    const { bridge, publisher } = setUp();
    const draft = await bridge.handle(SESSION, bankTransfer(undefined, undefined, { ScAcct: undefined }));
    expect(draft.body.Rst.Code).toBe('2044');
    expect(publisher.published).toHaveLength(0);
  });

  it('a session-level repeat of a pending request is not forwarded twice; one answer serves both', async () => {
    const { bridge, publisher } = setUp();
    const first = bridge.handle(SESSION, bankTransfer());
    const second = bridge.handle(SESSION, { ...bankTransfer(), dup: true });
    const request = await forwarded(publisher);
    bridge.deliver(answer(request));
    expect(await second).toEqual(await first);
    expect(publisher.envelopesOf(bankRequestReceived)).toHaveLength(1);
  });

  it('F-4.3 B: when the session that carried the request is gone, nothing is written and it is logged loudly, also when the reply comes', async () => {
    const { bridge, publisher, log } = setUp();
    let written = false;
    void bridge.handle(SESSION, bankTransfer()).then(() => (written = true));
    const request = await forwarded(publisher);
    bridge.sessionClosed(SESSION, 'peer ended the connection');
    expect(log.at('error').map((e) => e.message)).toEqual([expect.stringContaining('BANK SESSION LOST WITH A BANK REQUEST UNANSWERED')]);
    bridge.deliver(answer(request));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toBe(false);
    expect(log.at('error')[1]).toMatchObject({ message: expect.stringContaining('REPLY CANNOT REACH THE BANK'), fields: { returnCode: '0000' } });
  });

  it('a reply for a session that died unnoticed is not resolved and is reported', async () => {
    const { bridge, publisher, log, kill } = setUp();
    let written = false;
    void bridge.handle(SESSION, bankTransfer()).then(() => (written = true));
    const request = await forwarded(publisher);
    kill();
    bridge.deliver(answer(request));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toBe(false);
    expect(log.at('error')[0].message).toContain('REPLY CANNOT REACH THE BANK');
  });

  it('no answer within replyDeadlineMs logs a warning; the request keeps waiting until abandoned', async () => {
    jest.useFakeTimers();
    const { bridge, log } = setUp({ replyDeadlineMs: 2_000, abandonAfterMs: 10_000 });
    void bridge.handle(SESSION, bankTransfer());
    await jest.advanceTimersByTimeAsync(2_001);
    expect(log.at('warn')[0].message).toContain('reply deadline');
    expect(bridge.pendingCount).toBe(1);
    await jest.advanceTimersByTimeAsync(8_000);
    expect(bridge.pendingCount).toBe(0);
    expect(log.at('error')[0].message).toContain('abandoned');
  });

  it('if the request cannot be forwarded, the bank gets no invented answer', async () => {
    const { bridge, publisher, log } = setUp();
    publisher.failures = 1;
    let written = false;
    void bridge.handle(SESSION, bankTransfer()).then(() => (written = true));
    for (let i = 0; i < 20 && log.at('error').length === 0; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(log.at('error')[0].message).toContain('could not be forwarded');
    expect(written).toBe(false);
  });

  it('F-4.2 B: the PIN block is read with the session PIN key and checked once, also when the bank repeats the request meanwhile; the verdict is forwarded, never the password', async () => {
    const checker = new ControlledChecker();
    const { bridge, publisher } = setUp({ fundPasswords: checker });
    const first = bridge.handle(SESSION, bankWithdrawal('135790'), PIN_KEY);
    const repeat = bridge.handle(SESSION, { ...bankWithdrawal('135790'), dup: true }, PIN_KEY);
    await checker.answerWith('LOCKED');
    const request = await forwarded(publisher);
    expect(checker.checks).toBe(1);
    // Named by the bank's serial, so a later resend of it is judged as this same attempt (I6).
    expect(checker.attempts).toEqual([{ attemptId: `${BANK_CODE}:B2026112100000008`, fundAccountNo: '880001' }]);
    expect(request).toMatchObject({ function: 'SECURITIES_TO_BANK', fundPassword: 'LOCKED', fundAccountNo: '880001', amount: '250.00' });
    expect(JSON.stringify(publisher.published)).not.toMatch(/135790|Pwd/);
    bridge.deliver({ ...answer(request, '2001'), returnMessage: '资金密码校验错误' });
    expect((await first).body.Rst.Code).toBe('2001');
    expect(await repeat).toEqual(await first);
  });

  it('F-3.3 B: an 11001 has its fund password checked once under the bank serial and goes to the account service with the verdict and the ID number sealed; the 0000 carries ScBal', async () => {
    const checker = new ControlledChecker();
    const { bridge, publisher } = setUp({ fundPasswords: checker, sealer: { seal: (clear) => ({ sealed: `sealed(${clear.length})` }) } });
    const reply = bridge.handle(SESSION, bankDesignation('135790'), PIN_KEY);
    await checker.answerWith('MATCHED');
    for (let i = 0; i < 20 && publisher.envelopesOf(bankAccountRequestReceived).length === 0; i += 1) await new Promise((resolve) => setImmediate(resolve));
    const [envelope] = publisher.envelopesOf(bankAccountRequestReceived);
    expect(checker.attempts).toEqual([{ attemptId: `${BANK_CODE}:B2026112100000009`, fundAccountNo: '880001' }]);
    expect(envelope.payload).toMatchObject({ function: 'DESIGNATE', fundAccountNo: '880001', fundPassword: 'MATCHED', customer: { idNumber: { sealed: 'sealed(18)' } } });
    expect(JSON.stringify(publisher.published)).not.toMatch(/135790|610103198001012435|Pwd/);
    bridge.deliver({
      inboundId: envelope.payload.inboundId,
      bankCode: BANK_CODE,
      route: envelope.payload.route,
      function: 'DESIGNATE',
      returnCode: '0000',
      returnMessage: '交易成功',
      serialNo: '20261121200000000322',
      openingBalance: Money.parse('0.00', 'non-negative'),
    });
    const draft = await reply;
    expect(draft).toMatchObject({ name: 'Acmt.002.01', serial: '20261121200000000322', body: { Rst: { Code: '0000' }, ScBal: { Type: '0' } } });
  });

  it('F-4.2 B without a PIN block: forwarded MISSING, the account service is not asked', async () => {
    const checker = new ControlledChecker();
    const { bridge, publisher } = setUp({ fundPasswords: checker });
    void bridge.handle(SESSION, bankWithdrawal(undefined), PIN_KEY);
    expect((await forwarded(publisher)).fundPassword).toBe('MISSING');
    expect(checker.checks).toBe(0);
  });

  it('F-4.2 B: an account service that gives no verdict gets the bank a 2041 from the adapter and nothing is forwarded (nothing changed anywhere)', async () => {
    const checker = new ControlledChecker();
    const { bridge, publisher, log } = setUp({ fundPasswords: checker });
    const reply = bridge.handle(SESSION, bankWithdrawal('135790'), PIN_KEY);
    await checker.answerWith(new FundPasswordServiceUnavailable('account service no answer within 2000 ms'));
    const draft = await reply;
    expect(draft).toMatchObject({ name: 'Trf.002.01', body: { Rst: { Code: '2041' } } });
    expect(publisher.published).toHaveLength(0);
    expect(bridge.pendingCount).toBe(0);
    expect(log.at('error')[0]).toMatchObject({ fields: { returnCode: '2041', why: 'account service no answer within 2000 ms' } });
    expect(JSON.stringify(log.entries)).not.toContain('135790');
  });

  it('F-4.2 B: a session that closed while the password was being checked gets nothing started', async () => {
    const checker = new ControlledChecker();
    const { bridge, publisher } = setUp({ fundPasswords: checker });
    void bridge.handle(SESSION, bankWithdrawal('135790'), PIN_KEY);
    bridge.sessionClosed(SESSION, 'peer ended the connection');
    await checker.answerWith('MATCHED');
    await new Promise((resolve) => setImmediate(resolve));
    expect(publisher.published).toHaveLength(0);
  });

  it('F-3.11 B: an 11007 with a fund password has it checked once as the bank serial\'s attempt; the account service gets the verdict and the sealed ID number, never the password or the number', async () => {
    const checker = new ControlledChecker();
    const { bridge, publisher } = setUp({ fundPasswords: checker, sealer: { seal: (clear) => ({ sealed: `sealed(${clear.length})` }) } });
    const header = requestHeader({ side: 'B', localInstId: BANK_CODE, peerInstId: BROKER_ID }, INSTRUCTION_CODES.IDENTITY_CHECK, 'B2026112100000012', new Date());
    const pwd = [{ Type: '0' as const, Enc: '02' as const, Pwd: encryptPinBlock(PIN_KEY, ClearPin.of('135790'), '880001') }];
    const reply = bridge.handle(
      SESSION,
      { seqNo: 10, dup: false, message: { name: 'Acmt.009.01', body: { MsgHdr: header, Cust: { Name: '张三', CertType: '10', CertId: '61010319800101243X' }, ScAcct: { Id: '880001', Type: '3', Pwd: pwd } } } },
      PIN_KEY,
    );
    await checker.answerWith('MISMATCHED');
    for (let i = 0; i < 20 && publisher.envelopesOf(bankAccountRequestReceived).length === 0; i += 1) await new Promise((resolve) => setImmediate(resolve));
    const [{ payload }] = publisher.envelopesOf(bankAccountRequestReceived);
    expect(checker.attempts).toEqual([{ attemptId: `${BANK_CODE}:B2026112100000012`, fundAccountNo: '880001' }]);
    expect(payload).toMatchObject({ function: 'CHECK_IDENTITY', fundAccountNo: '880001', fundPassword: 'MISMATCHED', customer: { name: '张三', idNumber: { sealed: 'sealed(18)' } } });
    expect(JSON.stringify(publisher.published)).not.toMatch(/135790|Pwd|61010319800101243X/);
    bridge.deliver({ inboundId: payload.inboundId, bankCode: BANK_CODE, route: payload.route, function: 'CHECK_IDENTITY', returnCode: '2001', returnMessage: '资金密码校验错误' });
    expect(await reply).toMatchObject({ name: 'Acmt.010.01', body: { Rst: { Code: '2001' }, ScAcct: { Id: '880001', Type: '3' } } });
  });

  it('F-4.3 B: a 12003 is forwarded with cancelledRef and its answer becomes the Trf.004.01 echoing CnRef', async () => {
    const { bridge, publisher } = setUp();
    const cnRef: BankRef = { Ref: 'B2026112100000007', IssrType: 'B', RefIssr: BANK_CODE };
    const reply = bridge.handle(SESSION, bankReversal('B2026112100000011', cnRef));
    const request = await forwarded(publisher);
    expect(request).toMatchObject({ function: 'REVERSE_BANK_TO_SECURITIES', cancelledRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: BANK_CODE }, amount: '250.00' });
    bridge.deliver({ ...answer(request, '2008'), returnMessage: '资金账户余额不足,不允许冲正' });
    expect(await reply).toMatchObject({ name: 'Trf.004.01', body: { Rst: { Code: '2008' }, CnRef: cnRef, TrfAmt: Money.parse('250') } });
  });

  it('F-4.6 B: a 12005 is forwarded with queriedRef and answered with the owner OrgRst', async () => {
    const { bridge, publisher } = setUp();
    const qryRef: BankRef = { Ref: 'B2026112100000007', IssrType: 'B', RefIssr: BANK_CODE };
    const reply = bridge.handle(SESSION, bankQuery('B2026112100000012', qryRef));
    const request = await forwarded(publisher);
    expect(request).toMatchObject({ function: 'QUERY_RESULT', queriedRef: { serialNo: 'B2026112100000007' }, fundAccountNo: '' });
    bridge.deliver({ ...answer(request), originalReturnCode: '2027' });
    expect(await reply).toMatchObject({ name: 'Trf.006.01', body: { Rst: { Code: '0000' }, QryRef: [qryRef], OrgRst: { Code: '2027' } } });
  });
});

describe("issue 9: the bank's new transfers beyond what is answered in time are refused at once (inbound-admission.ts)", () => {
  /** The limit an admission starts with: this many new transfers held, unanswered, fill it. */
  const FIRST_LIMIT = 64;
  const serial = (i: number) => `B20261121${String(i).padStart(8, '0')}`;

  async function filled(setup: ReturnType<typeof setUp>): Promise<BankRequestReceived[]> {
    for (let i = 0; i < FIRST_LIMIT; i += 1) void setup.bridge.handle(SESSION, bankTransfer(undefined, serial(i)));
    for (let i = 0; i < 50 && setup.publisher.envelopesOf(bankRequestReceived).length < FIRST_LIMIT; i += 1) await new Promise((resolve) => setImmediate(resolve));
    return setup.publisher.envelopesOf(bankRequestReceived).map((e) => e.payload);
  }

  it('a new 12001 beyond the limit is answered 2041 by the adapter, nothing forwarded, counted and warned once; an answer frees its slot', async () => {
    const setup = setUp({ admitted: true });
    const held = await filled(setup);
    expect(held).toHaveLength(FIRST_LIMIT);

    const refused = await setup.bridge.handle(SESSION, bankTransfer(undefined, serial(100)));
    const again = await setup.bridge.handle(SESSION, bankTransfer(undefined, serial(101)));
    expect(refused).toMatchObject({ name: 'Trf.002.01', body: { Rst: { Code: '2041' } } });
    expect(again.body.Rst.Code).toBe('2041');
    expect(setup.publisher.envelopesOf(bankRequestReceived)).toHaveLength(FIRST_LIMIT);
    expect(setup.bridge.pendingCount).toBe(FIRST_LIMIT);
    expect(setup.shedCount()).toBe(2);
    expect(setup.log.at('warn')).toEqual([expect.objectContaining({ message: expect.stringContaining('shedding'), fields: expect.objectContaining({ inFlight: FIRST_LIMIT, limit: FIRST_LIMIT }) })]);

    setup.bridge.deliver(answer(held[0]));
    void setup.bridge.handle(SESSION, bankTransfer(undefined, serial(102)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(setup.publisher.envelopesOf(bankRequestReceived).map((e) => e.payload.route.requestRef.serialNo)).toContain(serial(102));
  });

  it('F-4.5 B, F-4.3 B, F-4.6 B: a re-send, a reversal and a query are taken however full it is — their answer must say what the broker did', async () => {
    const setup = setUp({ admitted: true });
    await filled(setup);
    const cancelled: BankRef = { Ref: serial(0), IssrType: 'B', RefIssr: BANK_CODE };
    void setup.bridge.handle(SESSION, bankTransfer(undefined, serial(200), { Resend: 'Y' }));
    void setup.bridge.handle(SESSION, bankReversal(serial(201), cancelled));
    void setup.bridge.handle(SESSION, bankQuery(serial(202), cancelled));
    for (let i = 0; i < 20 && setup.publisher.envelopesOf(bankRequestReceived).length < FIRST_LIMIT + 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(setup.publisher.envelopesOf(bankRequestReceived).slice(FIRST_LIMIT).map((e) => e.payload.function)).toEqual(['BANK_TO_SECURITIES', 'REVERSE_BANK_TO_SECURITIES', 'QUERY_RESULT']);
    expect(setup.shedCount()).toBe(0);
  });

  it('requests abandoned unanswered teach it that too many were in flight: fewer are taken after', async () => {
    jest.useFakeTimers();
    try {
      const setup = setUp({ admitted: true, replyDeadlineMs: 2_000, abandonAfterMs: 10_000 });
      const held = await filled(setup);
      // One answered at once shows what an unloaded answer takes; the rest are never answered.
      setup.bridge.deliver(answer(held[0]));
      await jest.advanceTimersByTimeAsync(10_001);
      expect(setup.bridge.pendingCount).toBe(0);
      const replies = Array.from({ length: FIRST_LIMIT }, (_, i) => setup.bridge.handle(SESSION, bankTransfer(undefined, serial(300 + i))));
      await jest.advanceTimersByTimeAsync(0);
      const taken = setup.bridge.pendingCount;
      expect(taken).toBeLessThan(FIRST_LIMIT);
      expect(taken).toBeGreaterThanOrEqual(16);
      const refusedNow = await Promise.all(replies.slice(taken));
      expect(refusedNow.every((r) => r.body.Rst.Code === '2041')).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

