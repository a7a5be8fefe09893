import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CustodyFunctionResolution } from '@custody/contracts';
import { Money } from '@custody/money';
import { BusinessCalendar, nextSerialNo } from '@custody/service-kit';
import { AccountFunctionRepository } from '../custody/account-function.repository';
import type { CustodyFunctionRequest } from '../custody/custody-function-request.entity';
import { CustodyFunctionRequests } from '../custody/custody-function-requests';
import { CustodyRelationship } from '../custody/custody-relationship.entity';
import { Customer } from './customer.entity';
import { CustomerDataPropagations, type PropagationRow, type PropagationTarget } from './customer-data-propagations';

export interface PropagationOptions {
  /**
   * The customer's data changed in this transaction: every bank is told (its version goes up). Otherwise only the banks
   * whose last 11005 failed are sent the data again — how an operator sends it again once the cause is cleared.
   */
  readonly changed: boolean;
  /** A bank that has the data already: the one whose own 11005 made the change (F-3.5 B, CustomerDataChangeService). */
  readonly exceptBankCode?: string;
  /**
   * Who asked (the request's journal names them): the principal of the `PUT /v1/customers` caller, or the bank whose
   * own 11005 made the change (`bank:{bankCode}`, F-3.5 B).
   */
  readonly requestedBy: string;
}

/** The last 11005 to a bank for a fund account, as `GET /v1/customers/{no}` shows it (`propagation`). */
export interface PropagationView {
  fundAccountNo: string;
  bankCode: string;
  serialNo: string;
  status: PropagationRow['status'];
  requestedAt: string;
  answeredAt?: string;
  failure?: { code: string; bankReturnCode?: string; message?: string };
}

/**
 * F-3.5 S (domain.md §3 and §13, profile §4.1 "11005"): key customer data is the same at every bank holding a
 * relationship of the customer, and the broker's record prevails (Appendix A: 客户信息变更以证券方为准). So a change is
 * made at once on the broker's record, in the caller's transaction, which also sends an 11005 for each of the
 * customer's fund accounts to each bank holding its relationship — one custody function per (fund account, bank),
 * resent with the same serial until the bank answers definitely (it changes the bank's books).
 *
 * One 11005 at a time per (fund account, bank): a change made while one is in flight is sent when that one is
 * answered (`answered`), with the data as it is then, so the last data a bank takes is the newest. A bank's refusal
 * changes nothing here; it is kept on the request, shown in the customer's view and logged for an operator, and a
 * `PUT` of the customer, even an unchanged one, sends the data again to every bank that refused it.
 */
@Injectable()
export class CustomerDataPropagation {
  private readonly logger = new Logger(CustomerDataPropagation.name);

  constructor(
    private readonly calendar: BusinessCalendar,
    private readonly requests: CustodyFunctionRequests,
    private readonly propagations: CustomerDataPropagations,
    private readonly functions: AccountFunctionRepository,
  ) {}

  /**
   * Tells the banks of `customer`, locked and saved by the caller with its new data (a changed customer's
   * `dataVersion` goes up here). Returns the banks sent an 11005 now.
   */
  async propagate(manager: EntityManager, customer: Customer, options: PropagationOptions): Promise<PropagationTarget[]> {
    if (options.changed) {
      customer.dataVersion += 1;
      await manager.update(Customer, { customerNo: customer.customerNo }, { dataVersion: customer.dataVersion });
    }
    const sent: PropagationTarget[] = [];
    for (const target of await this.propagations.targets(manager, customer.customerNo, options.exceptBankCode)) {
      // The one in flight is followed by the newest data once it is answered.
      if (target.last === 'PENDING') continue;
      if (!options.changed && target.last !== 'FAILED') continue;
      await this.send(manager, customer, target, options.requestedBy);
      sent.push(target);
    }
    return sent;
  }

  /**
   * A bank's verdict on an 11005, after the ledger handed it on: a change taken is the day's 11005 (CHK03, 金额 0); a
   * refusal is logged for an operator. Either way, data changed since it was sent goes to that bank now.
   */
  async answered(manager: EntityManager, request: CustodyFunctionRequest, verdict: CustodyFunctionResolution): Promise<void> {
    const sent = await this.propagations.of(manager, request.id);
    // Never the customer's data: whose record, which bank, which answer.
    const log = { customerNo: sent.customerNo, fundAccountNo: request.fundAccountNo, bankCode: request.bankCode, serialNo: request.serialNo, dataVersion: sent.dataVersion };
    if (verdict.status === 'SUCCEEDED') {
      await this.record(manager, request, verdict);
      this.logger.log(log, 'customer data change taken by the bank (11005)');
    } else {
      this.logger.warn(
        { ...log, failureCode: verdict.failure?.code, bankReturnCode: verdict.failure?.bankReturnCode, reason: verdict.failure?.message },
        'the bank did not take the customer data change: the broker’s record stands and the bank keeps its old data; once the cause is cleared, PUT the customer again to send it again',
      );
    }
    // Under the customer's lock, which a change of the data takes too: a change committed before this reads is seen here,
    // and one committed after it finds this answer given and sends for itself.
    const customer = await manager.findOne(Customer, { where: { customerNo: sent.customerNo }, lock: { mode: 'pessimistic_write' } });
    if (!customer || customer.dataVersion <= sent.dataVersion) return;
    const target = (await this.propagations.targets(manager, customer.customerNo)).find((t) => t.fundAccountNo === request.fundAccountNo && t.bankCode === request.bankCode);
    // The newer data is sent on behalf of whoever asked for the 11005 answered now.
    if (target) await this.send(manager, customer, target, request.requestedBy);
  }

  /** The last 11005 to each bank for each of the customer's fund accounts. */
  async viewOf(manager: EntityManager, customerNo: string): Promise<PropagationView[]> {
    return (await this.propagations.lastOf(manager, customerNo)).map((row) => ({
      fundAccountNo: row.fundAccountNo,
      bankCode: row.bankCode,
      serialNo: row.serialNo,
      status: row.status,
      requestedAt: row.requestedAt.toISOString(),
      ...(row.answeredAt ? { answeredAt: row.answeredAt.toISOString() } : {}),
      ...(row.failureCode
        ? { failure: { code: row.failureCode, ...(row.bankReturnCode ? { bankReturnCode: row.bankReturnCode } : {}), ...(row.failureMessage ? { message: row.failureMessage } : {}) } }
        : {}),
    }));
  }

  /**
   * One 11005: the full name and ID document (the ID number as account keeps it, sealed) and the contact data the
   * customer has — a bank that missed an earlier change catches up, and a value it has already is set again
   * (§5.7.4 c: every element present is the new value). A contact field erased here cannot be erased at the bank:
   * the message has no way to say "none".
   */
  private async send(manager: EntityManager, customer: Customer, target: PropagationTarget, requestedBy: string | null): Promise<void> {
    const serialNo = await nextSerialNo(manager, 'account.serial_seq', 'account', this.calendar.today());
    const functionId = await this.requests.send(
      manager,
      {
        function: 'CHANGE_CUSTOMER',
        serialNo,
        bankCode: target.bankCode,
        fundAccountNo: target.fundAccountNo,
        currency: target.currency,
        customer: {
          name: customer.name,
          type: customer.type,
          idType: customer.idType,
          idNumber: { sealed: customer.idNumberSealed },
          ...(customer.phone === null ? {} : { phone: customer.phone }),
          ...(customer.address === null ? {} : { address: customer.address }),
          ...(customer.email === null ? {} : { email: customer.email }),
        },
      },
      { relationshipId: target.relationshipId, requestedBy },
    );
    await this.propagations.record(manager, functionId, customer.customerNo, customer.dataVersion);
  }

  /** The day's 11005 on the relationship the request named, as the bank lists it (one record, 金额 0). */
  private async record(manager: EntityManager, request: CustodyFunctionRequest, verdict: CustodyFunctionResolution): Promise<void> {
    const relationship = await manager.findOneByOrFail(CustodyRelationship, { id: request.relationshipId });
    // A data change leaves the custody state as it is; a relationship that ended meanwhile still had it taken by the bank.
    if (relationship.status !== 'DESIGNATED' && relationship.status !== 'PRE_DESIGNATED' && relationship.status !== 'CANCELLED') {
      throw new Error(`11005 ${request.serialNo} was sent for relationship ${relationship.id}, which is ${relationship.status}`);
    }
    await this.functions.record(manager, {
      relationshipId: relationship.id,
      bankCode: relationship.bankCode,
      businessDate: verdict.businessDate,
      functionCode: '11005',
      initiator: 'S',
      requestedBy: request.requestedBy,
      brokerSerialNo: request.serialNo,
      bankSerialNo: verdict.bankSerialNo ?? null,
      custodyAccountNo: relationship.custodyAccountNo,
      bankAccountNo: relationship.bankAccountNo,
      // CHK03's 金额 of an 11005 is 0 (bank-protocol.md §5): no money moves.
      amount: Money.zero(),
      statusAfter: relationship.status,
    });
  }
}
