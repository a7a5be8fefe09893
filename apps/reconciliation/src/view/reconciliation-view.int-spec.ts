import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { loadCustodyConfig } from '@custody/service-kit';
import { requireInfrastructure } from '@custody/testing';
import type { BrokerFileOwners } from '../broker-files/broker-file-owners';
import { type ReconciliationHttp, type ReconciliationTestbed, startReconciliationTestbed } from '../testing/reconciliation-testbed';
import type { ReconciliationView } from './reconciliation.dto';

jest.setTimeout(60_000);

const D = '2026-11-23';

/** `GET /v1/reconciliation/{businessDate}` through the service's HTTP edge (api.md "Clearing and the day"). */
describe('GET /v1/reconciliation/{businessDate}: roles, refusals, paging (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  let testbed: ReconciliationTestbed;
  let http: ReconciliationHttp;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startReconciliationTestbed('reconciliation_view', config, {} as BrokerFileOwners);
    http = await testbed.startHttp();
    for (const [bankCode, serialNo] of [['1021000', 'B1'], ['1051000', 'B2'], ['1021000', 'B3'], ['1021000', 'B4']]) {
      await testbed.db.dataSource.transaction((m) =>
        testbed.operatorCases.raised(m, { caseId: randomUUID(), bankCode, businessDate: D, cause: 'REVERSAL_REFUSED_FUNDS_USED', description: 'funds used', initiator: 'B', serialNo, functionCode: '12003', fundAccountNo: '100000000001', currency: 'CNY' }),
      );
    }
  });

  afterAll(() => testbed?.close());

  async function get(query: string, role: Parameters<ReconciliationHttp['token']>[0] = 'auditor', date = D): Promise<{ status: number; body: ReconciliationView & { code?: string } }> {
    const response = await fetch(`${http.baseUrl}/v1/reconciliation/${date}${query}`, { headers: { authorization: `Bearer ${http.token(role)}` } });
    return { status: response.status, body: (await response.json()) as ReconciliationView & { code?: string } };
  }

  it('api: operators, supervisors and auditors read it; every configured bank is listed, PENDING until its 13010 came; others are refused 403', async () => {
    for (const role of ['operator', 'supervisor', 'auditor'] as const) {
      const { status, body } = await get('', role);
      expect(status).toBe(200);
      expect(body.banks).toEqual([
        { bankCode: '1021000', matched: 0, summaryCheck: 'PENDING', bankDifMatches: null },
        { bankCode: '1051000', matched: 0, summaryCheck: 'PENDING', bankDifMatches: null },
      ]);
      expect(body.breaks.map((b) => b.serialNo)).toEqual(['B1', 'B2', 'B3', 'B4']);
    }
    expect((await get('', 'trading')).status).toBe(403);
    expect((await get('', 'service')).status).toBe(403);
  });

  it('api: a bad date, bank, status, limit or cursor is VALIDATION_FAILED; a date with nothing reconciled is an empty answer, not NOT_FOUND', async () => {
    for (const [query, date] of [['', '2026-02-30'], ['', '20261123'], ['?bankCode=9999999', D], ['?status=DONE', D], ['?limit=0', D], ['?limit=1001', D], ['?cursor=abc', D], ['?nope=1', D]]) {
      expect(await get(query, 'auditor', date)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
    expect(await get('', 'auditor', '2030-01-02')).toMatchObject({ status: 200, body: { businessDate: '2030-01-02', breaks: [] } });
  });

  it('api: breaks page in the order found by an opaque cursor bound to the bank and status it was issued for', async () => {
    const first = await get('?bankCode=1021000&limit=2');
    expect(first.body.banks.map((b) => b.bankCode)).toEqual(['1021000']);
    expect(first.body.breaks.map((b) => b.serialNo)).toEqual(['B1', 'B3']);
    const second = await get(`?bankCode=1021000&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.breaks.map((b) => b.serialNo)).toEqual(['B4']);
    expect(second.body.nextCursor).toBeUndefined();
    expect(await get(`?bankCode=1051000&limit=2&cursor=${first.body.nextCursor}`)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect((await get('?status=RESOLVED')).body.breaks).toEqual([]);
  });
});
