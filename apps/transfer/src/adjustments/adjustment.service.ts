import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { adjustmentChanged, type adjustmentProposed } from '@custody/contracts';
import { DeadLetterError, Outbox } from '@custody/messaging';
import { Money } from '@custody/money';
import { BusinessDays, type Caller, Clock, CUSTODY_CONFIG, type CustodyConfig, DomainError, IdempotencyStore, principalOf } from '@custody/service-kit';
import { BankDayProjection } from '../day/bank-day.projection';
import { brokerBusinessDate } from '../day/day-rules';
import { canTake, available } from '../ledger/ledger-rules';
import { LedgerRepository } from '../ledger/ledger.repository';
import { Transfer } from '../transfers/transfer.entity';
import { TransferService } from '../transfers/transfer.service';
import { type Adjustment, AdjustmentRepository } from './adjustment.repository';
import { type Approval, type ApproverRole, decideApproval, decideRejection } from './approval-rules';

type Proposed = z.infer<typeof adjustmentProposed.schema>;

/** An approve or reject request: `requestId` makes it idempotent (api.md). */
export interface Decision {
  readonly requestId: string;
  readonly comment?: string;
}

/**
 * The breaks' adjustments (api.md "Clearing and the day", domain.md F-6.2): kept as the reconciliation service
 * proposes them, decided by operators and supervisors (four eyes over `fourEyesThreshold`), and applied in the
 * transaction of the deciding approval, with their effect on the books and the `adjustment.changed` that
 * announces them — so each is applied once, whatever is repeated. CREDIT/DEBIT: one journal posting (source
 * ADJUSTMENT) on the broker's current business date; RESOLVE_UNKNOWN: the transfer completed or released;
 * MANUAL: the resolution recorded, nothing moved.
 */
@Injectable()
export class AdjustmentService {
  private readonly logger = new Logger(AdjustmentService.name);
  private readonly businessDays: BusinessDays;

  constructor(
    private readonly dataSource: DataSource,
    private readonly adjustments: AdjustmentRepository,
    private readonly ledger: LedgerRepository,
    private readonly transfers: TransferService,
    private readonly bankDays: BankDayProjection,
    private readonly idempotency: IdempotencyStore,
    private readonly outbox: Outbox,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
    private readonly clock: Clock,
  ) {
    this.businessDays = new BusinessDays(config.holidays);
  }

  /**
   * `adjustment.proposed`, once per adjustment id (a redelivery changes nothing). A proposal that breaks the
   * contract can never be kept and is dead-lettered. One break has one adjustment that counts: another proposal
   * for a break that has one (live or applied) is refused loudly and kept out, so a break's money moves once.
   */
  async propose(manager: EntityManager, proposed: Proposed): Promise<void> {
    const amount = await this.proposedAmount(manager, proposed);
    const live = await this.adjustments.liveOfBreak(manager, proposed.breakId);
    if (live && live.adjustmentId !== proposed.adjustmentId) {
      this.logger.error({ adjustmentId: proposed.adjustmentId, breakId: proposed.breakId, kept: live.adjustmentId, keptStatus: live.status }, 'second adjustment proposed for a break that has one; ignored');
      return;
    }
    const inserted = await this.adjustments.insert(manager, {
      adjustmentId: proposed.adjustmentId,
      breakId: proposed.breakId,
      bankCode: proposed.bankCode,
      businessDate: proposed.businessDate,
      kind: proposed.kind,
      fundAccountNo: proposed.fundAccountNo,
      currency: proposed.currency,
      amount: amount?.toString() ?? null,
      transferId: proposed.kind === 'RESOLVE_UNKNOWN' ? proposed.transferId! : null,
      resolveTo: proposed.kind === 'RESOLVE_UNKNOWN' ? proposed.resolveTo! : null,
      reason: proposed.reason,
      replaces: null,
    });
    if (inserted) this.logger.log({ adjustmentId: proposed.adjustmentId, breakId: proposed.breakId, kind: proposed.kind, amount: amount?.toString() }, 'adjustment proposed');
  }

  async get(adjustmentId: string): Promise<Adjustment> {
    const adjustment = await this.adjustments.find(this.dataSource.manager, adjustmentId);
    if (!adjustment) throw new DomainError('NOT_FOUND', `adjustment ${adjustmentId} does not exist`);
    return adjustment;
  }

  /** `POST /v1/adjustments/{id}/approve`: records the approval, and applies the adjustment when it is the last one needed. */
  async approve(adjustmentId: string, caller: Caller, decision: Decision): Promise<Adjustment> {
    const approver = approverOf(caller, decision.comment);
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, 'adjustment-decision', decision.requestId, { adjustmentId, decision: 'approve', by: approver.by, comment: decision.comment });
      if (replayOf) return (await this.adjustments.find(manager, replayOf))!;
      const adjustment = await this.locked(manager, adjustmentId);
      const verdict = decideApproval(standingOf(adjustment), approver, this.config.fourEyesThreshold);
      if (verdict.refused) throw new DomainError(verdict.refused, `adjustment ${adjustmentId}: ${verdict.detail}`);
      const approvals: Approval[] = [...adjustment.approvals, { by: approver.by, role: approver.role, at: this.clock.now().toISOString(), ...(approver.comment ? { comment: approver.comment } : {}) }];
      let changed: Adjustment;
      let transferStatus: 'SUCCEEDED' | 'FAILED' | undefined;
      if (verdict.next === 'AWAIT_SECOND') {
        changed = await this.adjustments.update(manager, adjustmentId, { status: 'AWAITING_SECOND_APPROVAL', approvals });
      } else {
        const appliedOn = await this.currentBusinessDate(manager);
        transferStatus = await this.applyEffect(manager, adjustment, appliedOn);
        changed = await this.adjustments.update(manager, adjustmentId, { status: 'APPLIED', approvals, appliedOn });
        this.logger.log({ adjustmentId, breakId: adjustment.breakId, kind: adjustment.kind, amount: adjustment.amount, appliedOn, transferStatus }, 'adjustment applied');
      }
      await this.announce(manager, changed, transferStatus);
      await this.idempotency.complete(manager, 'adjustment-decision', decision.requestId, adjustmentId);
      return changed;
    });
  }

  /** `POST /v1/adjustments/{id}/reject`: REJECTED, and a MANUAL adjustment of the same break in its place (the break stays open). */
  async reject(adjustmentId: string, caller: Caller, decision: Decision): Promise<Adjustment> {
    const approver = approverOf(caller, decision.comment);
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, 'adjustment-decision', decision.requestId, { adjustmentId, decision: 'reject', by: approver.by, comment: decision.comment });
      if (replayOf) return (await this.adjustments.find(manager, replayOf))!;
      const adjustment = await this.locked(manager, adjustmentId);
      const refusal = decideRejection(adjustment);
      if (refusal) throw new DomainError(refusal.refused, `adjustment ${adjustmentId}: ${refusal.detail}`);
      const replacementId = randomUUID();
      const rejection: Approval = { by: approver.by, role: approver.role, at: this.clock.now().toISOString(), ...(approver.comment ? { comment: approver.comment } : {}) };
      // The rejected one first: a break has one adjustment that counts, and the replacement is it from now on.
      const rejected = await this.adjustments.update(manager, adjustmentId, { status: 'REJECTED', rejection, replacedBy: replacementId });
      await this.adjustments.insert(manager, {
        ...adjustment,
        adjustmentId: replacementId,
        kind: 'MANUAL',
        amount: null,
        transferId: null,
        resolveTo: null,
        reason: `${adjustment.kind} ${adjustment.adjustmentId} rejected by ${approver.by}${approver.comment ? ` (${approver.comment})` : ''}; was: ${adjustment.reason}`,
        replaces: adjustmentId,
      });
      await this.announce(manager, rejected);
      await this.announce(manager, (await this.adjustments.find(manager, replacementId))!);
      await this.idempotency.complete(manager, 'adjustment-decision', decision.requestId, adjustmentId);
      this.logger.log({ adjustmentId, breakId: adjustment.breakId, replacedBy: replacementId, by: approver.by }, 'adjustment rejected; a MANUAL one replaces it');
      return rejected;
    });
  }

  /**
   * What applying does to the books, in the approval's transaction. CREDIT/DEBIT move the fund ledger against the
   * bank's summary account (the bank holds the cash: I3) on the broker's business date; a DEBIT never takes more
   * than is available (balance less holds) and is refused whole instead.
   */
  private async applyEffect(manager: EntityManager, adjustment: Adjustment, appliedOn: string): Promise<'SUCCEEDED' | 'FAILED' | undefined> {
    switch (adjustment.kind) {
      case 'MANUAL':
        return undefined;
      case 'RESOLVE_UNKNOWN':
        await this.transfers.resolveUnknown(manager, adjustment.transferId!, {
          to: adjustment.resolveTo!,
          adjustmentId: adjustment.adjustmentId,
          why: `reconciliation of ${adjustment.businessDate} at bank ${adjustment.bankCode}: ${adjustment.reason} (adjustment ${adjustment.adjustmentId}, break ${adjustment.breakId})`,
        });
        return adjustment.resolveTo!;
      case 'CREDIT':
      case 'DEBIT': {
        const account = await this.ledger.lock(manager, adjustment.fundAccountNo, adjustment.currency);
        if (!account) throw new DomainError('NOT_FOUND', `fund account ${adjustment.fundAccountNo} has no ${adjustment.currency} ledger here: reject the adjustment and settle the break by hand`);
        const amount = Money.fromDb(adjustment.amount!);
        const figures = this.ledger.figures(account);
        if (adjustment.kind === 'DEBIT' && !canTake(figures, amount)) {
          throw new DomainError(
            'INSUFFICIENT_AVAILABLE',
            `the DEBIT of ${amount.toString()} ${account.currency} would overdraw fund account ${account.fundAccountNo}: balance ${figures.balance.toString()}, held ${figures.held.toString()}, available ${available(figures).toString()}; nothing was changed`,
          );
        }
        await this.ledger.moveWithBank(manager, account, adjustment.bankCode, adjustment.kind === 'CREDIT' ? amount : amount.negated(), {
          source: 'ADJUSTMENT',
          sourceId: adjustment.adjustmentId,
          businessDate: appliedOn,
        });
        return undefined;
      }
    }
  }

  private async announce(manager: EntityManager, adjustment: Adjustment, transferStatus?: 'SUCCEEDED' | 'FAILED'): Promise<void> {
    await this.outbox.add(
      manager,
      adjustmentChanged,
      {
        adjustmentId: adjustment.adjustmentId,
        breakId: adjustment.breakId,
        bankCode: adjustment.bankCode,
        businessDate: adjustment.businessDate,
        kind: adjustment.kind,
        status: adjustment.status,
        approvals: [...adjustment.approvals],
        transferId: adjustment.transferId ?? undefined,
        transferStatus,
        replacedBy: adjustment.replacedBy ?? undefined,
        appliedOn: adjustment.appliedOn ?? undefined,
      },
      { key: adjustment.bankCode, businessDate: adjustment.businessDate },
    );
  }

  private async locked(manager: EntityManager, adjustmentId: string): Promise<Adjustment> {
    const adjustment = await this.adjustments.lock(manager, adjustmentId);
    if (!adjustment) throw new DomainError('NOT_FOUND', `adjustment ${adjustmentId} does not exist`);
    return adjustment;
  }

  /** api.md: adjustments take the broker's current business date. */
  private async currentBusinessDate(manager: EntityManager): Promise<string> {
    const date = brokerBusinessDate(await this.bankDays.all(manager), this.config.banks.map((bank) => bank.code), this.businessDays);
    if (!date) throw new Error('no business date known yet: no bank day was heard of');
    return date;
  }

  /** The amount the rules judge: CREDIT/DEBIT's own, RESOLVE_UNKNOWN's transfer's (ours, whatever the proposal said). */
  private async proposedAmount(manager: EntityManager, proposed: Proposed): Promise<Money | undefined> {
    const refuse = (why: string) => new DeadLetterError(`adjustment.proposed ${proposed.adjustmentId} (break ${proposed.breakId}): ${why}`);
    switch (proposed.kind) {
      case 'MANUAL':
        return undefined;
      case 'CREDIT':
      case 'DEBIT': {
        const amount = proposed.amount;
        if (!amount?.isPositive()) throw refuse(`a ${proposed.kind} needs a positive amount, got ${proposed.amount ?? 'none'}`);
        return amount;
      }
      case 'RESOLVE_UNKNOWN': {
        if (!proposed.transferId || !proposed.resolveTo) throw refuse('a RESOLVE_UNKNOWN names the transfer and what it becomes (transferId, resolveTo)');
        const transfer = await manager.findOne(Transfer, { where: { transferId: proposed.transferId } });
        if (!transfer || transfer.bankCode !== proposed.bankCode || transfer.fundAccountNo !== proposed.fundAccountNo) {
          throw refuse(`transfer ${proposed.transferId} is not a transfer of fund account ${proposed.fundAccountNo} at bank ${proposed.bankCode}`);
        }
        return Money.fromDb(transfer.amount);
      }
    }
  }
}

/** Who decides: the token's subject and issuer name the principal (two approvals need two principals). */
function approverOf(caller: Caller, comment: string | undefined): { by: string; role: ApproverRole; comment?: string } {
  if (caller.role !== 'operator' && caller.role !== 'supervisor') throw new DomainError('FORBIDDEN', `role ${caller.role} may not decide on adjustments`);
  return { by: principalOf(caller), role: caller.role, ...(comment === undefined ? {} : { comment }) };
}

function standingOf(adjustment: Adjustment) {
  return { kind: adjustment.kind, status: adjustment.status, amount: adjustment.amount === null ? null : Money.fromDb(adjustment.amount), approvals: adjustment.approvals };
}
