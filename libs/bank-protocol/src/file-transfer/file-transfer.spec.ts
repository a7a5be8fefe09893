import { createHash, randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { INSTRUCTION_CODES } from '../code-lists';
import type { FileOperation } from '../file-messages';
import type { ProtocolConnection, RequestDraft, RequestHandler, RequestOptions } from '../protocol-connection';
import type { ProtocolSide } from '../return-codes';
import { sequentialRefIssuer } from '../ref-issuer';
import { acceptBankSession, openBrokerSession } from '../session-roles';
import { BANK_ID, BROKER_ID, EXCHANGE_KEY } from '../spec-fixtures';
import { encodeChunkData, MAX_CHUNK_BYTES } from './chunks';
import { describeFile, type FileDescription, type FileFields, type FileSink, type FileSinkWriter, type LocalFile, wholeFileInfo } from './file-description';
import { FileFetcher } from './file-fetcher';
import { FileReceiver, type FileReply, type FileRequest } from './file-receiver';
import type { FileRequester, FileRequestName } from './file-requests';
import { FileSender } from './file-sender';
import { FileTransferError } from './file-transfer-error';
import { InMemoryFileStore } from './in-memory-file-store';

/*
 * Both ends of in-band file transfer over a real signed-in session pair on 127.0.0.1 (HMAC-SM3 package
 * MACs, key sync): a broker (S) and a bank (B), each with a FileReceiver over an in-memory sink of what
 * it receives and an in-memory source of its own files.
 */

// A 1 MB file is 512 signed round trips: ~1 s on a quiet machine, over jest's 5 s once in a CI with both cores busy.
jest.setTimeout(30_000);

const D = '20240105';

/** What a side's receiver was asked and how it answered, in order. */
interface Exchange {
  readonly request: FileRequest;
  readonly reply: FileReply;
}

/** Lets a test get between a request and the receiver's answer (delay it, inspect it). */
type Intercept = (request: FileRequest, answer: () => Promise<FileReply>) => Promise<FileReply>;

interface SideOptions {
  readonly sink?: FileSink;
  readonly intercept?: Intercept;
}

interface PairSide {
  readonly connection: ProtocolConnection;
  /** This side's own files, served to the peer's 13006/13007. */
  readonly own: InMemoryFileStore;
  /** What this side was sent or fetched. */
  readonly received: InMemoryFileStore;
  /** Requests as they arrived, answered or not yet. */
  readonly arrivals: FileRequest[];
  readonly exchanges: Exchange[];
  readonly ready: Array<readonly FileDescription[]>;
}

const cleanups: Array<() => void> = [];

afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const notAFileRequest: RequestHandler = () => ({ name: 'Trf.002.01', body: { Rst: { Code: '1034' } } });

type SideParts = Omit<PairSide, 'connection'>;

function sideHandler(side: ProtocolSide, options: SideOptions, { own, received, arrivals, exchanges, ready }: SideParts): RequestHandler {
  const receiver = new FileReceiver({ side, sink: options.sink ?? received, source: own, onFilesReady: (files) => void ready.push(files) });
  const intercept: Intercept = options.intercept ?? ((_request, answer) => answer());
  return async ({ message }, connection) => {
    if (!receiver.handles(message)) return notAFileRequest({ message, seqNo: 0, dup: false }, connection);
    arrivals.push(message);
    const reply = await intercept(message, () => receiver.handle(message));
    exchanges.push({ request: message, reply });
    return reply;
  };
}

async function startPair(options: { readonly bank?: SideOptions; readonly broker?: SideOptions } = {}): Promise<{ readonly broker: PairSide; readonly bank: PairSide }> {
  const common = { checksumMode: 'HMAC-SM3', maxInFlight: 4, heartbeatIntervalMs: 0, requestTimeoutMs: 2_000, exchangeKey: EXCHANGE_KEY } as const;
  const make = (): SideParts => ({ own: new InMemoryFileStore(), received: new InMemoryFileStore(), arrivals: [], exchanges: [], ready: [] });
  const bankParts = make();
  const brokerParts = make();
  const sockets: Socket[] = [];
  let bankSession: Promise<ProtocolConnection> | undefined;
  const server = createServer((socket) => {
    sockets.push(socket);
    bankSession = acceptBankSession(socket, {
      ...common,
      localInstId: BANK_ID,
      peerInstId: BROKER_ID,
      refIssuer: sequentialRefIssuer('B'),
      requestHandler: sideHandler('B', options.bank ?? {}, bankParts),
    });
    bankSession.catch(() => undefined);
  });
  const port = await listen(server);
  cleanups.push(() => server.close());
  cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
  const broker = await openBrokerSession({
    ...common,
    host: '127.0.0.1',
    port,
    localInstId: BROKER_ID,
    peerInstId: BANK_ID,
    refIssuer: sequentialRefIssuer('S'),
    requestHandler: sideHandler('S', options.broker ?? {}, brokerParts),
  });
  cleanups.push(() => broker.destroy());
  if (!bankSession) throw new Error('the bank never saw the connection');
  const bank = await bankSession;
  cleanups.push(() => bank.destroy());
  return { broker: { connection: broker, ...brokerParts }, bank: { connection: bank, ...bankParts } };
}

function fields(prefix: 'S' | 'B', type: 'CHK01' | 'CHK02' | 'CHK03', busDate = D): FileFields {
  const busCode = type === 'CHK01' ? '0001' : type === 'CHK02' ? '0002' : '0003';
  return { busCode, busDate, fileName: `${prefix}_${type}_${busDate}.gz`, fileTime: `${busDate}153000` };
}

/** A file read in pieces of `pieceBytes`, as from disk or PostgreSQL, never handed over whole. */
function streamed(content: Buffer, pieceBytes: number) {
  return async function* bytes(position = 0): AsyncGenerator<Buffer> {
    for (let at = position; at < content.length; at += pieceBytes) yield Buffer.from(content.subarray(at, at + pieceBytes));
  };
}

function sm3(content: Buffer): string {
  return createHash('sm3').update(content).digest('hex').toUpperCase();
}

/** A day file of `textBytes` random bytes of text, gzipped: it barely compresses, so the `.gz` is about as large. */
function gzFile(textBytes: number): Buffer {
  return gzipSync(randomBytes(textBytes));
}

function chunkRequests(requests: readonly FileRequest[]): FileOperation[] {
  return requests.flatMap((request) =>
    request.name === 'File.001.01' && request.body.MsgHdr.InstrCd === INSTRUCTION_CODES.SEND_FILE_DATA ? [request.body] : [],
  );
}

function answersTo(exchanges: readonly Exchange[], instrCd: string): string[] {
  return exchanges.filter(({ request }) => request.body.MsgHdr.InstrCd === instrCd).map(({ reply }) => reply.body.Rst.Code);
}

async function failureOf(promise: Promise<unknown>): Promise<FileTransferError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FileTransferError) return error;
    throw error;
  }
  throw new Error('expected the transfer to fail');
}

/** A requester that changes some drafts on their way out, as a fault between the engine and the wire. */
function tampering(connection: ProtocolConnection, change: (draft: RequestDraft<'File.001.01'>) => RequestDraft<'File.001.01'>): FileRequester {
  const request = (draft: RequestDraft<FileRequestName>, options?: RequestOptions) =>
    draft.name === 'File.001.01' ? connection.request(change(draft), options) : connection.request(draft, options);
  // TypeScript cannot relate the narrowed branches back to the generic signature; each branch is exact.
  return { request } as FileRequester;
}

/** A sink that keeps every write in `appends` and can lose a committed file, as a receiver whose storage failed. */
class RecordingSink implements FileSink {
  readonly appends: Array<{ readonly fileName: string; readonly bytes: number }> = [];

  constructor(
    private readonly inner: InMemoryFileStore,
    private readonly loses: (fileName: string) => boolean = () => false,
  ) {}

  async begin(file: FileDescription): Promise<FileSinkWriter> {
    const writer = await this.inner.begin(file);
    return {
      append: async (data) => {
        this.appends.push({ fileName: file.fileName, bytes: data.length });
        await writer.append(data);
      },
      commit: () => (this.loses(file.fileName) ? writer.discard() : writer.commit()),
      discard: () => writer.discard(),
    };
  }

  find(fileName: string): Promise<FileDescription | undefined> {
    return this.inner.find(fileName);
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('in-band file transfer over a real TCP session pair (profile §5)', () => {
  it('profile §5 steps 1–2: a 1 MB file streams from the broker in 2,048-byte chunks, LstFrag N…Y, and the bank holds it byte-identical with its SM3 verified', async () => {
    const pair = await startPair();
    const content = gzFile(1024 * 1024);
    const file = await describeFile(fields('S', 'CHK01'), streamed(content, 65_536 + 3));
    expect(file.fileMac).toBe(sm3(content));

    const sent = await new FileSender(pair.broker.connection, { side: 'S' }).sendFile(file);

    const expectedChunks = Math.ceil(content.length / MAX_CHUNK_BYTES);
    expect(sent).toEqual({ fileName: 'S_CHK01_20240105.gz', fileLen: content.length, fileMac: sm3(content), chunks: expectedChunks, sends: 1 });
    const received = await pair.bank.received.content('S_CHK01_20240105.gz');
    expect(received?.equals(content)).toBe(true);
    expect(sm3(received ?? Buffer.alloc(0))).toBe(file.fileMac);
    expect(await pair.bank.received.find('S_CHK01_20240105.gz')).toMatchObject({ busCode: '0001', busDate: D, fileLen: content.length, fileMac: sm3(content) });

    const chunks = chunkRequests(pair.bank.arrivals);
    expect(chunks).toHaveLength(expectedChunks);
    expect(chunks.map((chunk) => chunk.StPos)).toEqual(chunks.map((_chunk, index) => index * MAX_CHUNK_BYTES));
    expect(chunks.every((chunk) => (chunk.DataLen ?? 0) <= MAX_CHUNK_BYTES && chunk.FileInfo?.BusDate === D)).toBe(true);
    expect(chunks.map((chunk) => chunk.MsgHdr.LstFrag).join('')).toBe(`${'N'.repeat(expectedChunks - 1)}Y`);
    expect(answersTo(pair.bank.exchanges, '13008')).toEqual(['0000']);
  });

  it('profile §5: a day file with no records (an empty text, gzipped) still travels, bank → broker, as one chunk with LstFrag Y', async () => {
    const pair = await startPair();
    const content = gzipSync(Buffer.alloc(0));
    const file = pair.bank.own.add(fields('B', 'CHK02'), content);

    const sent = await new FileSender(pair.bank.connection, { side: 'B' }).sendFile(file);

    expect([sent.chunks, sent.sends]).toEqual([1, 1]);
    expect((await pair.broker.received.content('B_CHK02_20240105.gz'))?.equals(content)).toBe(true);
    expect(chunkRequests(pair.broker.arrivals).map((chunk) => [chunk.StPos, chunk.DataLen, chunk.MsgHdr.LstFrag])).toEqual([[0, content.length, 'Y']]);
  });

  it('a file with no bytes at all is not a .gz: nothing is sent', async () => {
    const pair = await startPair();
    const error = await failureOf(new FileSender(pair.broker.connection, { side: 'S' }).sendFile(pair.broker.own.add(fields('S', 'CHK01'), Buffer.alloc(0))));
    expect(error.reason).toBe('BAD_SOURCE');
    expect(pair.bank.exchanges).toEqual([]);
  });

  it('a file whose bytes no longer match its FileMac is never finished: the last chunk is not sent', async () => {
    const pair = await startPair();
    const content = gzFile(5_000);
    const described = pair.broker.own.add(fields('S', 'CHK01'), content);
    const altered = Buffer.from(content);
    altered[100] ^= 0xff;
    const changed: LocalFile = { ...described, bytes: streamed(altered, 4096) };

    const error = await failureOf(new FileSender(pair.broker.connection, { side: 'S' }).sendFile(changed));

    expect(error.reason).toBe('BAD_SOURCE');
    expect(chunkRequests(pair.bank.arrivals).map((chunk) => chunk.MsgHdr.LstFrag)).toEqual(['N', 'N']);
    expect(await pair.bank.received.find(described.fileName)).toBeUndefined();
  });

  it('profile §5 step 2: a chunk whose answer is lost is sent again with the same StPos and written once', async () => {
    let delayed = false;
    const store = new InMemoryFileStore();
    const sink = new RecordingSink(store);
    const pair = await startPair({
      bank: {
        sink,
        intercept: async (request, answer) => {
          const reply = await answer();
          if (request.body.MsgHdr.InstrCd === INSTRUCTION_CODES.SEND_FILE_DATA && request.name === 'File.001.01' && request.body.StPos === 2 * MAX_CHUNK_BYTES && !delayed) {
            // Written by the bank, answered too late for the broker: the answer is lost as far as it knows.
            delayed = true;
            await delay(400);
          }
          return reply;
        },
      },
    });
    const content = gzFile(5 * MAX_CHUNK_BYTES);
    const file = pair.broker.own.add(fields('S', 'CHK01'), content);

    const sent = await new FileSender(pair.broker.connection, { side: 'S', requestTimeoutMs: 150 }).sendFile(file);

    expect(sent.sends).toBe(1);
    const positions = chunkRequests(pair.bank.arrivals).map((chunk) => chunk.StPos);
    expect(positions.filter((position) => position === 2 * MAX_CHUNK_BYTES)).toHaveLength(2);
    expect(sink.appends.map((append) => append.bytes).reduce((sum, bytes) => sum + bytes, 0)).toBe(content.length);
    expect(sink.appends).toHaveLength(Math.ceil(content.length / MAX_CHUNK_BYTES));
    expect((await store.content(file.fileName))?.equals(content)).toBe(true);
  });

  it('a chunk never answered is given up after its attempts: UNANSWERED, naming the file', async () => {
    const pair = await startPair({
      bank: {
        intercept: async (request, answer) => {
          const reply = await answer();
          if (request.body.MsgHdr.InstrCd === INSTRUCTION_CODES.SEND_FILE_DATA) await delay(300);
          return reply;
        },
      },
    });
    const file = pair.broker.own.add(fields('S', 'CHK01'), gzFile(100));

    const error = await failureOf(new FileSender(pair.broker.connection, { side: 'S', requestTimeoutMs: 80, attemptsPerRequest: 2 }).sendFile(file));

    expect([error.reason, error.fileName]).toEqual(['UNANSWERED', file.fileName]);
    expect(chunkRequests(pair.bank.arrivals).map((chunk) => chunk.StPos)).toEqual([0, 0]);
  });

  it('a receiver whose storage fails the commit does not hold the file: its last chunk is answered with the transfer-error code and the sender sends the file again', async () => {
    const store = new InMemoryFileStore();
    let failures = 0;
    const failingOnce: FileSink = {
      find: (fileName) => store.find(fileName),
      begin: async (file) => {
        const writer = await store.begin(file);
        return {
          append: (data) => writer.append(data),
          commit: async () => {
            if (failures > 0) return writer.commit();
            failures += 1;
            throw new Error('storage away');
          },
          discard: () => writer.discard(),
        };
      },
    };
    const pair = await startPair({ bank: { sink: failingOnce } });
    const content = gzFile(3 * MAX_CHUNK_BYTES);
    const file = pair.broker.own.add(fields('S', 'CHK01'), content);

    const sent = await new FileSender(pair.broker.connection, { side: 'S' }).sendFile(file);

    expect(sent.sends).toBe(2);
    const lastAnswers = pair.bank.exchanges.filter(({ request }) => request.name === 'File.001.01' && request.body.MsgHdr.LstFrag === 'Y').map(({ reply }) => reply.body.Rst);
    expect(lastAnswers).toEqual([{ Code: '5208', Info: 'S_CHK01_20240105.gz: not stored: storage away' }, { Code: '0000' }]);
    expect((await store.content(file.fileName))?.equals(content)).toBe(true);
  });

  it('a session lost mid-file ends the send with SESSION_LOST; the file is sent again from 13008 on another', async () => {
    const pair = await startPair({
      bank: {
        intercept: async (request, answer) => {
          if (request.name === 'File.001.01' && request.body.StPos === MAX_CHUNK_BYTES) pair.bank.connection.destroy('test: connection lost');
          return answer();
        },
      },
    });
    const file = pair.broker.own.add(fields('S', 'CHK01'), gzFile(3 * MAX_CHUNK_BYTES));

    const error = await failureOf(new FileSender(pair.broker.connection, { side: 'S' }).sendFile(file));

    expect([error.reason, error.fileName]).toEqual(['SESSION_LOST', file.fileName]);
    expect(await pair.bank.received.find(file.fileName)).toBeUndefined();
  });

  it.each([
    ['S', 'the bank answers 5208'],
    ['B', 'the broker answers 3093'],
  ] as const)('profile §5 step 2: a chunk corrupted on its way fails the FileMac at the last chunk (%s sends, %s); the file is discarded, sent again from 13008 and then accepted', async (sender, _answer) => {
    const pair = await startPair();
    const [from, to] = sender === 'S' ? [pair.broker, pair.bank] : [pair.bank, pair.broker];
    const content = gzFile(3 * MAX_CHUNK_BYTES);
    const file = from.own.add(fields(sender, 'CHK03'), content);
    let corrupted = false;
    const requester = tampering(from.connection, (draft) => {
      if (draft.instrCd !== INSTRUCTION_CODES.SEND_FILE_DATA || draft.body.StPos !== MAX_CHUNK_BYTES || corrupted) return draft;
      corrupted = true;
      const data = Buffer.from(draft.body.FileData ?? '', 'base64');
      data[7] ^= 0xff;
      return { ...draft, body: { ...draft.body, FileData: encodeChunkData(data) } };
    });

    const sent = await new FileSender(requester, { side: sender }).sendFile(file);

    expect(sent.sends).toBe(2);
    const lastChunkAnswers = to.exchanges.filter(({ request }) => request.body.MsgHdr.LstFrag === 'Y').map(({ reply }) => reply.body.Rst);
    expect(lastChunkAnswers.map((result) => result.Code)).toEqual([sender === 'S' ? '5208' : '3093', '0000']);
    expect(lastChunkAnswers[0].Info).toMatch(/FileMac mismatch/);
    expect(answersTo(to.exchanges, '13008')).toEqual(['0000', '0000']);
    expect((await to.received.content(file.fileName))?.equals(content)).toBe(true);
  });

  it('the receiver holds only readable gzip: a file that is not one is refused at its last chunk each time, and the sender gives up with the code', async () => {
    const pair = await startPair();
    const file = pair.broker.own.add(fields('S', 'CHK01'), Buffer.alloc(3_000, 'x'));

    const error = await failureOf(new FileSender(pair.broker.connection, { side: 'S', fileResends: 1 }).sendFile(file));

    expect([error.reason, error.fileName, error.returnCode]).toEqual(['RESENDS_EXHAUSTED', 'S_CHK01_20240105.gz', '5208']);
    expect(error.info).toMatch(/not a readable gzip/);
    expect(answersTo(pair.bank.exchanges, '13008')).toEqual(['0000', '0000']);
    expect(await pair.bank.received.find(file.fileName)).toBeUndefined();
  });

  describe('profile §5 step 2: a malformed chunk is refused and its file discarded', () => {
    const NAME = 'S_CHK01_20240105.gz';
    const content = gzFile(3 * MAX_CHUNK_BYTES);
    const chunkAt = (position: number, data: Buffer, overrides: Partial<FileOperation> = {}, last: 'Y' | 'N' = 'N'): RequestDraft<'File.001.01'> => ({
      name: 'File.001.01',
      instrCd: INSTRUCTION_CODES.SEND_FILE_DATA,
      lastFragment: last,
      body: { FileInfo: { BusCode: '0001', BusDate: D, FileName: NAME }, StPos: position, DataLen: data.length, FileData: encodeChunkData(data), ...overrides },
    });
    const first = content.subarray(0, MAX_CHUNK_BYTES);
    const second = content.subarray(MAX_CHUNK_BYTES, 2 * MAX_CHUNK_BYTES);

    it.each([
      ['over 2,048 bytes', [chunkAt(0, content.subarray(0, MAX_CHUNK_BYTES + 1))], /1\.\.2048 bytes, this one 2049/],
      ['a gap in StPos', [chunkAt(0, first), chunkAt(2 * MAX_CHUNK_BYTES, second)], /gap: StPos 4096, expected 2048/],
      ['StPos going back over bytes written', [chunkAt(0, first), chunkAt(1, second)], /overlaps/],
      ['not base64', [chunkAt(0, first, { FileData: `${'@'.repeat(8)}` })], /not base64/],
      ['a DataLen not matching its bytes', [chunkAt(0, first, { DataLen: 100 })], /DataLen 100 but FileData holds 2048/],
      ['another BusDate than its 13008', [chunkAt(0, first, { FileInfo: { FileName: NAME, BusDate: '20240104' } })], /BusDate 20240104/],
      ['the chunk just written sent again with other bytes', [chunkAt(0, first), chunkAt(0, second)], /sent again with other bytes/],
      ['running past FileLen', [chunkAt(0, first), chunkAt(2048, second), chunkAt(4096, content.subarray(4096, 6144)), chunkAt(6144, first)], /past FileLen/],
    ])('%s → 5208 from the bank, and the next chunk finds no file', async (_case, chunks, why) => {
      const pair = await startPair();
      const file = pair.broker.own.add(fields('S', 'CHK01'), content);
      const send = (draft: RequestDraft<'File.001.01'>) => pair.broker.connection.request(draft);
      const announced = await send({ name: 'File.001.01', instrCd: INSTRUCTION_CODES.SEND_FILE_INFO, body: { FileInfo: wholeFileInfo(file) } });
      expect(announced.body.Rst.Code).toBe('0000');

      const answers = [];
      for (const chunk of chunks) answers.push((await send(chunk)).body.Rst);
      const refused = answers[answers.length - 1];
      const afterwards = await send(chunkAt(0, first));

      expect(answers.slice(0, -1).map((result) => result.Code)).toEqual(chunks.slice(0, -1).map(() => '0000'));
      expect(refused.Code).toBe('5208');
      expect(refused.Info).toMatch(why);
      expect(afterwards.body.Rst).toEqual({ Code: '5208', Info: `${NAME}: no 13008 before this chunk` });
      expect(await pair.bank.received.find(NAME)).toBeUndefined();
    });

    it('a chunk with no 13008 before it → 3093 from the broker', async () => {
      const pair = await startPair();
      const reply = await pair.bank.connection.request({ ...chunkAt(0, first), body: { ...chunkAt(0, first).body, FileInfo: { FileName: 'B_CHK01_20240105.gz', BusDate: D } } });
      expect(reply.body.Rst).toEqual({ Code: '3093', Info: 'B_CHK01_20240105.gz: no 13008 before this chunk' });
    });
  });

  describe('profile §5 step 3: 13006/13007 fetch a file from the side that has it', () => {
    it('a broker fetches the bank’s B_CHK01 chunk by chunk: byte-identical, verified, kept with what it was sent', async () => {
      const pair = await startPair();
      const content = gzFile(10_000);
      pair.bank.own.add(fields('B', 'CHK01'), content);

      const fetched = await new FileFetcher(pair.broker.connection, { side: 'S', sink: pair.broker.received }).fetch({ fileName: 'B_CHK01_20240105.gz', busDate: D, busCode: '0001' });

      expect([fetched.chunks, fetched.fetches, fetched.file.fileMac]).toEqual([Math.ceil(content.length / MAX_CHUNK_BYTES), 1, sm3(content)]);
      expect((await pair.broker.received.content('B_CHK01_20240105.gz'))?.equals(content)).toBe(true);
      const answers = pair.bank.exchanges.filter(({ request }) => request.body.MsgHdr.InstrCd === INSTRUCTION_CODES.REQUEST_FILE_DATA).map(({ reply }) => reply);
      expect(answers.map((reply) => reply.lastFragment).join('')).toBe(`${'N'.repeat(answers.length - 1)}Y`);
    });

    it('a file the bank does not have (yet) is answered 5208: NOT_AVAILABLE, and nothing is kept', async () => {
      const pair = await startPair();
      const error = await failureOf(new FileFetcher(pair.broker.connection, { side: 'S', sink: pair.broker.received }).fetch({ fileName: 'B_CHK02_20240105.gz' }));
      expect([error.reason, error.returnCode, error.info]).toEqual(['NOT_AVAILABLE', '5208', 'B_CHK02_20240105.gz: no such file here (yet)']);
      expect(await pair.broker.received.find('B_CHK02_20240105.gz')).toBeUndefined();
    });

    it('a side serves only its own files: the broker answers the bank 3092 for a file it was sent but did not write', async () => {
      const pair = await startPair();
      await new FileSender(pair.bank.connection, { side: 'B' }).sendFile(pair.bank.own.add(fields('B', 'CHK01'), gzFile(100)));
      const error = await failureOf(new FileFetcher(pair.bank.connection, { side: 'B', sink: pair.bank.received }).fetch({ fileName: 'B_CHK01_20240105.gz' }));
      expect([error.reason, error.returnCode]).toEqual(['NOT_AVAILABLE', '3092']);
    });

    it('a 13007 past the end of the file is answered 5208', async () => {
      const pair = await startPair();
      const file = pair.bank.own.add(fields('B', 'CHK01'), gzFile(100));
      const reply = await pair.broker.connection.request({
        name: 'File.001.01',
        instrCd: INSTRUCTION_CODES.REQUEST_FILE_DATA,
        body: { FileInfo: { FileName: file.fileName, BusDate: D }, StPos: file.fileLen },
      });
      expect(reply.body.Rst.Code).toBe('5208');
      expect(reply.body.Rst.Info).toMatch(/past its end/);
    });
  });

  describe('profile §5 step 4: 13005 after a step’s files', () => {
    it('the step S_CHK01–03 and 13005 accepted at once: the receiver is told which files are ready', async () => {
      const pair = await startPair();
      const files = (['CHK01', 'CHK02', 'CHK03'] as const).map((type) => pair.broker.own.add(fields('S', type), gzFile(3_000)));

      const step = await new FileSender(pair.broker.connection, { side: 'S' }).sendStep(files);

      expect(step.announcements).toBe(1);
      expect(pair.bank.ready.map((ready) => ready.map((file) => file.fileName))).toEqual([files.map((file) => file.fileName)]);
    });

    it('a 13005 listing a file the bank lacks is refused 5208 naming it; the step’s files are sent again and 13005 repeated', async () => {
      let lost = false;
      const received = new InMemoryFileStore();
      const pair = await startPair({
        bank: {
          sink: new RecordingSink(received, (fileName) => {
            if (fileName !== 'S_CHK02_20240105.gz' || lost) return false;
            lost = true;
            return true;
          }),
        },
      });
      const files = (['CHK01', 'CHK02', 'CHK03'] as const).map((type) => pair.broker.own.add(fields('S', type), gzFile(3_000)));

      const step = await new FileSender(pair.broker.connection, { side: 'S' }).sendStep(files);

      expect(step.announcements).toBe(2);
      const readyAnswers = pair.bank.exchanges.filter(({ request }) => request.name === 'Stmt.003.01').map(({ reply }) => reply.body.Rst);
      expect(readyAnswers).toEqual([{ Code: '5208', Info: 'S_CHK02_20240105.gz: not received' }, { Code: '0000' }]);
      expect(answersTo(pair.bank.exchanges, '13008')).toHaveLength(6);
      expect(pair.bank.ready).toHaveLength(1);
      for (const file of files) expect((await received.content(file.fileName))?.length).toBe(file.fileLen);
    });

    it('still refused after three repeats: STEP_REFUSED naming the file, and the day waits for an operator', async () => {
      const pair = await startPair({ bank: { sink: new RecordingSink(new InMemoryFileStore(), (fileName) => fileName === 'S_CHK02_20240105.gz') } });
      const files = (['CHK01', 'CHK02'] as const).map((type) => pair.broker.own.add(fields('S', type), gzFile(500)));

      const error = await failureOf(new FileSender(pair.broker.connection, { side: 'S' }).sendStep(files));

      expect([error.reason, error.fileName, error.returnCode]).toEqual(['STEP_REFUSED', 'S_CHK02_20240105.gz', '5208']);
      expect(answersTo(pair.bank.exchanges, '13005')).toEqual(['5208', '5208', '5208', '5208']);
      expect(answersTo(pair.bank.exchanges, '13008')).toHaveLength(8);
      expect(pair.bank.ready).toEqual([]);
    });

    it('the broker refuses a bank’s 13005 for a file it does not hold with 3092', async () => {
      const pair = await startPair();
      const file = pair.bank.own.add(fields('B', 'CHK01'), gzFile(500));
      const error = await failureOf(new FileSender(pair.bank.connection, { side: 'B', stepRepeats: 0 }).announceReady([file]));
      expect([error.reason, error.returnCode, error.info]).toEqual(['STEP_REFUSED', '3092', 'B_CHK01_20240105.gz: not received']);
    });

    it('a file held but listed with another FileMac is not the file listed', async () => {
      const pair = await startPair();
      const file = pair.broker.own.add(fields('S', 'CHK01'), gzFile(500));
      await new FileSender(pair.broker.connection, { side: 'S' }).sendFile(file);
      const error = await failureOf(new FileSender(pair.broker.connection, { side: 'S', stepRepeats: 0 }).announceReady([{ ...file, fileMac: sm3(Buffer.from('other')) }]));
      expect(error.info).toBe('S_CHK01_20240105.gz: held with another FileMac');
    });
  });
});
