import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, In, type EntityManager } from 'typeorm';
import { designationRequested, type designationApplied, type DesignationMode } from '@custody/contracts';
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
import { identityDefects } from '../conversion/identity-completeness';
import { Customer } from '../customers/customer.entity';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { AccountFunctionRepository } from './account-function.repository';
import { ACTIVE_STATUSES, CustodyRelationship } from './custody-relationship.entity';
import { CustodyRelationshipRepository } from './custody-relationship.repository';
import type { DesignateBody, PreDesignateBody } from './designation.dto';

type Resolution = z.infer<typeof designationApplied.schema>;

/** What opening a relationship at a bank needs, whichever way (F-3.3 S or F-3.1). */
interface OpeningRequest {
  readonly requestId: string;
  readonly fundAccountNo: string;
  readonly currency: DesignateBody['currency'];
  readonly bankCode: string;
  readonly mode: DesignationMode;
  /** The principal who asked (subject@issuer of the bearer token), for the relationship's history. */
  readonly requestedBy: string;
  /** F-3.3 S only: the customer's bank account and its password (sealed before it leaves this service). */
  readonly bankAccount?: { readonly bankAccountNo: string; readonly bankPassword: string };
  /** F-12.2.2: a batch conversion refuses a customer whose identity F-12.1 finds incomplete (IDENTITY_INCOMPLETE). */
  readonly requireCompleteIdentity?: boolean;
}

/** Each function keeps its own `requestId`s: the same id on the other endpoint is another request. */
const IDEMPOTENCY_SCOPE: Record<DesignationMode, string> = { DESIGNATE: 'designation', PRE_DESIGNATE: 'pre-designation' };

/**
 * The function (bank-protocol.md §4) that opens a relationship of ours: the relationship keeps no mode, but a
 * designation (11001) always names the bank account and a pre-designation (11002) never does (designation.requested).
 */
function openingFunctionOf(relationship: CustodyRelationship): '11001' | '11002' {
  return relationship.bankAccountNo === null ? '11002' : '11001';
}

/**
 * F-3.3 S: the broker validates, sends the bank account and opening balance to the bank (11001, through
 * the saga and the bank adapter), and records the relationship only after the bank's success reply.
 * F-3.1: the same without a bank account (11002); the bank's reply names the custody account it opened, and the
 * relationship is PRE_DESIGNATED — trading allowed, transfers refused until the bank confirms it (F-3.2).
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
    private readonly relationships: CustodyRelationshipRepository,
  ) {}

  /** F-3.3 S, asked for by `requestedBy` (a principal). Returns the relationship's id; its state is read (and awaited) by the caller. */
  async designate(body: DesignateBody, requestedBy: string): Promise<string> {
    const { bankAccountNo, bankPassword, ...rest } = body;
    return this.open(body, { ...rest, mode: 'DESIGNATE', requestedBy, bankAccount: { bankAccountNo, bankPassword } });
  }

  /** F-3.1, asked for by `requestedBy` (a principal). Returns the relationship's id; its state is read (and awaited) by the caller. */
  async preDesignate(body: PreDesignateBody, requestedBy: string): Promise<string> {
    return this.open(body, { ...body, mode: 'PRE_DESIGNATE', requestedBy });
  }

  /**
   * F-3.1 for a batch conversion's line (F-12.2.2), in the caller's transaction, whose result is written with it; the
   * customer's identity must be complete (F-12.1: a batch never sends an incomplete one to a bank). A replay answers
   * the first relationship whatever the identity is now. A refusal throws after the idempotency key was claimed: the
   * caller rolls the transaction (or its savepoint) back. `requestedBy` is who uploaded the batch.
   */
  async preDesignateIn(manager: EntityManager, body: PreDesignateBody, requestedBy: string): Promise<string> {
    return this.openWith(manager, body, { ...body, mode: 'PRE_DESIGNATE', requestedBy, requireCompleteIdentity: true });
  }

  private async open(body: DesignateBody | PreDesignateBody, request: OpeningRequest): Promise<string> {
    return this.dataSource.transaction((manager) => this.openWith(manager, body, request));
  }

  private async openWith(manager: EntityManager, body: DesignateBody | PreDesignateBody, request: OpeningRequest): Promise<string> {
    // The key first: a concurrent twin waits here and replays this relationship instead of meeting it
    // as RELATIONSHIP_EXISTS.
    const { replayOf } = await this.idempotency.claim(manager, IDEMPOTENCY_SCOPE[request.mode], request.requestId, body);
    return replayOf ?? this.openIn(manager, request);
  }

  private async openIn(manager: EntityManager, body: OpeningRequest): Promise<string> {
    if (!findBank(this.config, body.bankCode)) throw new DomainError('UNKNOWN_BANK', `bank ${body.bankCode} is not configured`);
    // Every currency of the number, in one order, as the bank's own designations lock them.
    const currencies = await manager.find(FundAccount, { where: { fundAccountNo: body.fundAccountNo }, order: { currency: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    if (currencies.length === 0) throw new DomainError('NOT_FOUND', `fund account ${body.fundAccountNo} does not exist`);
    const account = currencies.find((a) => a.currency === body.currency);
    if (!account) {
      throw new DomainError('CURRENCY_MISMATCH', `fund account ${body.fundAccountNo} is not opened in ${body.currency} (it holds ${currencies.map((a) => a.currency).join(', ')})`);
    }
    // The fund account's lock serialises designations of this account only; the "one fund account per
    // bank" rule (§13) spans all the customer's accounts, so two of them at one bank must queue on the
    // customer. Order fund account → customer; nothing takes them the other way round.
    const customer = await manager.findOne(Customer, { where: { customerNo: account.customerNo }, lock: { mode: 'pessimistic_write' } });
    if (!customer) throw new Error(`customer ${account.customerNo} of fund account ${account.fundAccountNo} vanished`);
    if (body.requireCompleteIdentity) this.refuseIncompleteIdentity(customer);
    const live = await manager.findOneBy(CustodyRelationship, { fundAccountNo: body.fundAccountNo, currency: body.currency, status: In(ACTIVE_STATUSES) });
    if (live?.status === 'PRE_DESIGNATED') {
      // Profile §4.1: only the bank's 11003 confirms a pre-designation (the bank refuses an 11001 on it, 5201).
      throw new DomainError('RELATIONSHIP_EXISTS', `fund account ${body.fundAccountNo} is pre-designated at bank ${live.bankCode}: the customer confirms it at the bank (F-3.2)`);
    }
    if (live) throw new DomainError('RELATIONSHIP_EXISTS', `fund account ${body.fundAccountNo} is already ${live.status} at bank ${live.bankCode}`);
    await this.refuseSecondAccountAtBank(manager, account, body.bankCode);

    const relationshipId = randomUUID();
    const serialNo = await nextSerialNo(manager, 'account.serial_seq', 'account', this.calendar.today());
    await manager.insert(CustodyRelationship, {
      id: relationshipId,
      fundAccountNo: body.fundAccountNo,
      currency: body.currency,
      bankCode: body.bankCode,
      bankAccountNo: body.bankAccount?.bankAccountNo ?? null,
      custodyAccountNo: null,
      status: 'PENDING',
      serialNo,
      requestedBy: body.requestedBy,
      failureCode: null,
      bankReturnCode: null,
      failureMessage: null,
    });
    await this.idempotency.complete(manager, IDEMPOTENCY_SCOPE[body.mode], body.requestId, relationshipId);
    await this.outbox.add(manager, designationRequested, {
      relationshipId,
      serialNo,
      mode: body.mode,
      fundAccountNo: body.fundAccountNo,
      currency: body.currency,
      bankCode: body.bankCode,
      ...(body.bankAccount
        ? { bankAccountNo: body.bankAccount.bankAccountNo, bankPassword: this.sealer.seal(body.bankAccount.bankPassword) }
        : {}),
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

  private refuseIncompleteIdentity(customer: Customer): void {
    const defects = identityDefects({ name: customer.name, type: customer.type, idType: customer.idType, idNumber: this.sealer.open({ sealed: customer.idNumberSealed }) });
    if (defects.length === 0) return;
    throw new DomainError('IDENTITY_INCOMPLETE', `customer ${customer.customerNo}: ${defects.map((d) => d.detail).join('; ')} (the clean-up report lists it)`);
  }

  /** domain.md §13: each of a customer's fund accounts is at a different bank. */
  private async refuseSecondAccountAtBank(manager: EntityManager, account: FundAccount, bankCode: string): Promise<void> {
    const other = await this.relationships.otherFundAccountAtBank(manager, account.customerNo, bankCode, account.fundAccountNo);
    if (other) throw new DomainError('BANK_ALREADY_USED', `customer ${account.customerNo} already holds fund account ${other} at bank ${bankCode}`);
  }

  /**
   * Applies the saga's verdict; a repeat (redelivery) finds the relationship no longer PENDING and changes nothing.
   * A designation is recorded as the day's 11001 (a pre-designation as its 11002) for the files of its business
   * date; a resolution from before it carried one (a message in flight across the upgrade) counts on the day it is
   * applied, China time. A refusal is journaled too, as a failed request of whoever asked, for the fund account's
   * history; no day file lists it.
   */
  async resolve(manager: EntityManager, resolution: Resolution): Promise<void> {
    const relationship = await manager.findOne(CustodyRelationship, { where: { id: resolution.relationshipId }, lock: { mode: 'pessimistic_write' } });
    if (!relationship || relationship.status !== 'PENDING') return;
    const journaled = {
      relationshipId: relationship.id,
      bankCode: relationship.bankCode,
      businessDate: resolution.businessDate ?? this.calendar.today(),
      functionCode: openingFunctionOf(relationship),
      initiator: 'S' as const,
      requestedBy: relationship.requestedBy,
      brokerSerialNo: relationship.serialNo,
      bankSerialNo: resolution.bankSerialNo ?? null,
      amount: resolution.openingBalance ?? null,
    };
    if (resolution.status !== 'FAILED') {
      relationship.status = resolution.status;
      relationship.custodyAccountNo = resolution.custodyAccountNo ?? null;
      await manager.save(relationship);
      await this.functions.record(manager, {
        ...journaled,
        custodyAccountNo: relationship.custodyAccountNo,
        bankAccountNo: relationship.bankAccountNo,
        statusAfter: resolution.status,
      });
    } else {
      relationship.status = 'FAILED';
      relationship.failureCode = resolution.failure?.code ?? 'BANK_REJECTED';
      relationship.bankReturnCode = resolution.failure?.bankReturnCode ?? null;
      relationship.failureMessage = resolution.failure?.message ?? null;
      await manager.save(relationship);
      await this.functions.recordFailure(manager, {
        ...journaled,
        custodyAccountNo: null,
        bankAccountNo: relationship.bankAccountNo,
        statusAfter: null,
        failure: {
          code: relationship.failureCode,
          ...(relationship.bankReturnCode ? { bankReturnCode: relationship.bankReturnCode } : {}),
          ...(relationship.failureMessage ? { message: relationship.failureMessage } : {}),
        },
      });
    }
    this.settled.announce(manager, relationship.id);
  }

  async find(relationshipId: string): Promise<CustodyRelationship> {
    return this.dataSource.getRepository(CustodyRelationship).findOneByOrFail({ id: relationshipId });
  }
}
