import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileMacOf } from '@custody/bank-protocol';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import type { BrokerFileOwners } from '../broker-files/broker-file-owners';
import { type ReconciliationHttp, type ReconciliationTestbed, startReconciliationTestbed } from '../testing/reconciliation-testbed';
import { CHUNK_BYTES } from './day-file.store';

jest.setTimeout(60_000);

const BANK = '1021000';
const noOwners = {} as BrokerFileOwners;

/** The day-file store's HTTP API (docs/design.md "Reconciliation") against the real PostgreSQL. */
describe('day-file store: PUT, GET with Range, HEAD, list and download (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let testbed: ReconciliationTestbed;
  let http: ReconciliationHttp;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startReconciliationTestbed('reconciliation_day_files', config, noOwners);
    http = await testbed.startHttp();
  });

  afterAll(() => testbed?.close());

  const path = (fileName: string, bank = BANK) => `${http.baseUrl}/internal/v1/day-files/${bank}/${fileName}`;

  function put(fileName: string, bytes: Buffer, headers: Record<string, string> = {}, token = http.token('service')) {
    return fetch(path(fileName), {
      method: 'PUT',
      body: bytes,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/gzip',
        'x-file-len': String(bytes.length),
        'x-file-mac': fileMacOf(bytes),
        'x-file-time': '20261123183000',
        'x-bus-code': '0001',
        ...headers,
      },
    });
  }

  const get = (fileName: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(path(fileName), { method, headers: { authorization: `Bearer ${http.token('service')}`, ...headers } });

  it('design: a PUT is stored once its length and SM3 match the headers; GET serves the same bytes with the descriptor in x-file-* headers, HEAD the headers alone', async () => {
    const bytes = randomBytes(3 * CHUNK_BYTES + 1234);
    const stored = await put('B_CHK01_20261123.gz', bytes);
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({
      fileName: 'B_CHK01_20261123.gz',
      side: 'B',
      type: 'CHK01',
      businessDate: '2026-11-23',
      busCode: '0001',
      fileLen: bytes.length,
      fileMac: fileMacOf(bytes),
      fileTime: '20261123183000',
    });
    const [chunks] = await testbed.db.dataSource.query(`SELECT count(*)::int AS n, max(length(data)) AS largest FROM reconciliation.day_file_chunks`);
    expect(chunks).toEqual({ n: 4, largest: CHUNK_BYTES });

    const served = await get('B_CHK01_20261123.gz');
    expect(served.status).toBe(200);
    expect(served.headers.get('x-file-mac')).toBe(fileMacOf(bytes));
    expect(served.headers.get('x-file-len')).toBe(String(bytes.length));
    expect(served.headers.get('x-bus-code')).toBe('0001');
    expect(served.headers.get('x-file-time')).toBe('20261123183000');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);

    const head = await get('B_CHK01_20261123.gz', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('x-file-mac')).toBe(fileMacOf(bytes));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('design: Range bytes=N- is answered 206 from byte N (13007 StPos), across stored chunks; a start at or past the end is 416', async () => {
    const bytes = randomBytes(2 * CHUNK_BYTES + 10);
    await put('B_CHK02_20261123.gz', bytes, { 'x-bus-code': '0002' });
    for (const from of [0, 2048, CHUNK_BYTES - 1, CHUNK_BYTES, 2 * CHUNK_BYTES + 9]) {
      const part = await get('B_CHK02_20261123.gz', { range: `bytes=${from}-` });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes ${from}-${bytes.length - 1}/${bytes.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(from))).toBe(true);
    }
    const past = await get('B_CHK02_20261123.gz', { range: `bytes=${bytes.length}-` });
    expect(past.status).toBe(416);
    expect(await past.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('design: a PUT whose bytes do not match x-file-mac or x-file-len is refused 422 VALIDATION_FAILED and nothing is stored', async () => {
    const bytes = randomBytes(5000);
    const badMac = await put('B_CHK03_20261123.gz', bytes, { 'x-file-mac': fileMacOf(randomBytes(10)), 'x-bus-code': '0003' });
    expect(badMac.status).toBe(422);
    expect(await badMac.json()).toMatchObject({ code: 'VALIDATION_FAILED', status: 422 });
    const badLen = await put('B_CHK03_20261123.gz', bytes, { 'x-file-len': '4999', 'x-bus-code': '0003' });
    expect(badLen.status).toBe(422);
    const missing = await get('B_CHK03_20261123.gz');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });
    const [{ n }] = await testbed.db.dataSource.query(
      `SELECT count(*)::int AS n FROM reconciliation.day_file_chunks c WHERE NOT EXISTS (SELECT 1 FROM reconciliation.day_files f WHERE f.file_id = c.file_id)`,
    );
    expect(n).toBe(0);
  });

  it('design: the same file again (name and FileMac) is a no-op 200; a different one becomes the current version and the old one is kept', async () => {
    const first = randomBytes(100);
    const second = randomBytes(200);
    await put('B_DIF01_20261123.gz', first, { 'x-bus-code': '0008' });
    expect((await put('B_DIF01_20261123.gz', first, { 'x-bus-code': '0008' })).status).toBe(200);
    expect((await testbed.store.current(BANK, 'B_DIF01_20261123.gz'))!.version).toBe(1);
    await put('B_DIF01_20261123.gz', second, { 'x-bus-code': '0008' });
    const served = await get('B_DIF01_20261123.gz');
    expect(Buffer.from(await served.arrayBuffer()).equals(second)).toBe(true);

    const list = await fetch(`${http.baseUrl}/v1/reconciliation/2026-11-23/files?bankCode=${BANK}`, { headers: { authorization: `Bearer ${http.token('auditor')}` } });
    const { files } = (await list.json()) as { files: Array<{ fileName: string; version: number; current: boolean; fileMac: string; side: string }> };
    expect(files.filter((f) => f.fileName === 'B_DIF01_20261123.gz').map(({ version, current, fileMac }) => ({ version, current, fileMac }))).toEqual([
      { version: 1, current: false, fileMac: fileMacOf(first) },
      { version: 2, current: true, fileMac: fileMacOf(second) },
    ]);
  });

  it('api: operators, supervisors and auditors download a file of a date by name and bank; without bankCode it is VALIDATION_FAILED, another date NOT_FOUND', async () => {
    const bytes = randomBytes(777);
    await put('S_CHK01_20261123.gz', bytes);
    for (const role of ['operator', 'supervisor', 'auditor'] as const) {
      const download = await fetch(`${http.baseUrl}/v1/reconciliation/2026-11-23/files/S_CHK01_20261123.gz?bankCode=${BANK}`, { headers: { authorization: `Bearer ${http.token(role)}` } });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/gzip');
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    }
    const auditor = { authorization: `Bearer ${http.token('auditor')}` };
    expect(await (await fetch(`${http.baseUrl}/v1/reconciliation/2026-11-23/files/S_CHK01_20261123.gz`, { headers: auditor })).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await (await fetch(`${http.baseUrl}/v1/reconciliation/2026-11-24/files/S_CHK01_20261123.gz?bankCode=${BANK}`, { headers: auditor })).json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await fetch(`${http.baseUrl}/v1/reconciliation/2026-11-23/files/S_CHK01_20261123.gz?bankCode=${BANK}`, { headers: { authorization: `Bearer ${http.token('trading')}` } })).status).toBe(403);
  });

  it('design: the internal API takes only services; a name that is no day file, an unknown bank and missing headers are VALIDATION_FAILED', async () => {
    const bytes = randomBytes(10);
    expect((await put('B_CHK01_20261124.gz', bytes, {}, http.token('operator'))).status).toBe(403);
    expect(await (await put('B_CHK09_20261124.gz', bytes)).json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await (await put('B_CHK01_20261131.gz', bytes)).json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const unknownBank = await fetch(path('B_CHK01_20261124.gz', '9999999'), { method: 'GET', headers: { authorization: `Bearer ${http.token('service')}` } });
    expect(await unknownBank.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await (await put('B_CHK01_20261124.gz', bytes, { 'x-file-time': '2026' })).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
