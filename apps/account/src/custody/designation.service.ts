import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, In, type EntityManager } from 'typeorm';
import { designationRequested, type designationApplied } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import {
  BusinessCalendar,
  CUSTODY_CONFIG,
  type CustodyConfig,
  DomainError,
  findBank,
  IdempotencyStore,
  nextSerialNo,
  SecretSealer,
  SettledNotifications,
} from '@custody/service-kit';
import type { z } from 'zod';
import { Customer } from '../customers/customer.entity';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { AccountFunctionRepository } from './account-function.repository';
import { ACTIVE_STATUSES, CustodyRelationship } from './custody-relationship.entity';
import type { DesignateBody } from './designation.dto';

type Resolution = z.infer<typeof designationApplied.schema>;

/**
 * F-3.3 S: the broker validates, sends the bank account and opening balance to the bank (11001, through
 * the saga and the bank adapter), and records the relationship only after the bank's success reply.
 */
@Injectable()
export class DesignationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly outbox: Outbox,
    private readonly sealer: SecretSealer,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
    private readonly calendar: BusinessCalendar,
    private readonly settled: SettledNotifications,
    private readonly functions: AccountFunctionRepository,
  ) {}

  /** Returns the relationship's id; its state is read (and awaited) by the caller. */
  async request(body: DesignateBody): Promise<string> {
    return this.dataSource.transaction((manager) => this.requestIn(manager, body));
  }

  private async requestIn(manager: EntityManager, body: DesignateBody): Promise<string> {
    // The key first: a concurrent twin waits here and replays this relationship instead of meeting it
    // as RELATIONSHIP_EXISTS.
    const { replayOf } = await this.idempotency.claim(manager, 'designation', body.requestId, body);
    if (replayOf) return replayOf;
    if (!findBank(this.config, body.bankCode)) throw new DomainError('UNKNOWN_BANK', `bank ${body.bankCode} is not configured`);
    const account = await manager.findOne(FundAccount, { where: { fundAccountNo: body.fundAccountNo }, lock: { mode: 'pessimistic_write' } });
    if (!account) throw new DomainError('NOT_FOUND', `fund account ${body.fundAccountNo} does not exist`);
    if (account.currency !== body.currency) {
      throw new DomainError('CURRENCY_MISMATCH', `fund account ${body.fundAccountNo} is a ${account.currency} account`);
    }
    // The fund account's lock serialises designations of this account only; the "one fund account per
    // bank" rule (§13) spans all the customer's accounts, so two of them at one bank must queue on the
    // customer. Order fund account → customer; nothing takes them the other way round.
    const customer = await manager.findOne(Customer, { where: { customerNo: account.customerNo }, lock: { mode: 'pessimistic_write' } });
    if (!customer) throw new Error(`customer ${account.customerNo} of fund account ${account.fundAccountNo} vanished`);
    const live = await manager.findOneBy(CustodyRelationship, { fundAccountNo: body.fundAccountNo, currency: body.currency, status: In(ACTIVE_STATUSES) });
    if (live) throw new DomainError('RELATIONSHIP_EXISTS', `fund account ${body.fundAccountNo} is already ${live.status} at bank ${live.bankCode}`);
    await this.refuseSecondAccountAtBank(manager, account, body.bankCode);

    const relationshipId = randomUUID();
    const serialNo = await nextSerialNo(manager, 'account.serial_seq', 'account', this.calendar.today());
    await manager.insert(CustodyRelationship, {
      id: relationshipId,
      fundAccountNo: body.fundAccountNo,
      currency: body.currency,
      bankCode: body.bankCode,
      bankAccountNo: body.bankAccountNo,
      custodyAccountNo: null,
      status: 'PENDING',
      serialNo,
      failureCode: null,
      bankReturnCode: null,
      failureMessage: null,
    });
    await this.idempotency.complete(manager, 'designation', body.requestId, relationshipId);
    await this.outbox.add(manager, designationRequested, {
      relationshipId,
      serialNo,
      fundAccountNo: body.fundAccountNo,
      currency: body.currency,
      bankCode: body.bankCode,
      bankAccountNo: body.bankAccountNo,
      bankPassword: this.sealer.seal(body.bankPassword),
      customer: {
        customerNo: customer.customerNo,
        name: customer.name,
        type: customer.type,
        idType: customer.idType,
        idNumber: { sealed: customer.idNumberSealed },
      },
    }, { key: body.fundAccountNo, businessDate: this.calendar.today() });
    return relationshipId;
  }

  /** domain.md §13: each of a customer's fund accounts is at a different bank. */
  private async refuseSecondAccountAtBank(manager: EntityManager, account: FundAccount, bankCode: string): Promise<void> {
    const rows: Array<{ fund_account_no: string }> = await manager.query(
      `SELECT r.fund_account_no FROM account.custody_relationships r
         JOIN account.fund_accounts f ON f.fund_account_no = r.fund_account_no
        WHERE f.customer_no = $1 AND r.bank_code = $2 AND r.status = ANY($3) AND r.fund_account_no <> $4`,
      [account.customerNo, bankCode, ACTIVE_STATUSES, account.fundAccountNo],
    );
    if (rows.length > 0) {
      throw new DomainError('BANK_ALREADY_USED', `customer ${account.customerNo} already holds fund account ${rows[0].fund_account_no} at bank ${bankCode}`);
    }
  }

  /**
   * Applies the saga's verdict; a repeat (redelivery) finds the relationship no longer PENDING and changes nothing.
   * A designation is recorded as the day's 11001 for the files of its business date; a resolution from before it
   * carried one (a message in flight across the upgrade) counts on the day it is applied, China time.
   */
  async resolve(manager: EntityManager, resolution: Resolution): Promise<void> {
    const relationship = await manager.findOne(CustodyRelationship, { where: { id: resolution.relationshipId }, lock: { mode: 'pessimistic_write' } });
    if (!relationship || relationship.status !== 'PENDING') return;
    if (resolution.status === 'DESIGNATED') {
      relationship.status = 'DESIGNATED';
      relationship.custodyAccountNo = resolution.custodyAccountNo ?? null;
      await this.functions.record(manager, {
        relationshipId: relationship.id,
        bankCode: relationship.bankCode,
        businessDate: resolution.businessDate ?? this.calendar.today(),
        functionCode: '11001',
        initiator: 'S',
        brokerSerialNo: relationship.serialNo,
        bankSerialNo: resolution.bankSerialNo ?? null,
        custodyAccountNo: relationship.custodyAccountNo,
        bankAccountNo: relationship.bankAccountNo,
        amount: resolution.openingBalance ?? null,
        statusAfter: 'DESIGNATED',
      });
    } else {
      relationship.status = 'FAILED';
      relationship.failureCode = resolution.failure?.code ?? 'BANK_REJECTED';
      relationship.bankReturnCode = resolution.failure?.bankReturnCode ?? null;
      relationship.failureMessage = resolution.failure?.message ?? null;
    }
    await manager.save(relationship);
    this.settled.announce(manager, relationship.id);
  }

  async find(relationshipId: string): Promise<CustodyRelationship> {
    return this.dataSource.getRepository(CustodyRelationship).findOneByOrFail({ id: relationshipId });
  }
}
