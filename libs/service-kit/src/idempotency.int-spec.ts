import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createTestSchema, requireInfrastructure, waitFor, type TestSchema } from '@custody/testing';
import { DomainError } from './domain-error';
import { idempotencyKeyedClaimsMigration, idempotencyMigration, IdempotencyStore } from './idempotency';

/** The claim-first protocol and the keying migration against the real PostgreSQL. */
describe('IdempotencyStore (real PostgreSQL)', () => {
  const sealingKey = randomBytes(32);
  let db: TestSchema;
  let store: IdempotencyStore;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestSchema({ name: 'idempotency', migrations: (schema) => [idempotencyMigration(schema), idempotencyKeyedClaimsMigration(schema, sealingKey)] });
    store = new IdempotencyStore(db.schema, sealingKey);
  });

  afterAll(() => db?.drop());

  /** Claims and, when new, completes with `resourceId`, the way the services do. */
  const request = (requestId: string, body: unknown, resourceId: string) =>
    db.dataSource.transaction(async (m) => {
      const { replayOf } = await store.claim(m, 'test', requestId, body);
      if (replayOf) return replayOf;
      await store.complete(m, 'test', requestId, resourceId);
      return resourceId;
    });

  // This schema's claim waiting, not any lock wait in the shared database (another test's would end the wait early).
  const waitingOnLock = () =>
    waitFor(async () => {
      const [row] = await db.dataSource.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND strpos(query, $1) > 0`,
        [`INSERT INTO "${db.schema}".idempotency_keys`],
      );
      return row.n > 0;
    }, { description: 'the twin to wait for the first claim' });

  it('a twin arriving while the first is open waits, then replays its committed resource', async () => {
    const requestId = randomUUID();
    const first = db.dataSource.createQueryRunner();
    await first.startTransaction();
    try {
      expect(await store.claim(first.manager, 'test', requestId, { a: 1 })).toEqual({});
      const twin = request(requestId, { a: 1 }, 'second');
      await waitingOnLock();
      await store.complete(first.manager, 'test', requestId, 'first');
      await first.commitTransaction();
      await expect(twin).resolves.toBe('first');
    } finally {
      await first.release();
    }
  });

  it('a twin with another body waiting on the first gets 409 once the first commits', async () => {
    const requestId = randomUUID();
    const first = db.dataSource.createQueryRunner();
    await first.startTransaction();
    try {
      await store.claim(first.manager, 'test', requestId, { a: 1 });
      const twin = request(requestId, { a: 2 }, 'second');
      // Marked handled before the first commits: the twin's refusal comes the moment it does, not when awaited below.
      twin.catch(() => undefined);
      await waitingOnLock();
      await store.complete(first.manager, 'test', requestId, 'first');
      await first.commitTransaction();
      await expect(twin).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      await expect(twin).rejects.toBeInstanceOf(DomainError);
    } finally {
      await first.release();
    }
  });

  it('when the first rolls back (e.g. a business refusal), the waiting twin goes ahead as new', async () => {
    const requestId = randomUUID();
    const first = db.dataSource.createQueryRunner();
    await first.startTransaction();
    try {
      await store.claim(first.manager, 'test', requestId, { a: 1 });
      const twin = request(requestId, { a: 1 }, 'second');
      await waitingOnLock();
      await first.rollbackTransaction();
      await expect(twin).resolves.toBe('second');
      await expect(request(requestId, { a: 1 }, 'third')).resolves.toBe('second');
    } finally {
      await first.release();
    }
  });

  it('issue 9: a key claimed with the id of the resource it creates needs no completion: a twin waiting on it replays that id, and a refusal rolls the claim back with it', async () => {
    const requestId = randomUUID();
    const first = db.dataSource.createQueryRunner();
    await first.startTransaction();
    try {
      expect(await store.claim(first.manager, 'test', requestId, { a: 1 }, 'first')).toEqual({});
      const twin = request(requestId, { a: 1 }, 'second');
      await waitingOnLock();
      await first.commitTransaction();
      await expect(twin).resolves.toBe('first');
    } finally {
      await first.release();
    }

    const refused = randomUUID();
    await expect(
      db.dataSource.transaction(async (m) => {
        await store.claim(m, 'test', refused, { a: 1 }, 'refused');
        throw new DomainError('INSUFFICIENT_WITHDRAWABLE', 'refused after the claim');
      }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_WITHDRAWABLE' });
    await expect(request(refused, { a: 1 }, 'again')).resolves.toBe('again');
  });

  it('completing a key this transaction did not claim is a programming error', async () => {
    await expect(db.dataSource.transaction((m) => store.complete(m, 'test', randomUUID(), 'x'))).rejects.toThrow('was not claimed');
  });

  it('the keying migration keys digests stored before it, in batches, and those requests still replay', async () => {
    const legacy = await createTestSchema({ name: 'idempotency_legacy', migrations: (schema) => [idempotencyMigration(schema)] });
    try {
      const table = `"${legacy.schema}".idempotency_keys`;
      // What the unkeyed code stored: SHA-256 of the canonical body, here {"n":"<i>"}.
      await legacy.dataSource.query(
        `INSERT INTO ${table} (scope, request_id, request_digest, resource_id)
         SELECT 'test', 'r' || i, encode(sha256(convert_to(format('{"n":"%s"}', i), 'UTF8')), 'hex'), 'res' || i FROM generate_series(1, 2500) i`,
      );
      const plain = createHash('sha256').update('{"n":"2345"}').digest('hex');
      const runner = legacy.dataSource.createQueryRunner();
      try {
        await runner.startTransaction();
        await new (idempotencyKeyedClaimsMigration(legacy.schema, sealingKey))().up(runner);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      const rows: Array<{ request_digest: string }> = await legacy.dataSource.query(`SELECT request_digest FROM ${table} WHERE request_id = 'r2345'`);
      expect(rows[0].request_digest).not.toBe(plain);
      const [{ unkeyed }] = await legacy.dataSource.query(
        `SELECT count(*)::int AS unkeyed FROM ${table} WHERE request_digest = encode(sha256(convert_to(format('{"n":"%s"}', substr(request_id, 2)), 'UTF8')), 'hex')`,
      );
      expect(unkeyed).toBe(0);

      const legacyStore = new IdempotencyStore(legacy.schema, sealingKey);
      for (const n of ['1', '1000', '1001', '2500']) {
        await expect(legacy.dataSource.transaction((m) => legacyStore.claim(m, 'test', `r${n}`, { n }))).resolves.toEqual({ replayOf: `res${n}` });
      }
      await expect(legacy.dataSource.transaction((m) => legacyStore.claim(m, 'test', 'r7', { n: '8' }))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    } finally {
      await legacy.drop();
    }
  });
});
