import { randomUUID } from 'node:crypto';
import { DomainError } from '@custody/service-kit';
import { requireInfrastructure, uniqueCitizenNumber, uniqueDigits, uniqueFundAccountNo } from '@custody/testing';
import { createCustodyTestbed, CUSTODY_TEST_PRINCIPAL, type CustodyTestbed } from '../testing/custody-testbed';
import type { BatchView } from './conversion-batch.service';
import type { ConversionWorker } from './conversion.worker';

jest.setTimeout(60_000);

const BANK = '1021000';
const OTHER_BANK = '1051000';

/**
 * F-12.2.2 batch conversion against the real PostgreSQL: the file's lines become F-3.1 pre-designations through the
 * account service's own path, the banks' answers settle them, a re-run changes nothing already done, and a batch
 * left half-done by a crashed process is finished by the next one from the rows alone.
 */
describe('F-12.2.2 batch pre-designation from a file (real PostgreSQL)', () => {
  let bed: CustodyTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    bed = await createCustodyTestbed('account_conversion_batches');
  });
  afterAll(() => bed?.db.drop());

  const batches = () => bed.conversion.batches;

  /** A customer (a well-formed citizen number unless told otherwise) with a CNY primary fund account. */
  async function account(identity: { idNumber?: string; name?: string } = {}): Promise<{ fundAccountNo: string; customerNo: string }> {
    const customerNo = `C${uniqueDigits(9)}`;
    await bed.customers.put(customerNo, { name: identity.name ?? '王五', type: 'INDIVIDUAL', idType: '10', idNumber: identity.idNumber ?? uniqueCitizenNumber() });
    const fundAccountNo = uniqueFundAccountNo();
    await bed.fundAccounts.open({ requestId: randomUUID(), fundAccountNo, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });
    return { fundAccountNo, customerNo };
  }

  const upload = (text: string, requestId: string = randomUUID(), contentType = 'text/csv') =>
    batches().upload({ requestId, fileName: 'conversion.csv', contentType, bytes: Buffer.from(text), uploadedBy: 'ops@test' });
  const view = (batchId: string): Promise<BatchView> => batches().view(batchId, { limit: 1000 });
  const lineOf = async (batchId: string, lineNo: number) => (await view(batchId)).lines.find((l) => l.lineNo === lineNo);

  /** Runs a worker until it finds nothing to do. */
  async function drain(worker: ConversionWorker): Promise<void> {
    while (await worker.runOnce());
  }

  /** The saga's verdicts, as the transfer service hands them on (designation.applied), for every line with its bank. */
  async function banksAnswer(batchId: string, verdict: (fundAccountNo: string) => 'PRE_DESIGNATED' | { bankReturnCode: string }): Promise<void> {
    const submitted = (await view(batchId)).lines.filter((l) => l.state === 'SUBMITTED');
    for (const line of submitted) {
      const answer = verdict(line.fundAccountNo!);
      await bed.db.dataSource.transaction((m) =>
        bed.designations.resolve(m, {
          relationshipId: line.relationshipId!,
          fundAccountNo: line.fundAccountNo!,
          currency: 'CNY',
          bankCode: line.bankCode!,
          businessDate: '2026-11-23',
          ...(answer === 'PRE_DESIGNATED'
            ? { status: 'PRE_DESIGNATED', custodyAccountNo: `K${line.fundAccountNo}` }
            : { status: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: answer.bankReturnCode, message: '证件不符' } }),
        }),
      );
    }
  }

  async function preDesignationsSentFor(fundAccountNos: string[]): Promise<number> {
    const [{ n }] = await bed.db.dataSource.query(
      `SELECT count(*)::int AS n FROM account.outbox WHERE topic = 'custody.internal.designation.requested.1' AND envelope->'payload'->>'fundAccountNo' = ANY($1)`,
      [fundAccountNos],
    );
    return n;
  }

  describe('one run, then the same file again', () => {
    let good: { fundAccountNo: string };
    let refusedByBank: { fundAccountNo: string };
    let incomplete: { fundAccountNo: string; customerNo: string };
    let notYetOpened: string;
    let file: string;
    let first: string;

    beforeAll(async () => {
      good = await account();
      refusedByBank = await account();
      incomplete = await account({ idNumber: '110101199003071234' });
      notYetOpened = uniqueFundAccountNo();
      file = [
        'fundAccountNo,currency,bankCode',
        `${good.fundAccountNo},CNY,${BANK}`,
        `${refusedByBank.fundAccountNo},CNY,${OTHER_BANK}`,
        `${good.fundAccountNo},EUR,${BANK}`,
        `${notYetOpened},CNY,${BANK}`,
        `${incomplete.fundAccountNo},CNY,${BANK}`,
        `${good.fundAccountNo},CNY,${OTHER_BANK}`,
      ].join('\n');
      first = await upload(file);
      const worker = bed.conversion.newWorker();
      await drain(worker);
      await banksAnswer(first, (no) => (no === refusedByBank.fundAccountNo ? { bankReturnCode: '1012' } : 'PRE_DESIGNATED'));
      await drain(worker);
    });

    it('F-12.2.2: each line is an F-3.1 pre-designation (11002, mode PRE_DESIGNATE) at its bank, with the requestId of (file, line)', async () => {
      const [request] = await bed.db.dataSource.query(
        `SELECT envelope->'payload' AS payload FROM account.outbox WHERE topic = 'custody.internal.designation.requested.1' AND envelope->'payload'->>'fundAccountNo' = $1`,
        [good.fundAccountNo],
      );
      expect(request.payload).toMatchObject({ mode: 'PRE_DESIGNATE', fundAccountNo: good.fundAccountNo, currency: 'CNY', bankCode: BANK });
      expect(request.payload.bankAccountNo).toBeUndefined();
      const [key] = await bed.db.dataSource.query(`SELECT request_id FROM account.idempotency_keys WHERE scope = 'pre-designation' AND resource_id = $1`, [request.payload.relationshipId]);
      expect(key.request_id).toMatch(/^conversion:[0-9a-f]{32}:2$/);
    });

    it('F-12.2.2: results per customer — PRE_DESIGNATED, FAILED with the bank’s code, REFUSED with ours for bad lines — and one bad line never blocks the rest', async () => {
      const batch = await view(first);
      expect(batch).toMatchObject({ lineCount: 6, done: true, counts: { PENDING: 0, SUBMITTED: 0, PRE_DESIGNATED: 1, FAILED: 1, REFUSED: 4 } });
      expect(batch.lines).toEqual([
        { lineNo: 2, state: 'PRE_DESIGNATED', fundAccountNo: good.fundAccountNo, currency: 'CNY', bankCode: BANK, relationshipId: expect.any(String), custodyAccountNo: `K${good.fundAccountNo}` },
        {
          lineNo: 3, state: 'FAILED', fundAccountNo: refusedByBank.fundAccountNo, currency: 'CNY', bankCode: OTHER_BANK, relationshipId: expect.any(String),
          failure: { code: 'BANK_REJECTED', bankReturnCode: '1012', message: '证件不符' },
        },
        { lineNo: 4, state: 'REFUSED', fundAccountNo: good.fundAccountNo, bankCode: BANK, failure: { code: 'VALIDATION_FAILED', message: 'currency must be one of CNY, USD, HKD' } },
        { lineNo: 5, state: 'REFUSED', fundAccountNo: notYetOpened, currency: 'CNY', bankCode: BANK, failure: { code: 'NOT_FOUND', message: `fund account ${notYetOpened} does not exist` } },
        { lineNo: 6, state: 'REFUSED', fundAccountNo: incomplete.fundAccountNo, currency: 'CNY', bankCode: BANK, failure: { code: 'IDENTITY_INCOMPLETE', message: expect.stringContaining('check digit') } },
        { lineNo: 7, state: 'REFUSED', fundAccountNo: good.fundAccountNo, currency: 'CNY', bankCode: OTHER_BANK, failure: { code: 'VALIDATION_FAILED', message: 'the same fund account and currency as line 2' } },
      ]);
      expect(await bed.designations.find(batch.lines[0].relationshipId!)).toMatchObject({ status: 'PRE_DESIGNATED', bankCode: BANK });
    });

    it('F-12.2.2: the lines of a page follow the cursor; a state filter shows one kind', async () => {
      const page = await batches().view(first, { limit: 2 });
      expect(page.lines.map((l) => l.lineNo)).toEqual([2, 3]);
      const next = await batches().view(first, { limit: 10, cursor: page.nextCursor });
      expect(next.lines.map((l) => l.lineNo)).toEqual([4, 5, 6, 7]);
      expect(next.nextCursor).toBeUndefined();
      expect((await batches().view(first, { limit: 10, state: 'REFUSED' })).lines.map((l) => l.lineNo)).toEqual([4, 5, 6, 7]);
      await expect(batches().view(first, { limit: 10, cursor: 'nonsense' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('api.md idempotency: the same requestId and file answer the same batch; the requestId with another file is IDEMPOTENCY_KEY_REUSED', async () => {
      const requestId = randomUUID();
      const batchId = await upload(`${uniqueFundAccountNo()},CNY,${BANK}`, requestId);
      expect(await upload(`${(await lineOf(batchId, 1))!.fundAccountNo},CNY,${BANK}`, requestId)).toBe(batchId);
      await expect(upload(`${uniqueFundAccountNo()},CNY,${BANK}`, requestId)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    });

    it('F-12.2.2: a re-run of the same file changes nothing already done — each line answers its first result and no 11002 goes out again — and a line refused then is tried again', async () => {
      const sentBefore = await preDesignationsSentFor([good.fundAccountNo, refusedByBank.fundAccountNo]);
      // Since the first run: the customer's ID number corrected, the missing fund account opened.
      await bed.customers.put(incomplete.customerNo, { name: '王五', type: 'INDIVIDUAL', idType: '10', idNumber: uniqueCitizenNumber() });
      const customerNo = `C${uniqueDigits(9)}`;
      await bed.customers.put(customerNo, { name: '赵六', type: 'INDIVIDUAL', idType: '10', idNumber: uniqueCitizenNumber() });
      await bed.fundAccounts.open({ requestId: randomUUID(), fundAccountNo: notYetOpened, customerNo, currency: 'CNY', role: 'PRIMARY', branchId: '0001' });

      const rerun = await upload(file);
      await drain(bed.conversion.newWorker());
      const before = await view(first);
      const after = await view(rerun);
      expect(after.rerunOf).toBe(first);
      expect(before.rerunOf).toBeUndefined();
      expect(after.lines[0]).toEqual(before.lines[0]);
      expect(after.lines[1]).toEqual(before.lines[1]);
      expect(await preDesignationsSentFor([good.fundAccountNo, refusedByBank.fundAccountNo])).toBe(sentBefore);
      expect(await bed.db.dataSource.query(`SELECT status FROM account.custody_relationships WHERE fund_account_no = $1`, [good.fundAccountNo])).toEqual([{ status: 'PRE_DESIGNATED' }]);
      // Refused lines were not done: now they go to their bank.
      expect(after.lines.filter((l) => l.state === 'SUBMITTED').map((l) => l.lineNo)).toEqual([5, 6]);
      expect([after.lines[2].state, after.lines[5].state]).toEqual(['REFUSED', 'REFUSED']);
      // The first run's results stay as they were.
      expect((await view(first)).counts).toEqual(before.counts);
      await banksAnswer(rerun, () => 'PRE_DESIGNATED');
      await drain(bed.conversion.newWorker());
      expect((await view(rerun)).counts).toEqual({ PENDING: 0, SUBMITTED: 0, PRE_DESIGNATED: 3, FAILED: 1, REFUSED: 2 });
    });
  });

  it('F-12.2.2: a crash mid-batch — lines with their bank, lines never taken — is finished by a new worker from the rows alone, each customer pre-designated once', async () => {
    const atBank = await Promise.all(Array.from({ length: 25 }, () => account()));
    const atOtherBank = await Promise.all(Array.from({ length: 2 }, () => account()));
    const batchId = await upload([...atBank.map((a) => `${a.fundAccountNo},CNY,${BANK}`), ...atOtherBank.map((a) => `${a.fundAccountNo},CNY,${OTHER_BANK}`)].join('\n'));
    // The first process takes what it keeps in flight — 20 at a bank at once (nothing else is: each test settles its
    // lines), the other bank's lines meanwhile — and dies before any answer.
    await drain(bed.conversion.newWorker());
    expect((await view(batchId)).counts).toMatchObject({ SUBMITTED: 22, PENDING: 5 });
    expect((await view(batchId)).lines.filter((l) => l.state === 'PENDING').every((l) => l.bankCode === BANK)).toBe(true);
    await banksAnswer(batchId, () => 'PRE_DESIGNATED');

    const next = bed.conversion.newWorker();
    await drain(next);
    expect((await view(batchId)).counts).toMatchObject({ PRE_DESIGNATED: 22, SUBMITTED: 5, PENDING: 0 });
    await banksAnswer(batchId, () => 'PRE_DESIGNATED');
    await drain(next);

    const batch = await view(batchId);
    expect(batch).toMatchObject({ done: true, counts: { PRE_DESIGNATED: 27 } });
    expect(await preDesignationsSentFor([...atBank, ...atOtherBank].map((a) => a.fundAccountNo))).toBe(27);
  });

  it('F-12.2.2: a line whose transaction dies leaves nothing behind and is taken again', async () => {
    const { fundAccountNo } = await account();
    const batchId = await upload(`${fundAccountNo},CNY,${BANK}`);
    // A process killed after the pre-designation was written but before it committed.
    await expect(
      bed.db.dataSource.transaction(async (m) => {
        const [line] = await m.query(`SELECT request_id FROM account.conversion_lines WHERE batch_id = $1 FOR UPDATE`, [batchId]);
        await bed.designations.preDesignateIn(m, { requestId: line.request_id, fundAccountNo, currency: 'CNY', bankCode: BANK }, CUSTODY_TEST_PRINCIPAL);
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(await preDesignationsSentFor([fundAccountNo])).toBe(0);
    await drain(bed.conversion.newWorker());
    expect(await lineOf(batchId, 1)).toMatchObject({ state: 'SUBMITTED' });
    expect(await preDesignationsSentFor([fundAccountNo])).toBe(1);
    await banksAnswer(batchId, () => 'PRE_DESIGNATED');
  });

  it('F-12.2.2: a line that keeps failing for no domain reason is refused INTERNAL after a few tries; the lines after it go on', async () => {
    const broken = await account();
    const fine = await account();
    // A customer record this deployment cannot open (its ID number sealed under another key).
    await bed.db.dataSource.query(`UPDATE account.customers SET id_number_sealed = 'AAAA' WHERE customer_no = $1`, [broken.customerNo]);
    const batchId = await upload(`${broken.fundAccountNo},CNY,${BANK}\n${fine.fundAccountNo},CNY,${BANK}`);
    await drain(bed.conversion.newWorker());
    expect((await view(batchId)).lines).toEqual([
      expect.objectContaining({ lineNo: 1, state: 'REFUSED', failure: { code: 'INTERNAL', message: expect.stringContaining('not pre-designated after 5 tries') } }),
      expect.objectContaining({ lineNo: 2, state: 'SUBMITTED' }),
    ]);
  });

  it.each([
    ['a Content-Type that is no batch format', 'application/json', `1,CNY,${BANK}`, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a file without a line', 'text/csv', 'fundAccountNo,currency,bankCode\n', 'VALIDATION_FAILED'],
  ])('F-12.2.2: %s is refused whole with its code and nothing is kept', async (_case, contentType, text, code) => {
    const [{ n: before }] = await bed.db.dataSource.query(`SELECT count(*)::int AS n FROM account.conversion_batches`);
    const refused = await upload(text, randomUUID(), contentType).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code });
    const [{ n: after }] = await bed.db.dataSource.query(`SELECT count(*)::int AS n FROM account.conversion_batches`);
    expect(after).toBe(before);
  });
});
