import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { expiredRows, qualifiedTable, type RetentionTask } from '@custody/persistence';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { DomainError } from './domain-error';

/**
 * spec/api.md: the same `requestId` with the same body returns the first result; with another body,
 * 409 IDEMPOTENCY_KEY_REUSED. The key is claimed first in the caller's transaction and completed with
 * the resource it created before that transaction commits, so a crash never leaves a key without its
 * effect or an effect without its key, and a concurrent twin waits for the first instead of racing it.
 */
export interface IdempotencyClaim {
  /** Set when an earlier request with this key and body committed: answer with this resource. */
  replayOf?: string;
}

/**
 * Domain separation: the digest key is derived from the sealing key under its own label, so the AES key
 * that seals passwords is never itself used as an HMAC key, and a digest never helps against the sealer.
 */
const DIGEST_KEY_LABEL = 'custody/idempotency/request-digest/v1';

export function deriveDigestKey(sealingKey: Buffer): Buffer {
  if (sealingKey.length !== 32) throw new Error('sealing key must be 32 bytes');
  return Buffer.from(hkdfSync('sha256', sealingKey, Buffer.alloc(0), DIGEST_KEY_LABEL, 32));
}

function canonical(value: unknown): string {
  // As JSON would write it: a body's `Money` is its decimal string, so a request digests as it did before it was parsed.
  if (value && typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonical((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Keys the SHA-256 of a digest with the service's secret. Bodies carry 4–12 digit passwords
 * (domain.md §3, §14); an unkeyed hash of a body whose other fields are known falls to trying every
 * PIN, so only this keyed digest is stored and the table alone reveals nothing. The HMAC is taken
 * over the SHA-256 of the body (not the body itself) so digests stored before keying could be keyed in
 * place by `idempotencyKeyedClaimsMigration` without their bodies.
 */
function keyDigest(digestKey: Buffer, sha256: Buffer): string {
  return createHmac('sha256', digestKey).update(sha256).digest('hex');
}

export function requestDigest(digestKey: Buffer, body: unknown): string {
  return keyDigest(digestKey, createHash('sha256').update(canonical(body)).digest());
}

export class IdempotencyStore {
  private readonly digestKey: Buffer;

  constructor(
    private readonly schema: string,
    sealingKey: Buffer,
  ) {
    this.digestKey = deriveDigestKey(sealingKey);
  }

  /**
   * Call first in the transaction, before any business check. The INSERT of a key another open
   * transaction has just inserted waits for that transaction (PostgreSQL's unique check): if it
   * commits, this one sees the conflict and answers with its resource (or 409 for another body); if
   * it rolls back, this one owns the key and goes ahead as a new request. Without `replayOf`, the
   * caller must `complete` the key before committing — unless it named the resource it will create
   * (`resourceId`, an id it made before the checks): the key is then recorded with it at once, one
   * statement fewer (issue 9), and a refusal still leaves the key free, since it rolls the claim back.
   */
  async claim(manager: EntityManager, scope: string, requestId: string, body: unknown, resourceId: string | null = null): Promise<IdempotencyClaim> {
    const digest = requestDigest(this.digestKey, body);
    const claimed: unknown[] = await manager.query(
      `INSERT INTO "${this.schema}".idempotency_keys (scope, request_id, request_digest, resource_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope, request_id) DO NOTHING RETURNING request_id`,
      [scope, requestId, digest, resourceId],
    );
    if (claimed.length > 0) return {};
    // READ COMMITTED: this statement's snapshot includes the committed row the INSERT conflicted with.
    const rows: Array<{ request_digest: string; resource_id: string | null }> = await manager.query(
      `SELECT request_digest, resource_id FROM "${this.schema}".idempotency_keys WHERE scope = $1 AND request_id = $2`,
      [scope, requestId],
    );
    if (rows.length === 0) throw new Error(`idempotency key ${scope}/${requestId} conflicted but cannot be read`);
    if (rows[0].request_digest !== digest) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', `requestId ${requestId} was already used with a different body`);
    }
    // Committed keys are always completed; a null here means this transaction claimed the key twice.
    if (rows[0].resource_id === null) throw new Error(`idempotency key ${scope}/${requestId} was claimed twice in one transaction`);
    return { replayOf: rows[0].resource_id };
  }

  /** Records the resource a claimed key created; must run in the transaction that claimed it. */
  async complete(manager: EntityManager, scope: string, requestId: string, resourceId: string): Promise<void> {
    // A CTE so the driver answers rows for a SELECT (TypeORM reshapes the result of a bare UPDATE).
    const updated: unknown[] = await manager.query(
      `WITH completed AS (
         UPDATE "${this.schema}".idempotency_keys SET resource_id = $3
          WHERE scope = $1 AND request_id = $2 AND resource_id IS NULL RETURNING 1)
       SELECT 1 FROM completed`,
      [scope, requestId, resourceId],
    );
    if (updated.length !== 1) throw new Error(`idempotency key ${scope}/${requestId} was not claimed by this transaction`);
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

/** The idempotency table, included in each service's own migrations. */
export function idempotencyMigration(schema: string): new () => MigrationInterface {
  return class IdempotencyKeys1732200000000 implements MigrationInterface {
    name = `IdempotencyKeys1732200000000`;

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`CREATE TABLE "${schema}".idempotency_keys (
        scope text NOT NULL,
        request_id varchar(64) NOT NULL,
        request_digest char(64) NOT NULL,
        resource_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, request_id))`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE "${schema}".idempotency_keys`);
    }
  };
}

const REKEY_BATCH = 1000;

/**
 * Follows `idempotencyMigration` (expand, never rewrite a migration that may have run):
 * - `resource_id` becomes nullable, because a key is claimed before the resource it names exists;
 * - digests written before keying (plain SHA-256 of bodies holding passwords) are keyed in place, so
 *   no brute-forceable digest stays at rest and replays of those earlier requests still match.
 * It needs the sealing key for the second step, which is why it is built with it.
 */
export function idempotencyKeyedClaimsMigration(schema: string, sealingKey: Buffer): new () => MigrationInterface {
  const digestKey = deriveDigestKey(sealingKey);
  const table = `"${schema}".idempotency_keys`;
  return class IdempotencyKeyedClaims1732200000004 implements MigrationInterface {
    name = `IdempotencyKeyedClaims1732200000004`;

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE ${table} ALTER COLUMN resource_id DROP NOT NULL`);
      // Keyset batches keep memory flat however many keys are kept; every row present now is unkeyed.
      let after: { scope: string; request_id: string } | undefined;
      for (;;) {
        const rows: Array<{ scope: string; request_id: string; request_digest: string }> = after
          ? await runner.query(`SELECT scope, request_id, request_digest FROM ${table} WHERE (scope, request_id) > ($1, $2) ORDER BY scope, request_id LIMIT ${REKEY_BATCH}`, [after.scope, after.request_id])
          : await runner.query(`SELECT scope, request_id, request_digest FROM ${table} ORDER BY scope, request_id LIMIT ${REKEY_BATCH}`);
        if (rows.length === 0) break;
        await runner.query(
          `UPDATE ${table} t SET request_digest = v.digest
             FROM unnest($1::text[], $2::text[], $3::text[]) AS v(scope, request_id, digest)
            WHERE t.scope = v.scope AND t.request_id = v.request_id`,
          [rows.map((r) => r.scope), rows.map((r) => r.request_id), rows.map((r) => keyDigest(digestKey, Buffer.from(r.request_digest, 'hex')))],
        );
        after = rows[rows.length - 1];
      }
    }

    async down(runner: QueryRunner): Promise<void> {
      // Committed keys are always completed, so NOT NULL holds again. Digests stay keyed: un-keying is
      // impossible without the bodies, and plain digests are exactly what must never be at rest.
      await runner.query(`ALTER TABLE ${table} ALTER COLUMN resource_id SET NOT NULL`);
    }
  };
}

/**
 * A key is de-duplication scaffolding: the resource it created is kept (a transfer is a money record), the key
 * only has to outlive the client's retry horizon. Pruned by age from its claim.
 */
export function idempotencyRetention(schema: string, retentionMs: number): RetentionTask {
  return expiredRows({ name: `${schema}.idempotency_keys`, table: qualifiedTable(schema, 'idempotency_keys'), timestampColumn: 'created_at', retentionMs });
}

/**
 * The index that lets each retention batch read the oldest keys as a range. CONCURRENTLY, so requests keep
 * claiming keys while it is built (hence outside a transaction); an interrupted build is dropped and redone.
 */
export function idempotencyRetentionIndexMigration(schema: string): new () => MigrationInterface {
  const table = qualifiedTable(schema, 'idempotency_keys');
  const index = `"${schema}".idempotency_keys_created_at`;
  return class IdempotencyKeysCreatedAt1732200000052 implements MigrationInterface {
    name = 'IdempotencyKeysCreatedAt1732200000052';
    transaction = false;

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS ${index}`);
      await runner.query(`CREATE INDEX CONCURRENTLY idempotency_keys_created_at ON ${table} (created_at)`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP INDEX CONCURRENTLY IF EXISTS ${index}`);
    }
  };
}
