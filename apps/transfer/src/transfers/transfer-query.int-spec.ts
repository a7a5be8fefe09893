import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { serviceMigrations } from '@custody/service-kit';
import { TRANSFER_SCHEMA } from '../transfer.schema';
import { TransferQueryService } from './transfer-query.service';
import { TransferRepository } from './transfer.repository';

/** `GET /v1/transfers` paging (api.md) against the real PostgreSQL, whose timestamps are finer than a JS Date. */
describe('transfer paging (real PostgreSQL)', () => {
  let db: TestDatabase;
  let queries: TransferQueryService;
  let serial = 0;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestDatabase({
      name: 'transfer_paging',
      schema: TRANSFER_SCHEMA.schema,
      entities: TRANSFER_SCHEMA.entities,
      migrations: serviceMigrations(TRANSFER_SCHEMA.schema, randomBytes(32), TRANSFER_SCHEMA.migrations),
    });
    queries = new TransferQueryService(db.dataSource, new TransferRepository());
  });

  afterAll(() => db?.drop());

  /** Inserts one transfer per instant (PostgreSQL timestamptz text, microseconds included); returns their ids. */
  async function transfersAt(fundAccountNo: string, instants: string[]): Promise<string[]> {
    const ids = instants.map(() => randomUUID());
    const serials = instants.map(() => `S${(serial += 1).toString().padStart(12, '0')}`);
    await db.dataSource.query(
      `INSERT INTO transfer.transfers (transfer_id, type, initiator, serial_no, our_serial_no, bank_code, fund_account_no, currency, amount, status, business_date, created_at, updated_at)
       SELECT id, 'SECURITIES_TO_BANK', 'S', s, s, '1021000', $1, 'CNY', 1.00, 'SUCCEEDED', '2026-11-21', at, at
         FROM unnest($2::uuid[], $3::text[], $4::timestamptz[]) AS x(id, s, at)`,
      [fundAccountNo, ids, serials, instants],
    );
    return ids;
  }

  /** Follows nextCursor to the end; returns every id in the order served. */
  async function pageThrough(filter: { fundAccountNo?: string; limit: number }, between?: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await queries.list({ ...filter, cursor });
      expect(page.items.length).toBeLessThanOrEqual(filter.limit);
      seen.push(...page.items.map((t) => t.transferId));
      cursor = page.nextCursor;
      await between?.();
    } while (cursor);
    return seen;
  }

  /** Newest first by (created_at, transfer_id): what a caller paging through must see, each exactly once. */
  async function expectedOrder(fundAccountNo?: string): Promise<string[]> {
    const rows: Array<{ transfer_id: string }> = await db.dataSource.query(
      `SELECT transfer_id FROM transfer.transfers WHERE $1::text IS NULL OR fund_account_no = $1 ORDER BY created_at DESC, transfer_id DESC`,
      [fundAccountNo ?? null],
    );
    return rows.map((r) => r.transfer_id);
  }

  it('api.md: transfers created in one instant are each served exactly once across pages', async () => {
    const fundAccountNo = uniqueFundAccountNo();
    const ids = await transfersAt(fundAccountNo, Array.from({ length: 23 }, () => '2026-11-21T02:00:00.123456Z'));
    const seen = await pageThrough({ fundAccountNo, limit: 4 });
    expect(seen).toEqual(await expectedOrder(fundAccountNo));
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it('api.md: transfers created in one millisecond at different microseconds are each served exactly once, newest first', async () => {
    const fundAccountNo = uniqueFundAccountNo();
    // A page ending on .123900 must go on with .123899 … .123000, which a millisecond cursor (.123) skipped.
    const instants = [...Array.from({ length: 10 }, (_, i) => `2026-11-21T02:00:00.123${(900 - i * 100).toString().padStart(3, '0')}Z`), '2026-11-21T02:00:00.124Z', '2026-11-21T02:00:00.122999Z'];
    const ids = await transfersAt(fundAccountNo, [...instants, ...instants]);
    for (const limit of [1, 3, 5]) {
      const seen = await pageThrough({ fundAccountNo, limit });
      expect(seen).toEqual(await expectedOrder(fundAccountNo));
      expect(new Set(seen).size).toBe(ids.length);
    }
  });

  it('api.md: over all fund accounts, transfers arriving while a caller pages neither repeat nor hide the ones it is paging through', async () => {
    const instant = '2026-11-21T03:00:00.000001Z';
    await transfersAt(uniqueFundAccountNo(), Array.from({ length: 7 }, () => instant));
    await transfersAt(uniqueFundAccountNo(), Array.from({ length: 8 }, () => instant));
    const before = await expectedOrder();
    const late = uniqueFundAccountNo();
    const seen = await pageThrough({ limit: 4 }, async () => {
      await transfersAt(late, ['2026-11-21T04:00:00Z']);
    });
    expect(seen).toEqual(before);
  });

  it.each([
    ['not base64 of ours', 'garbage'],
    ['a transfer id that is no uuid', Buffer.from('2026-11-21T02:00:00.123456Z|x').toString('base64url')],
    ['a time that is no timestamp', Buffer.from(`yesterday|${randomUUID()}`).toString('base64url')],
  ])('api.md: a cursor that is %s is VALIDATION_FAILED, never a database error', async (_case, cursor) => {
    await expect(queries.list({ cursor, limit: 10 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
