import type { MigrationInterface, QueryRunner } from 'typeorm';

const BATCH = 1000;

/**
 * Sagas now delete their sealed bank password and ID number once DONE (SagaStore.forgetSecrets); this removes
 * those of sagas that ended before. Keyset batches, each its own short statement, so a large table is never
 * locked whole. Written out here, not imported, so the migration stays what it was whatever the code becomes.
 */
export class SagaForgetDoneSecrets1732200000031 implements MigrationInterface {
  name = 'SagaForgetDoneSecrets1732200000031';
  // Batches must commit one by one to keep each lock short; TypeORM otherwise wraps the migration in one transaction.
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: Array<{ saga_id: string }> = await runner.query(
        `SELECT saga_id FROM saga.sagas WHERE saga_id > $1 AND state = 'DONE'
            AND (payload ? 'bankPassword' OR payload #> '{customer,idNumber}' IS NOT NULL)
          ORDER BY saga_id LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) break;
      const ids = rows.map((r) => r.saga_id);
      await runner.query(
        `UPDATE saga.sagas SET payload = (payload - 'bankPassword') #- '{customer,idNumber}', updated_at = now()
          WHERE saga_id = ANY($1::uuid[]) AND state = 'DONE'`,
        [ids],
      );
      after = ids[ids.length - 1];
    }
  }

  async down(): Promise<void> {
    // Nothing to restore: deleted secrets are gone, and no DONE saga reads them.
  }
}
