import { defineTopic, money } from '@custody/contracts';
import { qualifiedTable } from '@custody/persistence';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';

/** A stand-in business event for the messaging tests: one credit to one fund account. */
export const creditPayloadSchema = z.object({
  creditId: z.string().min(1),
  fundAccountNo: z.string().min(1),
  amount: money,
});
export type CreditPayload = z.infer<typeof creditPayloadSchema>;

export const creditPostedTopic = defineTopic('test.credit-posted', 1, creditPayloadSchema);
export type CreditTopic = typeof creditPostedTopic;

/** The same contract under a topic name of its own, so that every test starts on an empty topic. */
export function creditTopicNamed(name: string): CreditTopic {
  return { ...creditPostedTopic, name };
}

/**
 * `applied_credits` has deliberately NO unique key on the credit: a message applied twice shows up
 * as two rows, so the tests see double effects instead of a constraint hiding them.
 */
export function creditsMigration(schema: string): new () => MigrationInterface {
  const table = qualifiedTable(schema, 'applied_credits');
  return class CreditsMigration implements MigrationInterface {
    readonly name = 'TestAppliedCredits1700000000001';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`CREATE TABLE ${table} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        credit_id text NOT NULL,
        message_id uuid,
        fund_account_no text NOT NULL,
        amount numeric(20,2) NOT NULL)`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  };
}

export async function insertCredit(manager: EntityManager, schema: string, credit: CreditPayload, messageId?: string): Promise<void> {
  await manager.query(`INSERT INTO ${qualifiedTable(schema, 'applied_credits')} (credit_id, message_id, fund_account_no, amount) VALUES ($1, $2, $3, $4)`, [
    credit.creditId,
    messageId ?? null,
    credit.fundAccountNo,
    credit.amount.toString(),
  ]);
}

export async function appliedCredits(manager: Pick<EntityManager, 'query'>, schema: string): Promise<Array<{ credit_id: string; message_id: string | null; amount: string }>> {
  return manager.query(`SELECT credit_id, message_id, amount FROM ${qualifiedTable(schema, 'applied_credits')} ORDER BY id`);
}
