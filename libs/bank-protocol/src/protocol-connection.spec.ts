import { Money } from '@custody/money';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type ChecksumMode, computeCheckSum } from './checksum';
import { INSTRUCTION_CODES, type InstructionCode } from './code-lists';
import { encodePackage, FrameDecoder, parsePackage } from './framing';
import { decodeGb18030, encodeGb18030 } from './gb18030';
import { readEnvelope } from './message-codec';
import { decodeMessagePackage, encodeMessagePackage } from './package-codec';
import { ClearPin, passwordComponent, verifyPinBlock } from './pin-block';
import {
  type ProtocolConnection,
  type ReplyDraft,
  type RequestDraft,
  type RequestHandler,
  type SessionEvent,
} from './protocol-connection';
import { BankProtocolError, ConnectionClosedError, ReplyTimeoutError, SignInRejectedError } from './protocol-errors';
import { isSuccess } from './return-codes';
import { sequentialRefIssuer } from './ref-issuer';
import { acceptBankSession, openBrokerSession } from './session-roles';
import { BANK_ID, BROKER_ID, EXCHANGE_KEY, transferRequest } from './spec-fixtures';

/*
 * Loopback tests: a broker session and a bank session over real TCP on 127.0.0.1, optionally through
 * a frame-aware proxy that can drop, duplicate, corrupt or delay packages to provoke the failures
 * the profile's rules are about.
 */

type Direction = 'toBank' | 'toBroker';

interface FrameLog {
  readonly direction: Direction;
  readonly seqNo: number;
  readonly dup: boolean;
  readonly instrCd: string | undefined;
  readonly name: string | undefined;
  readonly at: number;
}

/** Decides what the proxy forwards for each package: [] drops it, two frames duplicate it. */
type FrameTap = (frame: Buffer, log: FrameLog) => Buffer[];

interface PairOptions {
  readonly checksumMode?: ChecksumMode;
  readonly brokerExchangeKey?: Buffer;
  readonly bankHandler?: RequestHandler;
  readonly brokerHandler?: RequestHandler;
  readonly maxInFlight?: number;
  readonly heartbeatIntervalMs?: number;
  readonly requestTimeoutMs?: number;
  readonly brokerRetainedPackages?: number;
  readonly toBank?: FrameTap;
  readonly toBroker?: FrameTap;
  readonly toBrokerDelayMs?: number;
}

interface Pair {
  readonly broker: ProtocolConnection;
  readonly bank: ProtocolConnection;
  readonly brokerEvents: SessionEvent[];
  readonly bankEvents: SessionEvent[];
  readonly frames: FrameLog[];
}

const cleanups: Array<() => void> = [];

afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function logOf(direction: Direction, frame: Buffer): FrameLog {
  const parsed = parsePackage(frame);
  const envelope = readEnvelope(parsed.msgText);
  return {
    direction,
    seqNo: parsed.attributes.seqNo,
    dup: parsed.attributes.dup,
    instrCd: envelope?.header?.InstrCd,
    name: envelope?.name,
    at: performance.now(),
  };
}

function relay(from: Socket, to: Socket, direction: Direction, frames: FrameLog[], tap?: FrameTap, delayMs = 0): void {
  const decoder = new FrameDecoder();
  from.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      const entry = logOf(direction, frame);
      frames.push(entry);
      const out = tap ? tap(frame, entry) : [frame];
      const forward = () => out.forEach((f) => to.write(f));
      if (delayMs > 0) setTimeout(forward, delayMs);
      else forward();
    }
  });
  from.on('close', () => to.destroy());
  from.on('error', () => to.destroy());
}

function redo(frame: Buffer, change: { readonly dup?: boolean; readonly msgText?: Buffer }): Buffer {
  const parsed = parsePackage(frame);
  return encodePackage(change.msgText ?? parsed.msgText, {
    seqNo: parsed.attributes.seqNo,
    type: parsed.attributes.type,
    dup: change.dup ?? parsed.attributes.dup,
    checkSum: parsed.attributes.checkSum ?? '0',
  });
}

async function startPair(options: PairOptions = {}): Promise<Pair> {
  const common = {
    checksumMode: options.checksumMode ?? 'HMAC-SM3',
    maxInFlight: options.maxInFlight ?? 4,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 0,
    requestTimeoutMs: options.requestTimeoutMs ?? 2_000,
  } as const;
  const brokerEvents: SessionEvent[] = [];
  const bankEvents: SessionEvent[] = [];
  const frames: FrameLog[] = [];
  const sockets: Socket[] = [];

  let bankSession: Promise<ProtocolConnection> | undefined;
  const bankServer = createServer((socket) => {
    sockets.push(socket);
    bankSession = acceptBankSession(socket, {
      ...common,
      localInstId: BANK_ID,
      peerInstId: BROKER_ID,
      exchangeKey: EXCHANGE_KEY,
      refIssuer: sequentialRefIssuer('B'),
      requestHandler: options.bankHandler,
      onEvent: (event) => bankEvents.push(event),
    });
    bankSession.catch(() => undefined);
  });
  const bankPort = await listen(bankServer);
  cleanups.push(() => bankServer.close());

  let port = bankPort;
  if (options.toBank || options.toBroker || options.toBrokerDelayMs) {
    const proxy = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: bankPort });
      sockets.push(client, upstream);
      relay(client, upstream, 'toBank', frames, options.toBank);
      relay(upstream, client, 'toBroker', frames, options.toBroker, options.toBrokerDelayMs);
    });
    port = await listen(proxy);
    cleanups.push(() => proxy.close());
  }
  cleanups.push(() => sockets.forEach((s) => s.destroy()));

  const broker = await openBrokerSession({
    ...common,
    host: '127.0.0.1',
    port,
    localInstId: BROKER_ID,
    peerInstId: BANK_ID,
    exchangeKey: options.brokerExchangeKey ?? EXCHANGE_KEY,
    refIssuer: sequentialRefIssuer('S'),
    retainedPackages: options.brokerRetainedPackages,
    requestHandler: options.brokerHandler,
    onEvent: (event) => brokerEvents.push(event),
  });
  cleanups.push(() => broker.destroy());
  if (!bankSession) throw new Error('bank never saw the connection');
  const bank = await bankSession;
  cleanups.push(() => bank.destroy());
  return { broker, bank, brokerEvents, bankEvents, frames };
}

function transferDraft(amount: string, instrCd: InstructionCode = INSTRUCTION_CODES.SECURITIES_TO_BANK): RequestDraft<'Trf.001.01'> {
  return {
    name: 'Trf.001.01',
    instrCd,
    body: {
      BkAcct: { Id: '6222021234567890123', Type: '1' },
      ScAcct: { Id: '101200001234', Type: '3' },
      Ccy: 'CNY',
      TrfAmt: Money.parse(amount),
      Dgst: '张三转账',
    },
  };
}

function echo(message: InboundTransfer): ReplyDraft {
  return { name: 'Trf.002.01', body: { Rst: { Code: '0000' }, Ccy: message.body.Ccy, TrfAmt: message.body.TrfAmt } };
}

type InboundTransfer = Extract<Parameters<RequestHandler>[0]['message'], { name: 'Trf.001.01' }>;

function transferHandler(answer: (message: InboundTransfer) => ReplyDraft | Promise<ReplyDraft>): RequestHandler {
  return ({ message }) => {
    if (message.name !== 'Trf.001.01') return { name: 'Acmt.002.01', body: { Rst: { Code: '1034' } } };
    return answer(message);
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await delay(5);
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

describe('ProtocolConnection over TCP on 127.0.0.1', () => {
  it('profile §2: sign-in with AuthData, then key sync; both sides hold the same working keys and the PIN key works', async () => {
    const pair = await startPair({
      bankHandler: transferHandler((message) => {
        const pinKey = pair.bank.workingKeys?.pinKey ?? Buffer.alloc(16);
        const pwd = message.body.BkAcct?.Pwd?.[0]?.Pwd ?? '';
        const ok = verifyPinBlock(pinKey, pwd, message.body.BkAcct?.Id ?? '', ClearPin.of('123456'));
        return ok ? echo(message) : { name: 'Trf.002.01', body: { Rst: { Code: '1001' } } };
      }),
    });
    expect(pair.broker.sessionState).toBe('signed-in');
    expect(pair.bank.sessionState).toBe('signed-in');
    const brokerKeys = pair.broker.workingKeys;
    expect(brokerKeys?.macKey.equals(pair.bank.workingKeys?.macKey ?? Buffer.alloc(0))).toBe(true);
    expect(brokerKeys?.pinKey.equals(pair.bank.workingKeys?.pinKey ?? Buffer.alloc(0))).toBe(true);
    expect(pair.frames).toEqual([]);

    const draft = transferDraft('88.00');
    const bkAcct = { Id: '6222021234567890123', Type: '1' as const, Pwd: [passwordComponent(brokerKeys?.pinKey ?? Buffer.alloc(16), ClearPin.of('123456'), '6222021234567890123')] };
    const reply = await pair.broker.request({ ...draft, body: { ...draft.body, BkAcct: bkAcct } });
    expect(reply.body.Rst.Code).toBe('0000');
    expect(reply.body.MsgHdr.InstrCd).toBe('12002');
    expect(reply.body.MsgHdr.TradSrc).toBe('S');
  });

  it('profile §2: a sign-in under the wrong exchange key is answered 1040 and the connection closed (SUM256)', async () => {
    const attempt = settle(startPair({ checksumMode: 'SUM256', brokerExchangeKey: Buffer.alloc(16, 9) }));
    const error = await attempt;
    expect(error).toBeInstanceOf(SignInRejectedError);
    expect((error as SignInRejectedError).returnCode).toBe('1040');
  });

  it('profile §2: under HMAC-SM3 a sign-in with the wrong exchange key fails its MAC and the session never starts', async () => {
    const error = await settle(startPair({ brokerExchangeKey: Buffer.alloc(16, 9) }));
    expect(error).toBeInstanceOf(BankProtocolError);
  });

  it('profile §1: requests flow both ways; the bank initiates a 12001 and keeps TradSrc B in the reply', async () => {
    const pair = await startPair({ brokerHandler: transferHandler(echo) });
    const reply = await pair.bank.request(transferDraft('5.00', INSTRUCTION_CODES.BANK_TO_SECURITIES));
    expect(reply.body.Rst.Code).toBe('0000');
    expect(reply.body.MsgHdr.TradSrc).toBe('B');
    expect(reply.body.MsgHdr.RltdRef?.IssrType).toBe('B');
  });

  it('profile §1: pipelined requests answered out of order are matched by RltdRef, never by arrival order', async () => {
    const pair = await startPair({
      maxInFlight: 3,
      bankHandler: transferHandler(async (message) => {
        // The first request (3.00) is answered last.
        await delay(Number(message.body.TrfAmt.toString()) * 60);
        return echo(message);
      }),
    });
    const arrival: string[] = [];
    const replies = await Promise.all(
      ['3.00', '2.00', '1.00'].map((amount) =>
        pair.broker.request(transferDraft(amount)).then((reply) => {
          arrival.push(reply.body.TrfAmt?.toString() ?? '');
          return [amount, reply.body.TrfAmt?.toString()];
        }),
      ),
    );
    expect(arrival).toEqual(['1.00', '2.00', '3.00']);
    for (const [sent, received] of replies) expect(received).toBe(sent);
  });

  it('profile §1: at most maxInFlight requests are in flight; the excess queues', async () => {
    let concurrent = 0;
    let highest = 0;
    const pair = await startPair({
      maxInFlight: 2,
      bankHandler: transferHandler(async (message) => {
        concurrent += 1;
        highest = Math.max(highest, concurrent);
        await delay(30);
        concurrent -= 1;
        return echo(message);
      }),
    });
    const all = ['1', '2', '3', '4', '5'].map((amount) => pair.broker.request(transferDraft(amount)));
    expect(pair.broker.inFlight).toBe(2);
    expect(pair.broker.queued).toBe(3);
    const replies = await Promise.all(all);
    expect(replies.map((r) => r.body.TrfAmt?.toString())).toEqual(['1.00', '2.00', '3.00', '4.00', '5.00']);
    expect(highest).toBe(2);
  });

  it('profile §4 timeouts: an unanswered request rejects with ReplyTimeoutError (it was written); the late reply is reported', async () => {
    const pair = await startPair({
      bankHandler: transferHandler(async (message) => {
        await delay(250);
        return echo(message);
      }),
    });
    const error = await settle(pair.broker.request(transferDraft('2.00'), { timeoutMs: 80 }));
    expect(error).toBeInstanceOf(ReplyTimeoutError);
    expect((error as ReplyTimeoutError).written).toBe(true);
    await waitFor(() => pair.brokerEvents.some((e) => e.type === 'late-reply'));
    expect(pair.broker.sessionState).toBe('signed-in');
  });

  it('profile §2: a heartbeat (10003) goes out after the idle interval and is answered', async () => {
    const pair = await startPair({ heartbeatIntervalMs: 60, toBank: (frame) => [frame] });
    await waitFor(() => pair.frames.filter((f) => f.instrCd === '10003').length >= 4, 3_000);
    expect(pair.brokerEvents.some((e) => e.type === 'heartbeat-sent') || pair.bankEvents.some((e) => e.type === 'heartbeat-sent')).toBe(true);
    expect(pair.frames.some((f) => f.direction === 'toBroker' && f.name === 'Sysm.002.01' && f.instrCd === '10003')).toBe(true);
    expect(pair.broker.sessionState).toBe('signed-in');
    expect(pair.bank.sessionState).toBe('signed-in');
  });

  it('profile §2: nothing is sent between a key sync and its reply, and every later package uses the new keys', async () => {
    const pair = await startPair({ toBrokerDelayMs: 80, toBank: (frame) => [frame], bankHandler: transferHandler(echo) });
    const before = pair.broker.workingKeys;
    const sync = pair.broker.synchronizeKeys();
    const requests = [pair.broker.request(transferDraft('1.00')), pair.broker.request(transferDraft('2.00'))];
    const keys = await sync;
    await Promise.all(requests);
    expect(keys.macKey.equals(before?.macKey ?? Buffer.alloc(0))).toBe(false);
    expect(pair.bank.workingKeys?.macKey.equals(keys.macKey)).toBe(true);

    const syncFrames = pair.frames.filter((f) => f.instrCd === '10004');
    const request = syncFrames.filter((f) => f.direction === 'toBank').at(-1);
    const reply = syncFrames.filter((f) => f.direction === 'toBroker').at(-1);
    if (!request || !reply) throw new Error('key sync not seen');
    const sentMeanwhile = pair.frames.filter((f) => f.direction === 'toBank' && f.at > request.at && f.at < reply.at);
    expect(sentMeanwhile).toEqual([]);
    const transfersAfter = pair.frames.filter((f) => f.direction === 'toBank' && f.instrCd === '12002');
    expect(transfersAfter.every((f) => f.at > reply.at)).toBe(true);
  });

  it('profile §3: a SeqNo gap triggers a re-send request; the re-sent packages (Dup=Y) are processed in order', async () => {
    let handled = 0;
    const pair = await startPair({
      bankHandler: transferHandler((message) => {
        handled += 1;
        return echo(message);
      }),
      toBank: (frame, log) => (log.seqNo === 3 && !log.dup ? [] : [frame]),
    });
    const replies = await Promise.all([pair.broker.request(transferDraft('1.00')), pair.broker.request(transferDraft('2.00'))]);
    expect(replies.map((r) => r.body.Rst.Code)).toEqual(['0000', '0000']);
    expect(handled).toBe(2);
    expect(pair.bankEvents).toContainEqual({ type: 'sequence-gap', expected: 3, received: 4 });
    expect(pair.bankEvents).toContainEqual({ type: 'resend-requested', from: 3 });
    expect(pair.frames.some((f) => f.direction === 'toBroker' && f.instrCd === '10005')).toBe(true);
    expect(pair.frames.filter((f) => f.direction === 'toBank' && f.dup).map((f) => f.seqNo)).toEqual([3, 4]);
  });

  it('profile §3: a duplicate package (lower SeqNo, Dup=Y) already processed is dropped', async () => {
    let handled = 0;
    const pair = await startPair({
      bankHandler: transferHandler((message) => {
        handled += 1;
        return echo(message);
      }),
      toBank: (frame, log) => (log.seqNo === 3 && !log.dup ? [frame, redo(frame, { dup: true })] : [frame]),
    });
    await pair.broker.request(transferDraft('1.00'));
    await pair.broker.request(transferDraft('2.00'));
    expect(handled).toBe(2);
    expect(pair.bankEvents).toContainEqual({ type: 'duplicate-dropped', seqNo: 3 });
  });

  it('profile §3: a sender that no longer holds the packages answers the re-send request with a sequence reset (10006)', async () => {
    const pair = await startPair({
      brokerRetainedPackages: 0,
      bankHandler: transferHandler(echo),
      toBank: (frame, log) => (log.seqNo === 3 && !log.dup ? [] : [frame]),
    });
    const lost = await Promise.all([
      settle(pair.broker.request(transferDraft('1.00'), { timeoutMs: 300 })),
      settle(pair.broker.request(transferDraft('2.00'), { timeoutMs: 300 })),
    ]);
    // Both are UNKNOWN to the business: one was lost on the wire, the other skipped by the reset.
    expect(lost.every((e) => e instanceof ReplyTimeoutError)).toBe(true);
    expect(pair.bankEvents.some((e) => e.type === 'sequence-reset')).toBe(true);
    expect(pair.frames.some((f) => f.direction === 'toBank' && f.instrCd === '10006' && f.dup)).toBe(true);
    const after = await pair.broker.request(transferDraft('3.00'));
    expect(after.body.Rst.Code).toBe('0000');
  });

  it.each([
    ['HMAC-SM3', '5204'],
    ['SUM256', '1043'],
  ] as const)('profile §2: a %s package that does not verify takes no effect and the bank answers %s', async (mode, code) => {
    let handled = 0;
    const pair = await startPair({
      checksumMode: mode,
      bankHandler: transferHandler((message) => {
        handled += 1;
        return echo(message);
      }),
      toBank: (frame, log) => {
        if (log.seqNo !== 3) return [frame];
        const msgText = Buffer.from(parsePackage(frame).msgText);
        msgText[msgText.indexOf(Buffer.from([0xd5, 0xc5])) + 1] = 0xc6; // 张 → another character
        return [redo(frame, { msgText })];
      },
    });
    const refused = await pair.broker.request(transferDraft('1.00'));
    expect(refused.body.Rst.Code).toBe(code);
    expect(handled).toBe(0);
    const next = await pair.broker.request(transferDraft('2.00'));
    expect(next.body.Rst.Code).toBe('0000');
    expect(handled).toBe(1);
  });

  it('a closed connection rejects in-flight requests as written and queued ones as not written', async () => {
    const pair = await startPair({ maxInFlight: 1, bankHandler: () => new Promise<ReplyDraft>(() => undefined) });
    const first = settle(pair.broker.request(transferDraft('1.00')));
    const second = settle(pair.broker.request(transferDraft('2.00')));
    await waitFor(() => pair.broker.inFlight === 1 && pair.broker.queued === 1);
    await delay(20);
    pair.bank.destroy('bank went away');
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBeInstanceOf(ConnectionClosedError);
    expect((a as ConnectionClosedError).written).toBe(true);
    expect(b).toBeInstanceOf(ConnectionClosedError);
    expect((b as ConnectionClosedError).written).toBe(false);
  });

  it('profile §2: sign-off (10002) closes both sides', async () => {
    const pair = await startPair();
    await expect(pair.broker.signOff()).resolves.toBe('0000');
    await expect(pair.bank.closed).resolves.toMatchObject({ reason: 'signed off by peer' });
    await expect(pair.broker.request(transferDraft('1.00'))).rejects.toBeInstanceOf(BankProtocolError);
  });

  it('profile §2: a bank answers a business request before sign-in with 5409 and closes', async () => {
    let session: Promise<ProtocolConnection> | undefined;
    const server = createServer((socket) => {
      session = acceptBankSession(socket, {
        localInstId: BANK_ID,
        peerInstId: BROKER_ID,
        checksumMode: 'SUM256',
        exchangeKey: EXCHANGE_KEY,
        refIssuer: sequentialRefIssuer('B'),
      });
      session.catch(() => undefined);
    });
    const port = await listen(server);
    cleanups.push(() => server.close());
    const client = connect({ host: '127.0.0.1', port });
    cleanups.push(() => client.destroy());
    const decoder = new FrameDecoder();
    const received = new Promise<Buffer>((resolve) => client.on('data', (chunk: Buffer) => decoder.push(chunk).forEach(resolve)));
    await new Promise((resolve) => client.once('connect', resolve));
    client.write(encodeMessagePackage(transferRequest(), { seqNo: 1 }, { mode: 'SUM256', macKey: EXCHANGE_KEY }));
    const answer = decodeMessagePackage(await received, { localSide: 'S', security: { mode: 'SUM256', macKey: EXCHANGE_KEY } });
    expect(answer.message.name).toBe('Trf.002.01');
    expect(answer.message.name === 'Trf.002.01' && answer.message.body.Rst.Code).toBe('5409');
    await expect(session).rejects.toBeInstanceOf(SignInRejectedError);
  });
});

/** The frame with its message text edited, signed again under SUM256 (which needs no key) unless a CheckSum is given. */
function rewritten(frame: Buffer, edit: (xml: string) => string, fields: { readonly seqNo?: number; readonly checkSum?: string } = {}): Buffer {
  const parsed = parsePackage(frame);
  const msgText = encodeGb18030(edit(decodeGb18030(parsed.msgText) ?? '')) ?? Buffer.alloc(0);
  return encodePackage(msgText, {
    seqNo: fields.seqNo ?? parsed.attributes.seqNo,
    type: parsed.attributes.type,
    dup: parsed.attributes.dup,
    checkSum: fields.checkSum ?? computeCheckSum('SUM256', msgText, EXCHANGE_KEY),
  });
}

const OURS = `<Recver><InstType>S</InstType><InstId>${BROKER_ID}</InstId></Recver>`;
const THE_BANK = `<Sender><InstType>B</InstType><InstId>${BANK_ID}</InstId></Sender>`;

/**
 * Bad input from a bank, at the broker's end of a real session (§7.23, bank-protocol.md §4: the most
 * specific code, nothing changes, the session survives). The proxy edits the first bank-initiated
 * 12001 on its way to the broker; a clean 12001 afterwards proves the session still works.
 */
describe('broker side: bad input from the bank', () => {
  async function brokerFacing(
    edit: (frame: Buffer) => Buffer[],
    checksumMode: ChecksumMode = 'SUM256',
  ): Promise<{ readonly pair: Pair; readonly handled: () => number; readonly clean: () => Promise<void> }> {
    let handled = 0;
    let edited = false;
    const pair = await startPair({
      checksumMode,
      brokerHandler: transferHandler((message) => {
        handled += 1;
        return echo(message);
      }),
      toBroker: (frame, log) => {
        if (edited || log.name !== 'Trf.001.01') return [frame];
        edited = true;
        return edit(frame);
      },
    });
    const clean = async (): Promise<void> => {
      const before = handled;
      const reply = await pair.bank.request(transferDraft('7.00', INSTRUCTION_CODES.BANK_TO_SECURITIES));
      expect(reply.body.Rst.Code).toBe('0000');
      expect(handled).toBe(before + 1);
    };
    return { pair, handled: () => handled, clean };
  }

  it.each([
    ['wrong Recver (not our broker InstId; no broker-side code names a wrong securities firm, so the format error)', '2044', (x: string) => x.replace(OURS, OURS.replace(BROKER_ID, '99999999'))],
    ['wrong Sender (not the session bank: 银行代码错)', '3054', (x: string) => x.replace(THE_BANK, THE_BANK.replace(BANK_ID, '9999999'))],
    ['amount with 3 decimals', '2044', (x: string) => x.replace('<TrfAmt>5.00</TrfAmt>', '<TrfAmt>5.005</TrfAmt>')],
    ['negative amount', '2044', (x: string) => x.replace('<TrfAmt>5.00</TrfAmt>', '<TrfAmt>-5.00</TrfAmt>')],
    ['amount over 18 digits', '2044', (x: string) => x.replace('<TrfAmt>5.00</TrfAmt>', '<TrfAmt>12345678901234567.00</TrfAmt>')],
    ['unknown currency (币种错)', '3011', (x: string) => x.replace('<Ccy>CNY</Ccy>', '<Ccy>EUR</Ccy>')],
  ])('%s → %s, the handler never sees it', async (_case, code, edit) => {
    const { pair, handled, clean } = await brokerFacing((frame) => [rewritten(frame, edit)]);
    const refused = await pair.bank.request(transferDraft('5.00', INSTRUCTION_CODES.BANK_TO_SECURITIES));
    expect(refused.body.Rst.Code).toBe(code);
    expect(refused.body.MsgHdr.RltdRef?.IssrType).toBe('B');
    expect(handled()).toBe(0);
    await clean();
  });

  it('the bank side too: a request whose Recver is not this bank is refused 1038 (无效银行号) and takes no effect', async () => {
    let handled = 0;
    const pair = await startPair({
      checksumMode: 'SUM256',
      bankHandler: transferHandler((message) => {
        handled += 1;
        return echo(message);
      }),
      toBank: (frame, log) => (log.name === 'Trf.001.01' && handled === 0 ? [rewritten(frame, (x) => x.replace(`<InstId>${BANK_ID}</InstId>`, '<InstId>9999999</InstId>'))] : [frame]),
    });
    const refused = await pair.broker.request(transferDraft('1.00'));
    expect(refused.body.Rst.Code).toBe('1038');
    expect(handled).toBe(0);
    pair.broker.destroy();
  });

  it.each([
    ['SUM256', '2043'],
    ['HMAC-SM3', '2042'],
  ] as const)('a %s CheckSum that does not verify → %s, the handler never sees it', async (mode, code) => {
    const { pair, handled, clean } = await brokerFacing((frame) => [rewritten(frame, (x) => x, { checkSum: '0' })], mode);
    const refused = await pair.bank.request(transferDraft('5.00', INSTRUCTION_CODES.BANK_TO_SECURITIES));
    expect(refused.body.Rst.Code).toBe(code);
    expect(handled()).toBe(0);
    await clean();
  });

  it('unparseable XML has no Ref to answer to: refused (2044) without an answer, logged, the session goes on', async () => {
    const { pair, handled, clean } = await brokerFacing((frame) => [rewritten(frame, () => '<MsgText><Trf.001.01><MsgHdr></Trf.001.01></MsgText>')]);
    const unanswered = await settle(pair.bank.request(transferDraft('5.00', INSTRUCTION_CODES.BANK_TO_SECURITIES), { timeoutMs: 300 }));
    expect(unanswered).toBeInstanceOf(ReplyTimeoutError);
    expect(pair.brokerEvents).toContainEqual(expect.objectContaining({ type: 'package-refused', reason: 'MALFORMED_XML', returnCode: '2044', answered: false }));
    expect(handled()).toBe(0);
    await clean();
  });

  it('a request name the standard does not know: 2033 (无此交易) noted, but there is no reply message to carry it; the session goes on', async () => {
    const { pair, handled, clean } = await brokerFacing((frame) => [rewritten(frame, (x) => x.replaceAll('Trf.001.01', 'Foo.001.01'))]);
    const unanswered = await settle(pair.bank.request(transferDraft('5.00', INSTRUCTION_CODES.BANK_TO_SECURITIES), { timeoutMs: 300 }));
    expect(unanswered).toBeInstanceOf(ReplyTimeoutError);
    expect(pair.brokerEvents).toContainEqual(expect.objectContaining({ type: 'package-refused', reason: 'UNKNOWN_MESSAGE', returnCode: '2033', answered: false }));
    expect(handled()).toBe(0);
    await clean();
  });

  it('wrong Len framing: the stream cannot be trusted any more, the broker closes the connection', async () => {
    const { pair, handled } = await brokerFacing((frame) => [Buffer.concat([Buffer.from('<IFTS Len="00010"'), frame.subarray(17)])]);
    const lost = await settle(pair.bank.request(transferDraft('5.00', INSTRUCTION_CODES.BANK_TO_SECURITIES), { timeoutMs: 2_000 }));
    expect(lost).toBeInstanceOf(ConnectionClosedError);
    await expect(pair.broker.closed).resolves.toMatchObject({ reason: expect.stringContaining('framing error') });
    expect(handled()).toBe(0);
  });

  it('a reply whose RltdRef names no request (forged) and a duplicated reply are ignored and reported; the request in flight gets its own reply', async () => {
    // Two packages are added to the bank's stream, so every later bank package is renumbered by two.
    let added = 0;
    const pair = await startPair({
      checksumMode: 'SUM256',
      bankHandler: transferHandler(echo),
      toBroker: (frame, log) => {
        const seqNo = log.seqNo + added;
        if (added > 0 || log.name !== 'Trf.002.01') return [rewritten(frame, (x) => x, { seqNo })];
        added = 2;
        return [
          rewritten(frame, (x) => x.replace(/<RltdRef><Ref>[^<]*<\/Ref>/, '<RltdRef><Ref>S-FORGED</Ref>'), { seqNo }),
          rewritten(frame, (x) => x, { seqNo: seqNo + 1 }),
          rewritten(frame, (x) => x, { seqNo: seqNo + 2 }),
        ];
      },
    });
    const first = pair.broker.request(transferDraft('3.00'));
    const reply = await first;
    expect(reply.body.Rst.Code).toBe('0000');
    expect(reply.body.TrfAmt?.toString()).toBe('3.00');
    const serial = reply.body.MsgHdr.RltdRef?.Ref ?? '';
    await waitFor(() => pair.brokerEvents.filter((e) => e.type === 'unmatched-reply').length === 2);
    expect(pair.brokerEvents.filter((e) => e.type === 'unmatched-reply')).toEqual([
      { type: 'unmatched-reply', serial: 'S-FORGED' },
      { type: 'unmatched-reply', serial },
    ]);
    const next = await pair.broker.request(transferDraft('4.00'));
    expect(isSuccess(next.body.Rst.Code)).toBe(true);
    expect(pair.broker.sessionState).toBe('signed-in');
  });
});
