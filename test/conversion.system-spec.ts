import { randomUUID } from 'node:crypto';
import { uniqueCitizenNumber, uniqueDigits, uniqueFundAccountNo } from '@custody/testing';
import { type HttpResult, TestContext } from './support/test-context';

/**
 * Customer conversion (domain.md §12, issue 10) end to end, through the public API and the simulated banks: a file of
 * customers pre-designated in bulk (F-12.2.2) — good lines, bad lines, one the bank refuses — with results per line,
 * the same file run again changing nothing, the clean-up report (F-12.1), and dormant marking with its reactivation
 * by the bank's confirmation (F-12.3; the system stack's dormantAfterDays is 0).
 */
jest.setTimeout(180_000);

const ctx = new TestContext();
const bankA = () => ctx.bankCodes[0];
const bankB = () => ctx.bankCodes[1];

interface BatchLine {
  lineNo: number;
  state: string;
  fundAccountNo?: string;
  bankCode?: string;
  relationshipId?: string;
  custodyAccountNo?: string;
  failure?: { code: string; bankReturnCode?: string; message: string };
}
interface Batch {
  batchId: string;
  rerunOf?: string;
  lineCount: number;
  counts: Record<string, number>;
  done: boolean;
  lines: BatchLine[];
}
interface CleanupItem {
  fundAccountNo: string;
  idNumberMasked: string;
  relationship?: { status: string; dormant: boolean };
  reasons: Array<{ code: string; detail: string }>;
}

/** The file itself as the body, as an operator's tool sends it. */
async function upload(body: string, contentType: string, requestId = randomUUID(), role: 'operator' | 'trading' = 'operator'): Promise<HttpResult<Batch & { code?: string; detail?: string }>> {
  const response = await fetch(`${ctx.info.apiBaseUrl}/v1/conversion/batches?requestId=${requestId}&fileName=conversion.csv`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.info.tokens[role]}`, 'content-type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as Batch & { code?: string; detail?: string }, contentType: response.headers.get('content-type') ?? '' };
}

async function finished(batchId: string): Promise<Batch> {
  const batch = await ctx.eventually(
    () => ctx.api.call<Batch>('GET', `/v1/conversion/batches/${batchId}?limit=1000`, undefined, 'auditor'),
    (r) => r.status === 200 && r.body.done,
    60_000,
  );
  expect(batch).toMatchObject({ status: 200, body: { done: true } });
  return batch.body;
}

/** A customer with a CNY fund account; `idNumber` defaults to a well-formed citizen number. */
async function customerWithAccount(idNumber = uniqueCitizenNumber(), name = '王五') {
  const customerNo = `C${uniqueDigits(10)}`;
  const put = await ctx.api.call('PUT', `/v1/customers/${customerNo}`, { name, type: 'INDIVIDUAL', idType: '10', idNumber });
  expect(put.status).toBe(201);
  const fundAccountNo = await ctx.newFundAccount(customerNo);
  return { customerNo, fundAccountNo, idNumber, name };
}

/** The clean-up report, every page. */
async function cleanupReport(category?: 'INVALID' | 'DORMANT'): Promise<CleanupItem[]> {
  const items: CleanupItem[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '500', ...(category ? { category } : {}), ...(cursor ? { cursor } : {}) });
    const page = await ctx.api.call<{ items: CleanupItem[]; nextCursor?: string }>('GET', `/v1/conversion/account-cleanup?${query}`, undefined, 'auditor');
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

const preDesignationsAt = async (bankCode: string, fundAccountNos: string[]) =>
  (await ctx.banks[bankCode].books()).custodyAccounts.filter((c) => fundAccountNos.includes(c.fundAccountNo));

describe('customer conversion (domain.md §12)', () => {
  let goodA: Awaited<ReturnType<typeof customerWithAccount>>;
  let goodB: Awaited<ReturnType<typeof customerWithAccount>>;
  let refusedByBank: Awaited<ReturnType<typeof customerWithAccount>>;
  let incomplete: Awaited<ReturnType<typeof customerWithAccount>>;
  let unopened: string;
  let file: string;
  let first: Batch;

  beforeAll(async () => {
    goodA = await customerWithAccount();
    goodB = await customerWithAccount();
    refusedByBank = await customerWithAccount();
    // The bank knows this ID document under another name: it refuses the 11002 (1012).
    await ctx.banks[bankA()].openBankAccount({ bankAccountNo: `62${uniqueDigits(17)}`, name: '王六', idType: '10', idNumber: refusedByBank.idNumber, password: '135790', balance: '0.00' });
    const wellFormed = uniqueCitizenNumber();
    incomplete = await customerWithAccount(`${wellFormed.slice(0, 17)}${wellFormed[17] === '0' ? '1' : '0'}`);
    unopened = uniqueFundAccountNo();
    file = [
      'fundAccountNo,currency,bankCode',
      `${goodA.fundAccountNo},CNY,${bankA()}`,
      `${goodB.fundAccountNo},CNY,${bankB()}`,
      `${refusedByBank.fundAccountNo},CNY,${bankA()}`,
      `${incomplete.fundAccountNo},CNY,${bankA()}`,
      `${unopened},CNY,${bankA()}`,
      `${goodA.fundAccountNo},EUR,${bankA()}`,
      'not a line of ours',
      '',
    ].join('\r\n');
    const uploaded = await upload(file, 'text/csv');
    expect(uploaded).toMatchObject({ status: 202, body: { lineCount: 7 } });
    first = await finished(uploaded.body.batchId);
  });

  it('F-12.2.2: each line is pre-designated at its bank (F-3.1, 11002); the results come back per customer and one bad line never blocks the rest', async () => {
    expect(first.counts).toEqual({ PENDING: 0, SUBMITTED: 0, PRE_DESIGNATED: 2, FAILED: 1, REFUSED: 4 });
    const line = (lineNo: number) => first.lines.find((l) => l.lineNo === lineNo);
    expect(line(2)).toMatchObject({ state: 'PRE_DESIGNATED', fundAccountNo: goodA.fundAccountNo, bankCode: bankA(), custodyAccountNo: expect.any(String) });
    expect(line(3)).toMatchObject({ state: 'PRE_DESIGNATED', fundAccountNo: goodB.fundAccountNo, bankCode: bankB() });
    expect(line(4)).toMatchObject({ state: 'FAILED', failure: { code: 'BANK_REJECTED', bankReturnCode: '1012' } });
    expect(line(5)).toMatchObject({ state: 'REFUSED', failure: { code: 'IDENTITY_INCOMPLETE', message: expect.stringContaining('check digit') } });
    expect(line(6)).toMatchObject({ state: 'REFUSED', failure: { code: 'NOT_FOUND' } });
    expect(line(7)).toMatchObject({ state: 'REFUSED', failure: { code: 'VALIDATION_FAILED', message: expect.stringContaining('currency') } });
    expect(line(8)).toMatchObject({ state: 'REFUSED', failure: { code: 'VALIDATION_FAILED', message: expect.stringContaining('3 fields') } });

    // Both sides hold the pre-designations, and only them.
    expect(await preDesignationsAt(bankA(), [goodA.fundAccountNo, refusedByBank.fundAccountNo, incomplete.fundAccountNo])).toEqual([
      expect.objectContaining({ fundAccountNo: goodA.fundAccountNo, status: 'PRE_DESIGNATED', custodyAccountNo: line(2)!.custodyAccountNo, balance: '0.00' }),
    ]);
    expect(await preDesignationsAt(bankB(), [goodB.fundAccountNo])).toEqual([expect.objectContaining({ status: 'PRE_DESIGNATED' })]);
    const account = await ctx.api.call<{ relationships: Array<{ status: string; bankCode: string }> }>('GET', `/v1/fund-accounts/${goodA.fundAccountNo}`);
    expect(account.body.relationships).toEqual([expect.objectContaining({ status: 'PRE_DESIGNATED', bankCode: bankA() })]);
    expect((await ctx.api.call<{ relationships: unknown[] }>('GET', `/v1/fund-accounts/${refusedByBank.fundAccountNo}`)).body.relationships).toEqual([]);
  });

  it('F-12.2.2: the same file run again changes nothing already done — every line answers its first result and no bank is asked again', async () => {
    const transactionsBefore = (await ctx.banks[bankA()].books()) as unknown as { transactions: unknown[] };
    const rerun = await upload(file, 'text/csv');
    expect(rerun.status).toBe(202);
    const again = await finished(rerun.body.batchId);
    expect(again).toMatchObject({ rerunOf: first.batchId, counts: first.counts });
    expect(again.lines).toEqual(first.lines);
    const transactionsAfter = (await ctx.banks[bankA()].books()) as unknown as { transactions: unknown[] };
    expect(transactionsAfter.transactions.length).toBe(transactionsBefore.transactions.length);
    expect(await preDesignationsAt(bankA(), [goodA.fundAccountNo])).toHaveLength(1);
  });

  it('F-12.2.2: NDJSON works the same; its requestId again answers the same batch, with another file IDEMPOTENCY_KEY_REUSED', async () => {
    const other = await customerWithAccount();
    const requestId = randomUUID();
    const ndjson = `${JSON.stringify({ fundAccountNo: other.fundAccountNo, currency: 'CNY', bankCode: bankB() })}\n`;
    const uploaded = await upload(ndjson, 'application/x-ndjson', requestId);
    expect(uploaded.status).toBe(202);
    expect((await upload(ndjson, 'application/x-ndjson', requestId)).body.batchId).toBe(uploaded.body.batchId);
    expect(await upload(`${ndjson}\n`, 'application/x-ndjson', requestId)).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect((await finished(uploaded.body.batchId)).lines).toEqual([expect.objectContaining({ lineNo: 1, state: 'PRE_DESIGNATED' })]);
  });

  it('F-12.2.2: a file that cannot be read is refused whole with a precise problem, and only an operator uploads', async () => {
    const json = await upload(JSON.stringify({ fundAccountNo: goodA.fundAccountNo }), 'application/json');
    expect(json).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: expect.stringContaining('text/csv or application/x-ndjson') } });
    expect(json.contentType).toContain('application/problem+json');
    expect(await upload('fundAccountNo,currency,bankCode\n', 'text/csv')).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', detail: 'the file holds no lines to pre-designate' } });
    expect((await upload(file, 'text/csv', randomUUID(), 'trading')).status).toBe(403);
    expect((await ctx.api.call('GET', `/v1/conversion/batches/${randomUUID()}`, undefined, 'auditor'))).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('F-12.1: the clean-up report lists the incomplete identity with why, the ID number masked, and not a complete one', async () => {
    const items = await cleanupReport('INVALID');
    const mine = items.find((i) => i.fundAccountNo === incomplete.fundAccountNo);
    expect(mine).toMatchObject({ idNumberMasked: `************${incomplete.idNumber.slice(-4)}`, reasons: [{ code: 'ID_NUMBER_ILL_FORMED', detail: expect.stringContaining('check digit') }] });
    expect(items.find((i) => i.fundAccountNo === goodA.fundAccountNo)).toBeUndefined();
    expect(JSON.stringify(items)).not.toContain(incomplete.idNumber);
  });

  it('F-12.3: an operator’s marking makes the zero, idle pre-designations DORMANT; the report lists them; the bank’s confirmation wakes one', async () => {
    const started = await ctx.api.call<{ markingId: string; state: string }>('POST', '/v1/conversion/dormant-markings', { requestId: randomUUID() }, 'operator');
    expect(started).toMatchObject({ status: 202, body: { dormantAfterDays: 0 } });
    const marking = await ctx.eventually(
      () => ctx.api.call<{ state: string; counts: Record<string, number> }>('GET', `/v1/conversion/dormant-markings/${started.body.markingId}`, undefined, 'auditor'),
      (r) => r.body.state === 'DONE',
      60_000,
    );
    expect(marking.body).toMatchObject({ state: 'DONE', counts: { PENDING: 0 } });
    expect(marking.body.counts.DORMANT).toBeGreaterThanOrEqual(2);

    const relationshipOf = async (fundAccountNo: string) =>
      (await ctx.api.call<{ relationships: Array<{ status: string; dormant?: boolean }> }>('GET', `/v1/fund-accounts/${fundAccountNo}`)).body.relationships[0];
    expect(await relationshipOf(goodA.fundAccountNo)).toMatchObject({ status: 'PRE_DESIGNATED', dormant: true });
    const dormant = await cleanupReport('DORMANT');
    expect(dormant.find((i) => i.fundAccountNo === goodA.fundAccountNo)).toMatchObject({ relationship: { status: 'PRE_DESIGNATED', dormant: true }, reasons: [expect.objectContaining({ code: 'DORMANT' })] });

    // Reactivation is a designation: the customer confirms at the bank's counter (F-3.2, 11003).
    const bankAccountNo = `62${uniqueDigits(17)}`;
    await ctx.banks[bankA()].openBankAccount({ bankAccountNo, name: goodA.name, idType: '10', idNumber: goodA.idNumber, password: '135790', balance: '500.00' });
    expect((await ctx.banks[bankA()].startConfirmation({ bankAccountNo, fundAccountNo: goodA.fundAccountNo })).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    const woken = await relationshipOf(goodA.fundAccountNo);
    expect(woken).toMatchObject({ status: 'DESIGNATED' });
    expect(woken.dormant).toBeUndefined();
    expect((await cleanupReport('DORMANT')).find((i) => i.fundAccountNo === goodA.fundAccountNo)).toBeUndefined();
    // Transfers open, as after any confirmation.
    const deposit = await ctx.banks[bankA()].startDeposit({ bankAccountNo, fundAccountNo: goodA.fundAccountNo, amount: '100.00' });
    expect(deposit.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
  });
});
