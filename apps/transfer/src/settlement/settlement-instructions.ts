import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { settlementInstructionRecorded } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import type { Currency, Money } from '@custody/money';
import type { BankConfig } from '@custody/service-kit';

/** What moves the money between the two summary accounts: an internal transfer (F-4.7) or a bank change (F-3.6). */
export type InstructionSource = { readonly transferId: string } | { readonly functionId: string };

/**
 * The day's settlement instructions (domain.md §9): money one bank's summary account owes another's because the
 * ledger moved it across banks. Recorded and announced (`settlement.instruction-recorded`) in the transaction of the
 * move, so the day's settlement never misses one and never sees one whose move rolled back.
 */
@Injectable()
export class SettlementInstructions {
  constructor(private readonly outbox: Outbox) {}

  async record(manager: EntityManager, move: InstructionSource & { businessDate: string; currency: Currency; amount: Money; from: BankConfig; to: BankConfig }): Promise<string> {
    const instruction = {
      instructionId: randomUUID(),
      ...('transferId' in move ? { transferId: move.transferId } : { functionId: move.functionId }),
      businessDate: move.businessDate,
      currency: move.currency,
      amount: move.amount,
      fromBankCode: move.from.code,
      fromSummaryAccount: move.from.summaryAccount,
      toBankCode: move.to.code,
      toSummaryAccount: move.to.summaryAccount,
    };
    await manager.query(
      `INSERT INTO transfer.settlement_instructions
         (instruction_id, transfer_id, function_id, business_date, currency, amount, from_bank_code, from_summary_account, to_bank_code, to_summary_account)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        instruction.instructionId,
        'transferId' in move ? move.transferId : null,
        'functionId' in move ? move.functionId : null,
        move.businessDate,
        move.currency,
        move.amount.toString(),
        move.from.code,
        move.from.summaryAccount,
        move.to.code,
        move.to.summaryAccount,
      ],
    );
    await this.outbox.add(manager, settlementInstructionRecorded, instruction, { key: move.from.code, businessDate: move.businessDate });
    return instruction.instructionId;
  }
}
