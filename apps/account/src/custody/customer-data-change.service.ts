import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { type bankAccountRequestReceived, customerDataChanged } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { CURRENCIES, Money } from '@custody/money';
import { SecretSealer } from '@custody/service-kit';
import { Customer } from '../customers/customer.entity';
import { CustomerService } from '../customers/customer.service';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { BankDays } from '../day/bank-days';
import { AccountFunctionRepository } from './account-function.repository';
import { BankRequestAnswers } from './bank-request-answers';
import {
  CUSTOMER_DATA_CHANGE_CODES,
  type CustomerData,
  type CustomerDataChangeRequest,
  type CustomerDataChanges,
  customerDataChanges,
  customerDataChangeVerdict,
} from './customer-data-change-decisions';
import { ACTIVE_STATUSES, CustodyRelationship } from './custody-relationship.entity';

/** The idempotency scope of the bank's 11005s (per bank). */
const SCOPE = 'bank-customer-change';

type AccountRequest = Extract<z.infer<typeof bankAccountRequestReceived.schema>, { function: 'CHANGE_CUSTOMER' }>;

/**
 * F-3.5 B: the customer changes their data at the bank's counter (11005, every currency of the fund account). Account
 * decides (customer-data-change-decisions.ts) and, on acceptance, in one transaction: sets the customer's name and
 * contact data, records the day's 11005 (CHK03, 金额 0), tells the transfer service a new name (`customer.renamed`,
 * its day files' 客户名称), emits `customer.data-changed` naming every other bank holding a relationship of the
 * customer (domain.md §13: they are told by the broker's own 11005), and answers the bank 0000 — nothing of the ledger
 * changes, so account answers itself. A refusal changes nothing.
 *
 * Keyed by the bank's serial as ConfirmationService is: a repeat gets the first answer; the serial with other content
 * is refused 2004.
 */
@Injectable()
export class CustomerDataChangeService {
  private readonly logger = new Logger(CustomerDataChangeService.name);

  constructor(
    private readonly answers: BankRequestAnswers,
    private readonly outbox: Outbox,
    private readonly sealer: SecretSealer,
    private readonly functions: AccountFunctionRepository,
    private readonly days: BankDays,
    private readonly customers: CustomerService,
  ) {}

  async handle(manager: EntityManager, message: AccountRequest): Promise<void> {
    const request: CustomerDataChangeRequest = {
      fundAccountNo: message.fundAccountNo,
      customer: { ...message.customer, idNumber: this.sealer.open(message.customer.idNumber) },
    };
    // Never the customer's data: the log says whose record and which fields, not what they hold.
    const log = { bankCode: message.bankCode, serialNo: message.serialNo, fundAccountNo: message.fundAccountNo };
    const claim = await this.answers.claim(manager, SCOPE, message, request);
    if (claim.kind === 'reused') {
      this.logger.warn(log, 'bank serial reused for a different 11005; refused as a duplicate serial, nothing changed');
      return this.answers.reply(manager, message, CUSTOMER_DATA_CHANGE_CODES.DUPLICATE_BANK_SERIAL);
    }
    // Account answers an 11005 itself: a repeat is its first answer again, and nothing is changed or told twice.
    if (claim.kind === 'repeat') return this.answers.reply(manager, message, claim.firstAnswer);

    const customer = await this.lockedHolderOf(manager, request.fundAccountNo);
    const linked = customer ? await this.linkedHere(manager, request.fundAccountNo, message.bankCode) : [];
    const holder = customer && this.dataOf(customer);
    const verdict = customerDataChangeVerdict(request, { holder, linkedHere: linked.length > 0 });
    await this.answers.settle(manager, SCOPE, message, verdict.code);
    if (verdict.code !== CUSTOMER_DATA_CHANGE_CODES.CHANGED) {
      this.logger.warn({ ...log, returnCode: verdict.code, why: verdict.why }, 'customer data change from the bank refused; nothing changed');
      return this.answers.reply(manager, message, verdict.code);
    }
    // The verdict accepts only a customer we hold, with a relationship at this bank.
    if (!customer || !holder || linked.length === 0) throw new Error(`11005 ${message.serialNo} accepted without its customer or relationship`);
    const changes = customerDataChanges(holder, request.customer);
    await this.apply(manager, customer, changes);
    await this.record(manager, message, linked[0]);
    // Data the customer had already is nothing to tell the other banks.
    const banksToTell = Object.keys(changes).length === 0 ? [] : await this.tell(manager, message, customer);
    this.logger.log({ ...log, changed: Object.keys(changes), banksToTell: banksToTell.map((bank) => bank.bankCode) }, 'customer data changed by the bank');
    await this.answers.reply(manager, message, CUSTOMER_DATA_CHANGE_CODES.CHANGED);
  }

  /** Under the customer's row lock, which a `PUT /v1/customers` and an account opening take too. */
  private async lockedHolderOf(manager: EntityManager, fundAccountNo: string): Promise<Customer | undefined> {
    if (!fundAccountNo) return undefined;
    const account = await manager.findOneBy(FundAccount, { fundAccountNo });
    if (!account) return undefined;
    return (await manager.findOne(Customer, { where: { customerNo: account.customerNo }, lock: { mode: 'pessimistic_write' } })) ?? undefined;
  }

  /** The fund account's relationships at the bank that holds the customer's data (pre-designated or designated), first currency first. */
  private async linkedHere(manager: EntityManager, fundAccountNo: string, bankCode: string): Promise<CustodyRelationship[]> {
    const relationships = await manager.findBy(CustodyRelationship, { fundAccountNo, bankCode, status: In(['PRE_DESIGNATED', 'DESIGNATED']) });
    return relationships.sort((a, b) => CURRENCIES.indexOf(a.currency) - CURRENCIES.indexOf(b.currency));
  }

  private dataOf(customer: Customer): CustomerData {
    return {
      name: customer.name,
      idType: customer.idType,
      idNumber: this.sealer.open({ sealed: customer.idNumberSealed }),
      phone: customer.phone,
      address: customer.address,
      email: customer.email,
    };
  }

  private async apply(manager: EntityManager, customer: Customer, changes: CustomerDataChanges): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    const renamed = changes.name !== undefined;
    Object.assign(customer, changes);
    await manager.save(customer);
    if (renamed) await this.customers.announceRename(manager, customer);
  }

  /**
   * CHK03 lists one record per function (matched by the bank's serial), though an 11005 applies to every currency:
   * it is recorded once, on the relationship in the first currency of `CURRENCIES` (CNY first), as the bank lists it.
   */
  private async record(manager: EntityManager, message: AccountRequest, relationship: CustodyRelationship): Promise<void> {
    await this.functions.record(manager, {
      relationshipId: relationship.id,
      bankCode: relationship.bankCode,
      // The bank's day (or the next, after its 13011), as the bank's own CHK03 lists it.
      businessDate: await this.days.dateOfBankFunction(manager, message.bankCode, message.businessDate),
      functionCode: '11005',
      initiator: 'B',
      brokerSerialNo: null,
      bankSerialNo: message.serialNo,
      custodyAccountNo: relationship.custodyAccountNo,
      bankAccountNo: relationship.bankAccountNo,
      // CHK03's 金额 of an 11005 is 0 (bank-protocol.md §5): no money moves.
      amount: Money.zero(),
      // A data change leaves the custody state as it is.
      statusAfter: relationship.status === 'PRE_DESIGNATED' ? 'PRE_DESIGNATED' : 'DESIGNATED',
    });
  }

  /**
   * domain.md §13, F-3.5: key customer data is the same at every bank, so every other bank holding a relationship of
   * the customer (any of their fund accounts, a designation still in flight included: that bank has the old data from
   * its 11001) is to be told, by the broker's own 11005 S. That direction is not built yet: the event names the change
   * and the banks durably, for it to consume.
   */
  private async tell(manager: EntityManager, message: AccountRequest, customer: Customer): Promise<Array<{ bankCode: string; fundAccountNo: string }>> {
    const rows: Array<{ bank_code: string; fund_account_no: string }> = await manager.query(
      `SELECT DISTINCT r.bank_code, r.fund_account_no
         FROM account.custody_relationships r
         JOIN account.fund_accounts a ON a.fund_account_no = r.fund_account_no AND a.currency = r.currency
        WHERE a.customer_no = $1 AND r.status = ANY($2) AND r.bank_code <> $3
        ORDER BY r.bank_code, r.fund_account_no`,
      [customer.customerNo, ACTIVE_STATUSES, message.bankCode],
    );
    const banksToTell = rows.map((row) => ({ bankCode: row.bank_code, fundAccountNo: row.fund_account_no }));
    await this.outbox.add(
      manager,
      customerDataChanged,
      {
        changeId: randomUUID(),
        customerNo: customer.customerNo,
        customer: {
          name: customer.name,
          type: customer.type,
          idType: customer.idType,
          idNumber: { sealed: customer.idNumberSealed },
          ...(customer.phone === null ? {} : { phone: customer.phone }),
          ...(customer.address === null ? {} : { address: customer.address }),
          ...(customer.email === null ? {} : { email: customer.email }),
        },
        origin: { bankCode: message.bankCode, serialNo: message.serialNo },
        banksToTell,
      },
      { key: customer.customerNo },
    );
    return banksToTell;
  }
}
