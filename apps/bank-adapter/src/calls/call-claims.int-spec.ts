import { randomUUID } from 'node:crypto';
import { RetentionJob } from '@custody/service-kit';
import { createTestDatabase, requireInfrastructure, statementsDuring, type TestDatabase } from '@custody/testing';
import { BANK_ADAPTER_SCHEMA } from '../bank-adapter.schema';
import { aBankCall } from '../testing/bank-call.fixture';
import { callClaimsRetention, PostgresCallClaims } from './call-claims.repository';

/** The claims' SQL against the real PostgreSQL (the executor's rules run on these answers). */
describe('call claims (real PostgreSQL)', () => {
  let db: TestDatabase;
  let claims: PostgresCallClaims;
  const holder = (instanceId: string) => ({ instanceId, token: randomUUID() });

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestDatabase({ name: 'call_claims', ...BANK_ADAPTER_SCHEMA });
    claims = new PostgresCallClaims(db.dataSource);
  });
  afterAll(() => db?.drop());

  it('item 1: of deliveries racing to claim one call, exactly one wins; the others see its claim', async () => {
    const call = aBankCall({ callId: randomUUID() });
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((id) => claims.claimForSending(call, holder(id))));
    expect(results.filter((r) => r.won)).toHaveLength(1);
    const losers = results.filter((r) => !r.won);
    expect(losers).toHaveLength(3);
    for (const lost of losers) expect(lost).toMatchObject({ standing: { state: 'SENDING', instanceId: expect.stringMatching(/^[abcd]$/) } });
  });

  it('item 1: of two replicas racing to claim one call, each in a statement of its own, exactly one wins; the other sees its claim', async () => {
    const call = aBankCall({ callId: randomUUID() });
    const [a, b] = await Promise.all([claims.claimForSending(call, holder('a')), new PostgresCallClaims(db.dataSource).claimForSending(call, holder('b'))]);
    expect([a, b].filter((r) => r.won)).toHaveLength(1);
    expect([a, b].find((r) => !r.won)).toMatchObject({ standing: { state: 'SENDING' } });
  });

  it('issue 9: calls claimed at once share one statement, each delivery told whether it won its own call', async () => {
    const taken = aBankCall({ callId: randomUUID() });
    await claims.claimForSending(taken, holder('earlier'));
    // One id as a bank call may carry it, in capitals: PostgreSQL answers a uuid in lower case.
    const calls = [taken, ...[1, 2, 3].map(() => aBankCall({ callId: randomUUID() })), aBankCall({ callId: randomUUID().toUpperCase() })];
    let results: Array<{ won: boolean }> = [];
    const statements = await statementsDuring(db.dataSource, async () => {
      results = await Promise.all(calls.map((call) => claims.claimForSending(call, holder('now'))));
    });
    expect(results.map((r) => r.won)).toEqual([false, true, true, true, true]);
    expect(statements.filter((sql) => /INSERT INTO bank_adapter\.call_claims/.test(sql))).toHaveLength(1);
  });

  it('item 1: a delivery fences off its own claim when it wrote nothing; a later delivery then finds NOT_SENT', async () => {
    const call = aBankCall({ callId: randomUUID() });
    const first = holder('a');
    expect(await claims.claimForSending(call, first)).toEqual({ won: true });
    expect(await claims.fenceNotSent(call, first, 'no signed-in session')).toBe(true);
    expect(await claims.claimForSending(call, holder('b'))).toMatchObject({ won: false, standing: { state: 'NOT_SENT', reason: 'no signed-in session' } });
  });

  it('item 1: no delivery can fence off a call another delivery claimed for sending', async () => {
    const call = aBankCall({ callId: randomUUID() });
    expect(await claims.claimForSending(call, holder('a'))).toEqual({ won: true });
    expect(await claims.fenceNotSent(call, holder('b'), 'breaker open')).toBe(false);
    const [row] = await db.dataSource.query(`SELECT state, instance_id FROM bank_adapter.call_claims WHERE call_id = $1`, [call.callId]);
    expect(row).toEqual({ state: 'SENDING', instance_id: 'a' });
  });

  it('item 1: a call fenced off stays fenced: another delivery\'s NOT_SENT agrees, and nobody can claim it for sending', async () => {
    const call = aBankCall({ callId: randomUUID() });
    expect(await claims.fenceNotSent(call, holder('a'), 'breaker open')).toBe(true);
    expect(await claims.fenceNotSent(call, holder('b'), 'no session')).toBe(true);
    expect((await claims.claimForSending(call, holder('c'))).won).toBe(false);
  });

  it('item 9: claims past their retention are pruned, recent ones kept', async () => {
    const old = aBankCall({ callId: randomUUID() });
    const recent = aBankCall({ callId: randomUUID() });
    await claims.claimForSending(old, holder('a'));
    await claims.claimForSending(recent, holder('a'));
    await db.dataSource.query(`UPDATE bank_adapter.call_claims SET claimed_at = now() - interval '31 days' WHERE call_id = $1`, [old.callId]);
    const job = new RetentionJob({ dataSource: db.dataSource, schema: 'bank_adapter', tasks: [callClaimsRetention(30 * 86_400_000)], intervalMs: 600_000, batchSize: 10, pauseMs: 0 });
    const run = await job.runOnce();
    expect(run.pruned['bank_adapter.call_claims']).toBe(1);
    const left: Array<{ call_id: string }> = await db.dataSource.query(`SELECT call_id FROM bank_adapter.call_claims WHERE call_id = ANY($1)`, [[old.callId, recent.callId]]);
    expect(left.map((r) => r.call_id)).toEqual([recent.callId]);
  });
});
