import { randomUUID } from 'node:crypto';
import { Money } from '@custody/money';
import { requireInfrastructure, uniqueDigits } from '@custody/testing';
import { createCustodyTestbed, type CustodyTestbed } from '../testing/custody-testbed';

const BANK = '1021000';
/** The banks' newest day, ahead of the calendar: what the marking judges by. */
const AS_OF = '2027-06-01';
const DORMANT_AFTER_DAYS = 30;
const CUTOFF = '2027-05-02';

/**
 * F-12.3 dormant customers at the account service, against the real PostgreSQL: an operator's marking asks the
 * ledger's owner for the facts of each idle pre-designated relationship, decides on its answer, marks DORMANT with
 * the event the ledger needs for S_CHK04, and the bank's confirmation (a designation) wakes it.
 */
describe('F-12.3 dormant marking (real PostgreSQL)', () => {
  let bed: CustodyTestbed;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    bed = await createCustodyTestbed('account_dormant_marking', { dormantAfterDays: DORMANT_AFTER_DAYS });
    await bed.db.dataSource.transaction((m) => bed.bankDays.apply(m, { bankCode: BANK, businessDate: AS_OF, phase: 'OPEN', changedAt: new Date().toISOString() }));
  });
  afterAll(() => bed?.db.drop());

  const markings = () => bed.conversion.markings;
  const outbox = async (topic: string, markingOrRelationship: string): Promise<Array<Record<string, unknown>>> =>
    (
      await bed.db.dataSource.query(
        `SELECT envelope->'payload' AS payload FROM account.outbox WHERE topic = $1 AND (envelope->'payload'->>'markingId' = $2 OR envelope->'payload'->>'relationshipId' = $2) ORDER BY id`,
        [`custody.internal.${topic}.1`, markingOrRelationship],
      )
    ).map((r: { payload: Record<string, unknown> }) => r.payload);
  const askAll = async () => {
    while (await markings().requestNextChecks());
  };
  const report = (markingId: string, relationship: { relationshipId: string; fundAccountNo: string }, facts: { balance?: string; held?: string; lastMovementDate?: string | null } = {}) =>
    bed.db.dataSource.transaction((m) =>
      markings().applyReport(m, {
        markingId,
        relationshipId: relationship.relationshipId,
        fundAccountNo: relationship.fundAccountNo,
        currency: 'CNY',
        bankCode: BANK,
        found: true,
        balance: Money.parse(facts.balance ?? '0.00', 'non-negative'),
        held: Money.parse(facts.held ?? '0.00', 'non-negative'),
        lastMovementDate: facts.lastMovementDate ?? null,
      }),
    );
  const relationshipOf = (relationshipId: string) => bed.designations.find(relationshipId);

  let idle: { fundAccountNo: string; relationshipId: string };
  let funded: { fundAccountNo: string; relationshipId: string };
  let moved: { fundAccountNo: string; relationshipId: string };
  let preDesignatedLately: { fundAccountNo: string; relationshipId: string };
  let markingId: string;

  beforeAll(async () => {
    // Pre-designated on 2026-11-23 (the testbed's 11002), long before the cutoff.
    idle = await bed.preDesignated(BANK);
    funded = await bed.preDesignated(BANK);
    moved = await bed.preDesignated(BANK);
    preDesignatedLately = await bed.preDesignated(BANK);
    await bed.db.dataSource.query(`UPDATE account.account_functions SET business_date = '2027-05-20' WHERE relationship_id = $1`, [preDesignatedLately.relationshipId]);
    markingId = await markings().start(randomUUID(), 'ops@test');
  });

  it('F-12.3: a marking judges by the banks’ business date and dormantAfterDays; the same requestId answers the same marking', async () => {
    expect(await markings().view(markingId)).toMatchObject({ asOf: AS_OF, dormantAfterDays: DORMANT_AFTER_DAYS, cutoffDate: CUTOFF, requestedBy: 'ops@test', state: 'REQUESTING' });
    const requestId = randomUUID();
    const again = await markings().start(requestId, 'ops@test');
    expect(await markings().start(requestId, 'ops@test')).toBe(again);
  });

  it('F-12.3: the ledger’s owner is asked about each awake pre-designated relationship idle since the cutoff, and not about one pre-designated since', async () => {
    await askAll();
    const asked = (await outbox('dormancy.check-requested', markingId)).map((p) => p.relationshipId);
    expect(asked).toEqual(expect.arrayContaining([idle.relationshipId, funded.relationshipId, moved.relationshipId]));
    expect(asked).not.toContain(preDesignatedLately.relationshipId);
    expect(await outbox('dormancy.check-requested', idle.relationshipId)).toContainEqual({ markingId, relationshipId: idle.relationshipId, fundAccountNo: idle.fundAccountNo, currency: 'CNY', bankCode: BANK });
    expect(await markings().view(markingId)).toMatchObject({ state: 'CHECKING' });
  });

  it('F-12.3: zero, nothing held and no movement since the cutoff → DORMANT (relationship.marked-dormant for the ledger); a balance or a later movement → ACTIVE', async () => {
    await report(markingId, idle, { lastMovementDate: '2027-01-04' });
    await report(markingId, funded, { balance: '100.00' });
    await report(markingId, moved, { lastMovementDate: '2027-05-03' });

    expect(await relationshipOf(idle.relationshipId)).toMatchObject({ status: 'PRE_DESIGNATED', dormantSince: AS_OF });
    expect(await outbox('relationship.marked-dormant', idle.relationshipId)).toEqual([
      { relationshipId: idle.relationshipId, fundAccountNo: idle.fundAccountNo, currency: 'CNY', bankCode: BANK, dormantSince: AS_OF },
    ]);
    expect(await relationshipOf(funded.relationshipId)).toMatchObject({ dormantSince: null });
    expect(await relationshipOf(moved.relationshipId)).toMatchObject({ dormantSince: null });
    expect((await bed.fundAccounts.get(idle.fundAccountNo)).relationships[0]).toMatchObject({ status: 'PRE_DESIGNATED', dormant: true, dormantSince: AS_OF });
    expect((await bed.fundAccounts.get(funded.fundAccountNo)).relationships[0]).not.toHaveProperty('dormant');
  });

  it('F-12.3: a report delivered again changes nothing and announces nothing again', async () => {
    await report(markingId, idle);
    expect(await outbox('relationship.marked-dormant', idle.relationshipId)).toHaveLength(1);
  });

  it('F-12.3: the marking is DONE once every check is answered, with counts by outcome', async () => {
    const others = (await outbox('dormancy.check-requested', markingId)).filter((p) => ![idle, funded, moved].some((r) => r.relationshipId === p.relationshipId));
    for (const other of others) await report(markingId, other as { relationshipId: string; fundAccountNo: string });
    expect(await markings().view(markingId)).toMatchObject({ state: 'DONE', counts: { PENDING: 0, ACTIVE: 2, DORMANT: 1 + others.length, SKIPPED: 0 } });
  });

  it('F-12.3: a marking run again asks nothing about a dormant relationship', async () => {
    const again = await markings().start(randomUUID(), 'ops@test');
    await askAll();
    const asked = (await outbox('dormancy.check-requested', again)).map((p) => p.relationshipId);
    expect(asked).toEqual(expect.arrayContaining([funded.relationshipId, moved.relationshipId]));
    expect(asked).not.toContain(idle.relationshipId);
  });

  it('F-12.3: reactivation is a designation — the bank’s confirmation (11003) makes the dormant relationship DESIGNATED and awake', async () => {
    await bed.db.dataSource.transaction((m) => bed.confirmations.handle(m, bed.confirmation(BANK, idle.fundAccountNo, `B${uniqueDigits(12)}`)));
    expect(await relationshipOf(idle.relationshipId)).toMatchObject({ status: 'DESIGNATED', dormantSince: null });
    expect((await bed.fundAccounts.get(idle.fundAccountNo)).relationships[0]).not.toHaveProperty('dormant');
  });

  it('F-12.3: a check answered after the relationship was confirmed is SKIPPED, never marked', async () => {
    const late = await bed.preDesignated(BANK);
    const marking = await markings().start(randomUUID(), 'ops@test');
    await askAll();
    await bed.db.dataSource.transaction((m) => bed.confirmations.handle(m, bed.confirmation(BANK, late.fundAccountNo, `B${uniqueDigits(12)}`)));
    await report(marking, late);
    expect(await relationshipOf(late.relationshipId)).toMatchObject({ status: 'DESIGNATED', dormantSince: null });
    expect(await outbox('relationship.marked-dormant', late.relationshipId)).toEqual([]);
    const [check] = await bed.db.dataSource.query(`SELECT outcome, reason FROM account.dormancy_checks WHERE marking_id = $1 AND relationship_id = $2`, [marking, late.relationshipId]);
    expect(check).toEqual({ outcome: 'SKIPPED', reason: 'the relationship is DESIGNATED now' });
  });
});
