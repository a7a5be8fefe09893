import {
  type Chk01Record,
  type Chk04Record,
  ClearPin,
  DAY_FILE_BUSINESS_CODES,
  type DayFileRecords,
  type FileDescription,
  FileFetcher,
  FileReceiver,
  FileSender,
  FileTransferError,
  INSTRUCTION_CODES,
  InMemoryFileStore,
  openBrokerSession,
  parseKeyHex,
  passwordComponent,
  type ProtocolConnection,
  type ReplyDraft,
  type RequestHandler,
  readDayFile,
  sequentialRefIssuer,
  writeDayFile,
} from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { addDays } from '@custody/service-kit';
import type { SimulatorSettings } from './simulator-settings';
import { type RunningBankSimulator, startBankSimulator } from './start-bank-simulator';

/*
 * The bank's side of the day's close (bank-protocol.md §5, §7 steps 3–7), the simulator in-process and the
 * protocol library playing the broker over real TCP: its own FileReceiver for the bank's files, FileSender for
 * its own, FileFetcher for 13006/13007. Each test starts a fresh bank, so its books hold only what the test did.
 */
jest.setTimeout(30_000);

const BANK = '1021000';
const BROKER = '10000001';
const EXCHANGE_KEY_HEX = '0123456789ABCDEFFEDCBA9876543210';
const PIN = '135790';
const HOLDER = { name: '张三', idType: '10', idNumber: '110101199001011234' };
/** A customer the broker pre-designates (F-3.1): the bank knows them only from the 11002. */
const PRE_DESIGNATED = { name: '李四', idNumber: '110101199202022345' };
const BANK_ACCOUNT = '6222010000000001';
const FUND_ACCOUNT = '900000000001';

const brokerSerials = sequentialRefIssuer('T');

const settings: SimulatorSettings = {
  bankCode: BANK,
  bankName: 'Simulated Bank A',
  brokerInstId: BROKER,
  tcpHost: '127.0.0.1',
  tcpPort: 0,
  checksumMode: 'HMAC-SM3',
  exchangeKey: parseKeyHex(EXCHANGE_KEY_HEX),
  maxInFlightPerSession: 4,
  requestTimeoutMs: 800,
  summaryAccount: '102100000000000001',
  acceptsSecuritiesToBankReversal: true,
  controlHost: '127.0.0.1',
  controlPort: 0,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const compact = (isoDate: string) => isoDate.replace(/-/g, '');

/** One file request as it reached the broker. */
interface Arrival {
  readonly instrCd: string;
  readonly fileName?: string;
  readonly at: number;
  /** The broker's answer code. */
  readonly code: string;
}

/** The broker as the test plays it: its receiver of the bank's files, its own files, what reached it. */
interface Broker {
  readonly connection: ProtocolConnection;
  readonly received: InMemoryFileStore;
  readonly own: InMemoryFileStore;
  /** The file lists of each 13005 it answered 0000. */
  readonly ready: (readonly FileDescription[])[];
  readonly arrivals: Arrival[];
  /** The bank's own requests (12001/12002 B) it answered 0000. */
  readonly bankRequests: string[];
}

let sim: RunningBankSimulator;
let broker: Broker;

async function http<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sim.controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

async function startBroker(): Promise<Broker> {
  const received = new InMemoryFileStore();
  const own = new InMemoryFileStore();
  const ready: (readonly FileDescription[])[] = [];
  const arrivals: Arrival[] = [];
  const bankRequests: string[] = [];
  const receiver = new FileReceiver({ side: 'S', sink: received, source: own, onFilesReady: (files) => void ready.push(files) });
  const requestHandler: RequestHandler = async ({ message }) => {
    if (receiver.handles(message)) {
      const reply = await receiver.handle(message);
      const fileName = message.name === 'File.001.01' ? message.body.FileInfo?.FileName : undefined;
      arrivals.push({ instrCd: message.body.MsgHdr.InstrCd, fileName, at: Date.now(), code: reply.body.Rst.Code });
      return reply;
    }
    if (message.name === 'Trf.001.01') {
      bankRequests.push(message.body.MsgHdr.Ref.Ref);
      return { name: 'Trf.002.01', body: { Rst: { Code: '0000' } } } satisfies ReplyDraft;
    }
    return { name: 'Acmt.002.01', body: { Rst: { Code: '2033' } } } satisfies ReplyDraft;
  };
  const connection = await openBrokerSession({
    host: '127.0.0.1',
    port: sim.tcpPort,
    localInstId: BROKER,
    peerInstId: BANK,
    checksumMode: 'HMAC-SM3',
    exchangeKey: parseKeyHex(EXCHANGE_KEY_HEX),
    refIssuer: brokerSerials,
    requestTimeoutMs: 3_000,
    heartbeatIntervalMs: 0,
    requestHandler,
  });
  return { connection, received, own, ready, arrivals, bankRequests };
}

beforeEach(async () => {
  sim = await startBankSimulator(settings, { logLevel: 'silent' });
  broker = await startBroker();
  expect((await http('POST', '/bank-accounts', { bankAccountNo: BANK_ACCOUNT, ...HOLDER, password: PIN, balance: '1000.00' })).status).toBe(201);
  const pinKey = broker.connection.workingKeys?.pinKey;
  if (!pinKey) throw new Error('no key sync');
  const designated = await broker.connection.request({
    name: 'Acmt.001.01',
    instrCd: INSTRUCTION_CODES.DESIGNATE,
    body: {
      Cust: { Name: HOLDER.name, CertType: '10', CertId: HOLDER.idNumber },
      BkAcct: { Id: BANK_ACCOUNT, Type: '1', Pwd: [passwordComponent(pinKey, ClearPin.of(PIN), BANK_ACCOUNT)] },
      ScAcct: { Id: FUND_ACCOUNT, Type: '3' },
      Ccy: 'CNY',
      ScBal: { Type: '0', Bal: Money.parse('0.00', 'non-negative') },
    },
  });
  expect(designated.body.Rst.Code).toBe('0000');
});

afterEach(async () => {
  // Whatever the bank started (a push, a comparison) ends on the session it started on.
  await sim.core.dayClose.idle();
  broker.connection.destroy('test over');
  await sim.stop();
});

/** 12001 S or 12002 S from the broker; its serial. */
async function brokerTransfer(instrCd: '12001' | '12002', amount: string): Promise<string> {
  const pinKey = broker.connection.workingKeys?.pinKey;
  if (!pinKey) throw new Error('no key sync');
  const reply = await broker.connection.request({
    name: 'Trf.001.01',
    instrCd,
    body: {
      BkAcct: { Id: BANK_ACCOUNT, Type: '1', Pwd: instrCd === '12001' ? [passwordComponent(pinKey, ClearPin.of(PIN), BANK_ACCOUNT)] : undefined },
      ScAcct: { Id: FUND_ACCOUNT, Type: '3' },
      Ccy: 'CNY',
      TrfAmt: Money.parse(amount),
    },
  });
  expect(reply.body.Rst.Code).toBe('0000');
  return reply.body.MsgHdr.RltdRef?.Ref ?? '';
}

/** F-3.1 S (11002) from the broker for a customer of its own (no bank account); the bank's custody account number. */
async function brokerPreDesignation(fundAccountNo: string, opening: string): Promise<string> {
  const reply = await broker.connection.request({
    name: 'Acmt.001.01',
    instrCd: INSTRUCTION_CODES.PRE_DESIGNATE,
    body: {
      Cust: { Name: PRE_DESIGNATED.name, CertType: '10', CertId: PRE_DESIGNATED.idNumber },
      ScAcct: { Id: fundAccountNo, Type: '3' },
      Ccy: 'CNY',
      ScBal: { Type: '0', Bal: Money.parse(opening, 'non-negative') },
    },
  });
  expect(reply.body.Rst.Code).toBe('0000');
  return reply.body.BkAcct?.Id ?? '';
}

/** 12001 B at the bank's counter; its serial and status. */
async function bankDeposit(amount: string): Promise<{ serialNo: string; status: string }> {
  const result = await http<{ serialNo: string; status: string }>('POST', '/bank-initiated/transfers', { type: 'BANK_TO_SECURITIES', bankAccountNo: BANK_ACCOUNT, fundAccountNo: FUND_ACCOUNT, amount });
  expect(result.status).toBe(201);
  return result.body;
}

/** Starts (13012) the day after the bank's current one: a date of its own for the test. */
async function startDay(): Promise<string> {
  const date = addDays(sim.core.books.day.date, 1);
  const reply = await broker.connection.request({ name: 'Stmt.007.01', instrCd: INSTRUCTION_CODES.DAY_BUSINESS_START, body: { BusiDate: compact(date) } });
  expect(reply.body.Rst.Code).toBe('0000');
  return date;
}

async function endDay(): Promise<void> {
  const reply = await broker.connection.request({ name: 'Stmt.005.01', instrCd: INSTRUCTION_CODES.DAY_BUSINESS_END, body: {} });
  expect(reply.body.Rst.Code).toBe('0000');
}

function summaryCheck(figures: { DpstNum: number; DpstAmt: string; WtdrNum: number; WtdrAmt: string }) {
  const stamp = { ...figures, DpstAmt: Money.parse(figures.DpstAmt, 'non-negative'), WtdrAmt: Money.parse(figures.WtdrAmt, 'non-negative') };
  return broker.connection.request({ name: 'Stmt.001.01', instrCd: INSTRUCTION_CODES.RECONCILE_TRANSFER_SUMMARY, body: { RecNum: 1, TrfSumStamt: [stamp] } });
}

async function records<T extends keyof DayFileRecords>(store: InMemoryFileStore, type: T, fileName: string): Promise<DayFileRecords[T][]> {
  const content = await store.content(fileName);
  if (!content) throw new Error(`${fileName} not held`);
  const out: DayFileRecords[T][] = [];
  for await (const record of readDayFile(type, content, { fileName })) out.push(record);
  return out;
}

/** The file names of the 13005s the broker answered 0000. */
function announced(): string[][] {
  return broker.ready.map((files) => files.map((file) => file.fileName));
}

/** The broker's S files of a step, written with the codec and sent as the adapter does (13008/13009, then 13005). */
async function sendBrokerFiles(date: string, files: { [T in 'CHK01' | 'CHK02' | 'CHK03' | 'CHK04']?: readonly DayFileRecords[T][] }): Promise<void> {
  const local = [];
  for (const [type, list] of Object.entries(files) as [keyof typeof files, readonly DayFileRecords[keyof typeof files][]][]) {
    const fileName = `S_${type}_${compact(date)}.gz`;
    const chunks: Buffer[] = [];
    for await (const chunk of writeDayFile(type, list as Iterable<never>)) chunks.push(chunk as Buffer);
    local.push(broker.own.add({ busCode: DAY_FILE_BUSINESS_CODES[type], busDate: compact(date), fileName, fileTime: `${compact(date)}170000` }, Buffer.concat(chunks)));
  }
  await new FileSender(broker.connection, { side: 'S' }).sendStep(local);
}

/** The bank's CHK01–03 of a date as the broker received them. */
async function bankDetailFiles(date: string) {
  const d = compact(date);
  return {
    CHK01: await records(broker.received, 'CHK01', `B_CHK01_${d}.gz`),
    CHK02: await records(broker.received, 'CHK02', `B_CHK02_${d}.gz`),
    CHK03: await records(broker.received, 'CHK03', `B_CHK03_${d}.gz`),
  };
}

const detailNames = (date: string) => ['CHK01', 'CHK02', 'CHK03'].map((type) => `B_${type}_${compact(date)}.gz`);
const difNames = (date: string) => ['DIF01', 'DIF02', 'DIF03'].map((type) => `B_${type}_${compact(date)}.gz`);

describe('bank-protocol.md §7 step 5: after its 13011 the bank pushes B_CHK01–03 and 13005', () => {
  it('its CHK01 lists what moved its books on D, from both initiators; CHK02/CHK03 only what D touched', async () => {
    const date = await startDay();
    const brokerSerial = await brokerTransfer('12001', '100.00');
    const bankSerial = (await bankDeposit('30.00')).serialNo;
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    expect(announced()).toEqual([detailNames(date)]);
    const { CHK01, CHK02, CHK03 } = await bankDetailFiles(date);
    expect(CHK01.map((r) => [r.initiator, r.functionCode, r.initiator === 'S' ? r.brokerSerialNo : r.bankSerialNo, r.amount.toString(), r.clearingDate])).toEqual([
      ['S', '12001', brokerSerial, '100.00', date],
      ['B', '12001', bankSerial, '30.00', date],
    ]);
    // The designation was on the bank's first day, not this one.
    expect([CHK02, CHK03]).toEqual([[], []]);
    expect(broker.arrivals.filter((a) => a.instrCd === '13008').map((a) => [a.fileName, a.code])).toEqual(detailNames(date).map((name) => [name, '0000']));
  });

  it('§5: a pre-designation of D is a CHK03 record (11002, its opening balance, no bank account) and a CHK02 record pre-designated (1)', async () => {
    const date = await startDay();
    const custodyAccountNo = await brokerPreDesignation('900000000002', '75.00');
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    const { CHK01, CHK02, CHK03 } = await bankDetailFiles(date);
    expect(CHK01).toEqual([]);
    expect(CHK02).toEqual([expect.objectContaining({ bankAccountNo: null, fundAccountNo: '900000000002', customerName: PRE_DESIGNATED.name, currency: 'CNY', status: '1' })]);
    expect(CHK03).toEqual([
      expect.objectContaining({
        functionCode: '11002',
        initiator: 'S',
        custodyAccountNo,
        bankAccountNo: null,
        fundAccountNo: '900000000002',
        customerName: PRE_DESIGNATED.name,
        idNumber: PRE_DESIGNATED.idNumber,
        amount: Money.parse('75.00'),
      }),
    ]);
  });

  it('a repeated 13011 takes no second snapshot and pushes nothing again', async () => {
    const date = await startDay();
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    await endDay();
    await sim.core.dayClose.idle();
    expect(broker.ready).toHaveLength(1);
    expect(await records(broker.received, 'CHK01', `B_CHK01_${compact(date)}.gz`)).toEqual([]);
  });

  it('the control API lists the files of a date and reads one as JSON records; an ID number only masked', async () => {
    // The bank's first day, on which the account was designated.
    const date = sim.core.books.day.date;
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    const listed = await http<{ files: Array<Record<string, unknown>> }>('GET', `/day-files?businessDate=${date}`);
    expect(listed.body.files.map((f) => [f.fileName, f.origin, f.busCode])).toEqual([
      [`B_CHK01_${compact(date)}.gz`, 'OWN', '0001'],
      [`B_CHK02_${compact(date)}.gz`, 'OWN', '0002'],
      [`B_CHK03_${compact(date)}.gz`, 'OWN', '0003'],
    ]);
    const chk03 = await http<{ records: Array<Record<string, unknown>> }>('GET', `/day-files/B_CHK03_${compact(date)}.gz`);
    expect(chk03.body.records).toEqual([
      expect.objectContaining({ functionCode: '11001', fundAccountNo: FUND_ACCOUNT, amount: '0.00', idType: '10', idNumberMasked: '************1234' }),
    ]);
    expect(JSON.stringify(chk03.body)).not.toContain(HOLDER.idNumber);
    expect((await http('GET', '/day-files/B_CHK09_20260101.gz')).status).toBe(404);
    expect((await http('GET', '/day-files?businessDate=yesterday')).status).toBe(400);
  });
});

describe('bank-protocol.md §7 step 4: 13010 at the bank', () => {
  it('1032 before the 13011; after it ChkRst 0000 with BkEntry from its CHK01 when the figures agree, 5208 when they do not', async () => {
    await startDay();
    await brokerTransfer('12001', '100.00');
    await brokerTransfer('12002', '40.00');
    expect((await summaryCheck({ DpstNum: 1, DpstAmt: '100.00', WtdrNum: 1, WtdrAmt: '40.00' })).body.Rst.Code).toBe('1032');
    await endDay();
    const agreed = await summaryCheck({ DpstNum: 1, DpstAmt: '100.00', WtdrNum: 1, WtdrAmt: '40.00' });
    expect(agreed.body.Rst.Code).toBe('0000');
    expect(agreed.body.TrfSumCnfm?.[0]).toMatchObject({ ChkRst: { Code: '0000' }, BkEntry: { DpstNum: 1, WtdrNum: 1 }, ScEntry: { DpstNum: 1, WtdrNum: 1 } });
    expect(agreed.body.TrfSumCnfm?.[0].BkEntry?.DpstAmt.toString()).toBe('100.00');
    const differing = await summaryCheck({ DpstNum: 2, DpstAmt: '150.00', WtdrNum: 1, WtdrAmt: '40.00' });
    expect(differing.body.TrfSumCnfm?.[0]).toMatchObject({ ChkRst: { Code: '5208' }, BkEntry: { DpstNum: 1 }, ScEntry: { DpstNum: 2 } });
    await startDay();
    expect((await summaryCheck({ DpstNum: 0, DpstAmt: '0.00', WtdrNum: 0, WtdrAmt: '0.00' })).body.Rst.Code).toBe('1032');
  });
});

describe("bank-protocol.md §7 step 6: the broker's S_CHK01–03 → the bank's B_DIF01–03 and 13005", () => {
  it('the breaks the bank finds: S (only the broker), B (only the bank), X with the positions; empty DIF02/DIF03 when those agree', async () => {
    const date = await startDay();
    await brokerTransfer('12001', '100.00');
    const altered = await brokerTransfer('12001', '20.00');
    const bankOnly = (await bankDeposit('30.00')).serialNo;
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    const bank = await bankDetailFiles(date);
    const brokerChk01: Chk01Record[] = [
      ...bank.CHK01.filter((r) => r.initiator === 'S').map((r) => (r.brokerSerialNo === altered ? { ...r, amount: Money.parse('25.00') } : r)),
      { ...bank.CHK01[0], brokerSerialNo: 'T_ONLY_BROKER', bankSerialNo: null, amount: Money.parse('7.00') },
    ];
    await sendBrokerFiles(date, { CHK01: brokerChk01, CHK02: bank.CHK02, CHK03: bank.CHK03 });
    await waitFor(() => broker.ready.length === 2);
    expect(announced()[1]).toEqual(difNames(date));
    const d = compact(date);
    const dif01 = await records(broker.received, 'DIF01', `B_DIF01_${d}.gz`);
    expect(dif01.map((dif) => [dif.reason, dif.broker?.brokerSerialNo ?? dif.bank?.bankSerialNo, dif.positions, dif.handlingCode])).toEqual([
      ['X', altered, [16], 'B0'],
      ['S', 'T_ONLY_BROKER', [], 'B0'],
      ['B', bankOnly, [], 'B0'],
    ]);
    expect(dif01[0].bank?.amount.toString()).toBe('20.00');
    expect(await records(broker.received, 'DIF02', `B_DIF02_${d}.gz`)).toEqual([]);
    expect(await records(broker.received, 'DIF03', `B_DIF03_${d}.gz`)).toEqual([]);
  });

  it('the same S files announced again are not compared again; changed, they are', async () => {
    const date = await startDay();
    await brokerTransfer('12001', '100.00');
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    const bank = await bankDetailFiles(date);
    await sendBrokerFiles(date, { CHK01: bank.CHK01, CHK02: bank.CHK02, CHK03: bank.CHK03 });
    await waitFor(() => broker.ready.length === 2);
    await sendBrokerFiles(date, { CHK01: bank.CHK01, CHK02: bank.CHK02, CHK03: bank.CHK03 });
    await sim.core.dayClose.idle();
    expect(broker.ready).toHaveLength(2);
    await sendBrokerFiles(date, { CHK01: [{ ...bank.CHK01[0], amount: Money.parse('1.00') }], CHK02: bank.CHK02, CHK03: bank.CHK03 });
    await waitFor(() => broker.ready.length === 3);
    expect((await records(broker.received, 'DIF01', `B_DIF01_${compact(date)}.gz`)).map((dif) => dif.reason)).toEqual(['X']);
  });
});

describe("bank-protocol.md §7 step 7: the broker's S_CHK04 → the bank's B_DIF04 and 13005", () => {
  const ledger = (date: string, fundAccountNo: string, amount: string): Chk04Record => ({
    bankInstId: BANK,
    brokerInstId: BROKER,
    branchId: '0001',
    tradeDate: date,
    fundAccountNo,
    customerName: HOLDER.name,
    currency: 'CNY',
    cashExFlag: null,
    amount: Money.parse(amount, 'non-negative'),
  });

  it('only differences: the custody balance that differs, and a fund ledger the bank lacks', async () => {
    const date = await startDay();
    await brokerTransfer('12001', '100.00');
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    await sendBrokerFiles(date, { CHK04: [ledger(date, FUND_ACCOUNT, '90.00'), ledger(date, '900000000999', '5.00')] });
    await waitFor(() => broker.ready.length === 2);
    expect(announced()[1]).toEqual([`B_DIF04_${compact(date)}.gz`]);
    const dif04 = await records(broker.received, 'DIF04', `B_DIF04_${compact(date)}.gz`);
    expect(dif04.map((r) => [r.fundAccountNo, r.brokerAmount.toString(), r.bankAmount.toString(), r.remark, r.date])).toEqual([
      [FUND_ACCOUNT, '90.00', '100.00', '余额不符', date],
      ['900000000999', '5.00', '0.00', '银行方无此账户', date],
    ]);
  });

  it('F-3.1: a pre-designated custody account holds its opening balance: compared like any other, named by the identity the broker sent', async () => {
    const date = await startDay();
    await brokerPreDesignation('900000000002', '75.00');
    await brokerPreDesignation('900000000003', '20.00');
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    await sendBrokerFiles(date, { CHK04: [ledger(date, FUND_ACCOUNT, '0.00'), ledger(date, '900000000002', '70.00')] });
    await waitFor(() => broker.ready.length === 2);
    const dif04 = await records(broker.received, 'DIF04', `B_DIF04_${compact(date)}.gz`);
    expect(dif04.map((r) => [r.fundAccountNo, r.customerName, r.brokerAmount.toString(), r.bankAmount.toString(), r.remark])).toEqual([
      ['900000000002', PRE_DESIGNATED.name, '70.00', '75.00', '余额不符'],
      ['900000000003', PRE_DESIGNATED.name, '0.00', '20.00', '证券方无此账户'],
    ]);
  });

  it('equal balances: an empty DIF04, still sent', async () => {
    const date = await startDay();
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    await sendBrokerFiles(date, { CHK04: [ledger(date, FUND_ACCOUNT, '0.00')] });
    await waitFor(() => broker.ready.length === 2);
    expect(await records(broker.received, 'DIF04', `B_DIF04_${compact(date)}.gz`)).toEqual([]);
  });
});

describe('bank-protocol.md §5 step 3: the bank serves its own files to 13006/13007', () => {
  it('a file it holds is fetched whole; one it does not have yet is 5208', async () => {
    const date = await startDay();
    await brokerTransfer('12001', '100.00');
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    const fetched = new InMemoryFileStore();
    const fetcher = new FileFetcher(broker.connection, { side: 'S', sink: fetched });
    const name = `B_CHK01_${compact(date)}.gz`;
    await fetcher.fetch({ fileName: name, busDate: compact(date), busCode: '0001' });
    expect(await fetched.content(name)).toEqual(await broker.received.content(name));
    const missing = await fetcher.fetch({ fileName: `B_DIF04_${compact(date)}.gz` }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(FileTransferError);
    expect(missing).toMatchObject({ reason: 'NOT_AVAILABLE', returnCode: '5208' });
  });
});

describe('faults of the day close (control API)', () => {
  const arm = async (fault: Record<string, unknown>) => {
    const result = await http<{ faultId: string }>('POST', '/faults', fault);
    expect(result.status).toBe(201);
    return result.body.faultId;
  };
  const applied = async () => (await http<Array<Record<string, unknown>>>('GET', '/faults/applied')).body;

  it('OMIT_FROM_CHK01 leaves the serial out of the next CHK01 (13010 then disagrees); the applied record names it', async () => {
    const date = await startDay();
    const omitted = await brokerTransfer('12001', '100.00');
    const faultId = await arm({ kind: 'OMIT_FROM_CHK01', serialNo: omitted });
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    expect(await records(broker.received, 'CHK01', `B_CHK01_${compact(date)}.gz`)).toEqual([]);
    expect((await summaryCheck({ DpstNum: 1, DpstAmt: '100.00', WtdrNum: 0, WtdrAmt: '0.00' })).body.TrfSumCnfm?.[0].ChkRst.Code).toBe('5208');
    expect(await applied()).toEqual([expect.objectContaining({ faultId, kind: 'OMIT_FROM_CHK01', serialNo: omitted, businessDate: date })]);
  });

  it('ALTER_IN_CHK01 lists the serial with another amount', async () => {
    const date = await startDay();
    const serial = await brokerTransfer('12001', '100.00');
    await arm({ kind: 'ALTER_IN_CHK01', serialNo: serial, amount: '99.99' });
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    const chk01 = await records(broker.received, 'CHK01', `B_CHK01_${compact(date)}.gz`);
    expect(chk01.map((r) => [r.brokerSerialNo, r.amount.toString()])).toEqual([[serial, '99.99']]);
  });

  it('LOSE_BANK_REQUEST: the bank books its 12001 and never sends it — UNKNOWN at the bank, unseen by the broker, listed in its CHK01', async () => {
    const date = await startDay();
    await arm({ kind: 'LOSE_BANK_REQUEST', instrCd: '12001' });
    const lost = await bankDeposit('30.00');
    expect(lost.status).toBe('UNKNOWN');
    expect(broker.bankRequests).toEqual([]);
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    const chk01 = await records(broker.received, 'CHK01', `B_CHK01_${compact(date)}.gz`);
    expect(chk01.map((r) => [r.initiator, r.bankSerialNo, r.amount.toString()])).toEqual([['B', lost.serialNo, '30.00']]);
    expect(await applied()).toEqual([expect.objectContaining({ kind: 'LOSE_BANK_REQUEST', instrCd: '12001', serialNo: lost.serialNo })]);
  });

  it('CORRUPT_FILE_CHUNK: the broker discards the file at its FileMac (3093) and the bank sends it again from 13008', async () => {
    const date = await startDay();
    await arm({ kind: 'CORRUPT_FILE_CHUNK', times: 1 });
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    const first = `B_CHK01_${compact(date)}.gz`;
    expect(broker.arrivals.filter((a) => a.fileName === first).map((a) => [a.instrCd, a.code])).toEqual([
      ['13008', '0000'],
      ['13009', '3093'],
      ['13008', '0000'],
      ['13009', '0000'],
    ]);
    expect(await applied()).toEqual([expect.objectContaining({ kind: 'CORRUPT_FILE_CHUNK', fileName: first, stPos: 0 })]);
  });

  it('DELAY_FILE_CHUNK holds a chunk back by delayMs; the file still arrives whole', async () => {
    await startDay();
    await arm({ kind: 'DELAY_FILE_CHUNK', delayMs: 300 });
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    const [info, chunk] = broker.arrivals;
    expect([info.instrCd, chunk.instrCd]).toEqual(['13008', '13009']);
    expect(chunk.at - info.at).toBeGreaterThanOrEqual(290);
  });

  it('HOLD_DAY_FILES: nothing is pushed after the 13011; the broker fetches the files (13006/13007)', async () => {
    const date = await startDay();
    await brokerTransfer('12001', '100.00');
    await arm({ kind: 'HOLD_DAY_FILES' });
    await endDay();
    await sim.core.dayClose.idle();
    expect(broker.arrivals).toEqual([]);
    const fetched = new InMemoryFileStore();
    const name = `B_CHK01_${compact(date)}.gz`;
    await new FileFetcher(broker.connection, { side: 'S', sink: fetched }).fetch({ fileName: name });
    expect(await records(fetched, 'CHK01', name)).toHaveLength(1);
  });

  it('a corrupted chunk served to 13007: the broker fetches the file again from 13006', async () => {
    const date = await startDay();
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    await arm({ kind: 'CORRUPT_FILE_CHUNK' });
    const fetched = new InMemoryFileStore();
    const name = `B_CHK02_${compact(date)}.gz`;
    const result = await new FileFetcher(broker.connection, { side: 'S', sink: fetched }).fetch({ fileName: name });
    expect(result.fetches).toBe(2);
    expect(await fetched.content(name)).toEqual(await broker.received.content(name));
  });

  it('DELAY_DIF04: the DIF04 comes delayMs after the broker’s 13005', async () => {
    const date = await startDay();
    await endDay();
    await waitFor(() => broker.ready.length === 1);
    await arm({ kind: 'DELAY_DIF04', delayMs: 400 });
    const sent = Date.now();
    await sendBrokerFiles(date, { CHK04: [] });
    await sleep(200);
    expect(broker.ready).toHaveLength(1);
    await waitFor(() => broker.ready.length === 2);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(400);
    expect(await applied()).toEqual([expect.objectContaining({ kind: 'DELAY_DIF04', businessDate: date, fileName: `B_DIF04_${compact(date)}.gz` })]);
  });

  it('a day-close fault without what it needs is 400', async () => {
    for (const fault of [{ kind: 'OMIT_FROM_CHK01' }, { kind: 'ALTER_IN_CHK01', serialNo: 'S1' }, { kind: 'DELAY_DIF04' }, { kind: 'ALTER_IN_CHK01', serialNo: 'S1', amount: '-1.00' }]) {
      expect((await http('POST', '/faults', fault)).status).toBe(400);
    }
  });
});
