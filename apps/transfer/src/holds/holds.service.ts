import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Money } from '@custody/money';
import { DomainError, IdempotencyStore } from '@custody/service-kit';
import { assertNotClosed } from '../ledger/account-status-rules';
import { LedgerRepository } from '../ledger/ledger.repository';
import { assertTradingHoldAllowed } from '../roles/role-rules';
import { Hold } from './hold.entity';

export interface PlaceHoldInput {
  requestId: string;
  fundAccountNo: string;
  currency: string;
  amount: Money;
  reason: string;
}

/** Trading holds: how trading systems reserve cash for orders; held cash is neither available nor withdrawable. */
@Injectable()
export class HoldsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly idempotency: IdempotencyStore,
  ) {}

  async place(input: PlaceHoldInput): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      // The key first, so a concurrent twin replays this hold instead of placing a second one.
      const { replayOf } = await this.idempotency.claim(manager, 'hold', input.requestId, input);
      if (replayOf) return replayOf;
      const account = await this.ledger.lock(manager, input.fundAccountNo, input.currency);
      if (!account) throw new DomainError('NOT_FOUND', `fund account ${input.fundAccountNo} has no ${input.currency} ledger`);
      // Under the ledger's lock, the lock a change of primary takes too: the role read here is the one in force.
      assertTradingHoldAllowed(account);
      // F-3.8: no hold on a ledger closed while its cancellation is at the bank.
      assertNotClosed(account);
      const holdId = await this.ledger.placeHold(manager, account, input.amount, 'TRADING', input.reason);
      await this.idempotency.complete(manager, 'hold', input.requestId, holdId);
      return holdId;
    });
  }

  /** Releasing twice is harmless for the caller (DELETE is idempotent) but never moves money twice. */
  async release(holdId: string): Promise<void> {
    await this.dataSource.transaction(async (manager: EntityManager) => {
      // Only to learn which ledger to lock: a hold's account and currency never change.
      const found = await manager.findOneBy(Hold, { holdId });
      if (!found) throw new DomainError('NOT_FOUND', `hold ${holdId} does not exist`);
      if (found.kind !== 'TRADING') throw new DomainError('HOLD_NOT_ACTIVE', `hold ${holdId} belongs to a transfer and ends with it`);
      if (found.status !== 'ACTIVE') return;
      // Ledger, then hold: the order every path ending a hold takes, so none can deadlock another.
      const account = await this.ledger.lock(manager, found.fundAccountNo, found.currency);
      if (!account) throw new Error(`ledger of ${found.fundAccountNo} vanished`);
      // Locked and re-read: a concurrent release that committed first is seen here, and this one
      // answers as a repeat instead of failing in endHold with HOLD_NOT_ACTIVE.
      const hold = await manager.findOne(Hold, { where: { holdId }, lock: { mode: 'pessimistic_write' } });
      if (hold?.status !== 'ACTIVE') return;
      await this.ledger.endHold(manager, account, holdId, 'RELEASED');
    });
  }
}
