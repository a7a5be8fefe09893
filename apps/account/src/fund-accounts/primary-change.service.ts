import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { primaryChangeRequested, type primaryChangeResolved } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DomainError, IdempotencyStore, SettledNotifications } from '@custody/service-kit';
import { Customer } from '../customers/customer.entity';
import type { MakePrimaryBody } from './fund-account.dto';
import { FundAccount } from './fund-account.entity';
import { primaryChangeStart, primaryOf } from './fund-account-rules';
import { PrimaryChange } from './primary-change.entity';

type Resolution = z.infer<typeof primaryChangeResolved.schema>;

export interface PrimaryChangeView {
  changeId: string;
  fundAccountNo: string;
  customerNo: string;
  /** The customer's primary before the change (now auxiliary); the account itself when it already was primary. */
  previousPrimaryFundAccountNo: string;
  status: 'PENDING' | 'APPLIED';
}

/**
 * domain.md §13: the customer changes which fund account is primary; the old primary must have no unsettled trading.
 *
 * The transfer service decides, not account: it owns the holds (unsettled trading is cash held for orders), and
 * only a decision taken under the same ledger row locks that placing a trading hold takes cannot race one. Asking it
 * over HTTP and then changing the roles here would leave a window — a hold placed on the old primary after the
 * answer and before the transfer service learnt the new roles — and a crash between the two would leave the
 * services disagreeing on the roles. So the change is recorded PENDING with `primary-change.requested` in one
 * transaction (outbox); the transfer service checks the old primary's trading holds and changes its ledgers' roles
 * under their row locks, in the transaction that records its verdict (`primary-change.resolved`, outbox); only
 * then are the roles changed here, in the transaction that applies the verdict. At every moment the ledger's roles
 * name one primary, so two fund accounts of the customer never both take trading holds.
 */
@Injectable()
export class PrimaryChangeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly outbox: Outbox,
    private readonly settled: SettledNotifications,
  ) {}

  /** Returns the change's id; its state is read (and awaited) by the caller. */
  async request(fundAccountNo: string, body: MakePrimaryBody): Promise<string> {
    return this.dataSource.transaction((manager) => this.requestIn(manager, fundAccountNo, body));
  }

  private async requestIn(manager: EntityManager, fundAccountNo: string, body: MakePrimaryBody): Promise<string> {
    // The path's account is part of the request: the same requestId for another account is another body.
    const { replayOf } = await this.idempotency.claim(manager, 'make-primary', body.requestId, { ...body, fundAccountNo });
    if (replayOf) return replayOf;
    // Every currency of the number: the role is the number's.
    const [account] = await manager.find(FundAccount, { where: { fundAccountNo }, order: { currency: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    if (!account) throw new DomainError('NOT_FOUND', `fund account ${fundAccountNo} does not exist`);
    // The customer's lock serialises its changes of primary with each other and with its openings. Order fund
    // account → customer, as designations take them.
    await manager.findOne(Customer, { where: { customerNo: account.customerNo }, lock: { mode: 'pessimistic_write' } });
    const pending = await manager.findOneBy(PrimaryChange, { customerNo: account.customerNo, status: 'PENDING' });
    const primary = primaryOf(await manager.findBy(FundAccount, { customerNo: account.customerNo }));
    // An auxiliary is opened only beside its primary, and the role only ever moves from one account to another.
    if (!primary) throw new Error(`customer ${account.customerNo} of fund account ${fundAccountNo} has no primary fund account`);
    const start = primaryChangeStart(account, primary, pending);

    const changeId = randomUUID();
    await manager.insert(PrimaryChange, {
      changeId,
      customerNo: account.customerNo,
      fundAccountNo,
      previousPrimaryFundAccountNo: primary.fundAccountNo,
      status: start === 'NOTHING_TO_CHANGE' ? 'APPLIED' : 'PENDING',
      refusal: null,
    });
    await this.idempotency.complete(manager, 'make-primary', body.requestId, changeId);
    if (start === 'ASK_TRANSFER') {
      await this.outbox.add(manager, primaryChangeRequested, {
        changeId,
        customerNo: account.customerNo,
        fundAccountNo,
        previousPrimaryFundAccountNo: primary.fundAccountNo,
      }, { key: fundAccountNo });
    }
    return changeId;
  }

  /**
   * Applies the transfer service's verdict; a repeat (redelivery) finds the change no longer PENDING and changes
   * nothing. The old primary turns auxiliary before the new one turns primary, every currency of each: the
   * one-primary index is checked statement by statement.
   */
  async resolve(manager: EntityManager, resolution: Resolution): Promise<void> {
    const change = await manager.findOne(PrimaryChange, { where: { changeId: resolution.changeId }, lock: { mode: 'pessimistic_write' } });
    if (!change || change.status !== 'PENDING') return;
    if (resolution.status === 'APPLIED') {
      await manager.update(FundAccount, { fundAccountNo: change.previousPrimaryFundAccountNo }, { role: 'AUXILIARY' });
      await manager.update(FundAccount, { fundAccountNo: change.fundAccountNo }, { role: 'PRIMARY' });
      change.status = 'APPLIED';
    } else {
      change.status = 'REFUSED';
      change.refusal = resolution.refusal ?? `the transfer service refused to make ${change.fundAccountNo} primary`;
    }
    await manager.save(change);
    this.settled.announce(manager, change.changeId);
  }

  async find(changeId: string): Promise<PrimaryChange> {
    return this.dataSource.getRepository(PrimaryChange).findOneByOrFail({ changeId });
  }
}

/** A change still PENDING or APPLIED; a REFUSED one answers as its problem (PRIMARY_CHANGE_REFUSED). */
export function primaryChangeView(change: PrimaryChange & { status: 'PENDING' | 'APPLIED' }): PrimaryChangeView {
  return {
    changeId: change.changeId,
    fundAccountNo: change.fundAccountNo,
    customerNo: change.customerNo,
    previousPrimaryFundAccountNo: change.previousPrimaryFundAccountNo,
    status: change.status,
  };
}
