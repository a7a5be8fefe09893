import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { fundAccountOpened, type RelationshipAccountStatus } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DomainError, IdempotencyStore, isUniqueViolation } from '@custody/service-kit';
import { Customer } from '../customers/customer.entity';
import { AccountFunctionRepository } from '../custody/account-function.repository';
import { ACTIVE_STATUSES, CustodyRelationship } from '../custody/custody-relationship.entity';
import { type FailedRequest, fundAccountJournal, type HistoryEntry } from '../custody/relationship-history';
import { FundAccount } from './fund-account.entity';
import { PrimaryChange } from './primary-change.entity';
import type { OpenFundAccountBody } from './fund-account.dto';
import { assertCurrencyOpening, assertOpeningAllowed } from './fund-account-rules';

export interface FundAccountView {
  fundAccountNo: string;
  customerNo: string;
  /** The currency the fund account was first opened in. */
  currency: string;
  /** Every currency it is opened in, in the order they were opened (api.md: a number may hold several). */
  currencies: string[];
  role: string;
  branchId: string;
  /** Each with its account status (11011) and its history: the account functions that changed it, oldest first. */
  relationships: Array<RelationshipView & { accountStatus: RelationshipAccountStatus; history: readonly HistoryEntry[] }>;
  /** The broker's requests the bank refused or never received (they changed nothing), oldest first. */
  failedRequests: readonly FailedRequest[];
}

export type RelationshipView = ReturnType<typeof relationshipView>;

@Injectable()
export class FundAccountService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly outbox: Outbox,
    private readonly functions: AccountFunctionRepository,
  ) {}

  async open(body: OpenFundAccountBody): Promise<FundAccountView> {
    try {
      const fundAccountNo = await this.dataSource.transaction((manager) => this.openIn(manager, body));
      return this.get(fundAccountNo);
    } catch (e) {
      // Twins of one request replay through the idempotency claim; this is another request opening the
      // same number and currency for another customer at the same moment (the customer lock does not serialise those).
      // (A second primary never reaches the one-primary index: the customer's openings queue on its lock, and
      // assertOpeningAllowed refuses PRIMARY_EXISTS.)
      if (isUniqueViolation(e)) throw new DomainError('ALREADY_EXISTS', `fund account ${body.fundAccountNo} is already opened in ${body.currency}`);
      throw e;
    }
  }

  private async openIn(manager: EntityManager, body: OpenFundAccountBody): Promise<string> {
    // The key first, so a concurrent twin replays this account instead of meeting it as ALREADY_EXISTS.
    const { replayOf } = await this.idempotency.claim(manager, 'fund-account', body.requestId, body);
    if (replayOf) return replayOf;
    const customer = await manager.findOne(Customer, { where: { customerNo: body.customerNo }, lock: { mode: 'pessimistic_write' } });
    if (!customer) throw new DomainError('NOT_FOUND', `customer ${body.customerNo} does not exist`);
    // Under the customer's lock, which a change of primary is requested under too.
    const pending = await manager.findOneBy(PrimaryChange, { customerNo: body.customerNo, status: 'PENDING' });
    assertCurrencyOpening(await manager.findBy(FundAccount, { fundAccountNo: body.fundAccountNo }), body, pending);
    assertOpeningAllowed(await manager.findBy(FundAccount, { customerNo: body.customerNo }), body);
    await manager.insert(FundAccount, {
      fundAccountNo: body.fundAccountNo,
      customerNo: body.customerNo,
      currency: body.currency,
      role: body.role,
      branchId: body.branchId,
    });
    await this.idempotency.complete(manager, 'fund-account', body.requestId, body.fundAccountNo);
    await this.outbox.add(manager, fundAccountOpened, {
      fundAccountNo: body.fundAccountNo,
      customerNo: body.customerNo,
      currency: body.currency,
      role: body.role,
      // For the day files the ledger's owner writes (客户名称, 证券机构分支号); a later rename is `customer.renamed`.
      customerName: customer.name,
      branchId: body.branchId,
    }, { key: body.fundAccountNo });
    return body.fundAccountNo;
  }

  async get(fundAccountNo: string): Promise<FundAccountView> {
    // One snapshot: a relationship and its journal as one moment left them.
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const currencies = await manager.find(FundAccount, { where: { fundAccountNo }, order: { createdAt: 'ASC', currency: 'ASC' } });
      const [account] = currencies;
      if (!account) throw new DomainError('NOT_FOUND', `fund account ${fundAccountNo} does not exist`);
      const relationships = await manager.find(CustodyRelationship, {
        where: { fundAccountNo, status: In([...ACTIVE_STATUSES, 'CANCELLED']) },
        order: { createdAt: 'ASC' },
      });
      const { histories, failedRequests } = fundAccountJournal(await this.functions.journalOf(manager, fundAccountNo));
      return {
        fundAccountNo: account.fundAccountNo,
        customerNo: account.customerNo,
        currency: account.currency,
        currencies: currencies.map((a) => a.currency),
        role: account.role,
        branchId: account.branchId,
        relationships: relationships.map((r) => ({ ...relationshipView(r), accountStatus: r.accountStatus, history: histories.get(r.id) ?? [] })),
        failedRequests,
      };
    });
  }
}

export function relationshipView(r: CustodyRelationship) {
  return {
    fundAccountNo: r.fundAccountNo,
    currency: r.currency,
    bankCode: r.bankCode,
    bankAccountNo: r.bankAccountNo ?? undefined,
    custodyAccountNo: r.custodyAccountNo ?? undefined,
    status: r.status,
    // F-12.3: the DORMANT flag beside the state, present only while it is set.
    ...(r.dormantSince === null ? {} : { dormant: true, dormantSince: r.dormantSince }),
  };
}
