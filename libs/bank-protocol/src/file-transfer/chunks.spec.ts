import { randomBytes } from 'node:crypto';
import { chunksOf, encodeChunkData, MAX_CHUNK_BYTES, readChunkData } from './chunks';
import { bufferFile, fileMacOf } from './file-description';

async function* piecesOf(content: Buffer, sizes: readonly number[], pulled: { count: number } = { count: 0 }): AsyncGenerator<Buffer> {
  let position = 0;
  for (let i = 0; position < content.length; i += 1) {
    const size = sizes[i % sizes.length];
    pulled.count += 1;
    yield content.subarray(position, position + size);
    position += size;
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('chunks (profile §5 step 2)', () => {
  it('a stream in pieces of any size is cut into 2,048-byte chunks at their offsets, the last one shorter and marked last', async () => {
    const content = randomBytes(5 * MAX_CHUNK_BYTES + 17);
    const chunks = await collect(chunksOf(piecesOf(content, [1000, 3001, 1, 7000])));
    expect(chunks.map((chunk) => [chunk.position, chunk.data.length, chunk.last])).toEqual([
      [0, 2048, false],
      [2048, 2048, false],
      [4096, 2048, false],
      [6144, 2048, false],
      [8192, 2048, false],
      [10240, 17, true],
    ]);
    expect(Buffer.concat(chunks.map((chunk) => chunk.data)).equals(content)).toBe(true);
  });

  it('a file of exactly 2,048 bytes is one chunk marked last; no bytes is no chunk', async () => {
    expect((await collect(chunksOf(piecesOf(randomBytes(MAX_CHUNK_BYTES), [MAX_CHUNK_BYTES])))).map((chunk) => chunk.last)).toEqual([true]);
    expect(await collect(chunksOf(piecesOf(Buffer.alloc(0), [1])))).toEqual([]);
  });

  it('reads its source lazily: a large file is never whole in memory', async () => {
    const pulled = { count: 0 };
    const chunks = chunksOf(piecesOf(randomBytes(1024 * 1024), [MAX_CHUNK_BYTES], pulled));
    await chunks.next();
    // The first chunk is held back until the second exists (it might be the last): two pieces, of 512.
    expect(pulled.count).toBe(2);
    await chunks.return(undefined);
  });

  it.each([
    ['not base64', 'YW*j', 3, /not base64/],
    ['base64 with whitespace', 'YW Jj', 3, /not base64/],
    ['unpadded base64', 'YWI', 2, /not base64/],
    ['DataLen not matching the bytes', 'YWJj', 4, /DataLen 4 but FileData holds 3/],
    ['an empty chunk', '', 0, /1\.\.2048/],
    ['more than 2,048 bytes', encodeChunkData(Buffer.alloc(MAX_CHUNK_BYTES + 1)), MAX_CHUNK_BYTES + 1, /1\.\.2048 bytes, this one 2049/],
  ])('refuses a chunk: %s', (_case, fileData, dataLen, why) => {
    const reading = readChunkData(fileData, dataLen);
    expect(reading.ok ? 'read' : reading.why).toMatch(why);
  });

  it('reads canonical base64 of up to 2,048 bytes', () => {
    const data = randomBytes(MAX_CHUNK_BYTES);
    const reading = readChunkData(encodeChunkData(data), data.length);
    expect(reading.ok && reading.data.equals(data)).toBe(true);
  });

  it('profile §5: FileMac is the uppercase hex SM3 digest of the whole .gz (GB/T 32905 test vector "abc")', async () => {
    expect(fileMacOf(Buffer.from('abc'))).toBe('66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0');
    const file = bufferFile({ busCode: '0001', busDate: '20240105', fileName: 'S_CHK01_20240105.gz', fileTime: '20240105153000' }, Buffer.from('abc'));
    expect([file.fileLen, file.fileMac]).toEqual([3, fileMacOf(Buffer.from('abc'))]);
    expect(Buffer.concat(await collect(file.bytes(1))).toString()).toBe('bc');
  });
});
