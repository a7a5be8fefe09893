import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { customerRenamed } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DomainError, SecretSealer } from '@custody/service-kit';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { Customer } from './customer.entity';
import { type CustomerData, customerDataChanges } from './customer-data-changes';
import { CustomerDataPropagation, type PropagationView } from './customer-data-propagation';
import type { CustomerView, PutCustomerBody } from './customer.dto';
import { FUND_PASSWORD_MAX_FAILURES } from './fund-password';

export function maskIdNumber(tail: string): string {
  return `************${tail}`;
}

export function customerView(c: Customer, propagation: PropagationView[]): CustomerView {
  return {
    customerNo: c.customerNo,
    name: c.name,
    type: c.type,
    idType: c.idType,
    idNumberMasked: maskIdNumber(c.idNumberTail),
    phone: c.phone ?? undefined,
    address: c.address ?? undefined,
    email: c.email ?? undefined,
    propagation,
  };
}

@Injectable()
export class CustomerService {
  private readonly logger = new Logger(CustomerService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: SecretSealer,
    private readonly outbox: Outbox,
    private readonly propagation: CustomerDataPropagation,
  ) {}

  /**
   * Creates or replaces a customer's data. A change of an existing customer is the broker's record at once and goes to
   * every bank holding a relationship of the customer (F-3.5 S, `CustomerDataPropagation`); a `PUT` that changes
   * nothing sends it again to the banks that refused it.
   *
   * domain.md F-3.5: "ID number changes require re-verification". The fund password was set by the holder of the old
   * document; after the ID document changes it authorises nothing (locked, as after too many wrong passwords) until
   * the customer sets it again at a branch, in person with the new document (`PUT …/fund-password` lifts the lock).
   * `requestedBy`: the caller's principal, which each 11005 sent carries.
   */
  async put(customerNo: string, body: PutCustomerBody, requestedBy: string): Promise<{ created: boolean; customer: CustomerView }> {
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOne(Customer, { where: { customerNo }, lock: { mode: 'pessimistic_write' } });
      const before = existing && this.dataOf(existing);
      const customer = existing ?? manager.create(Customer, { customerNo, fundPasswordHash: null });
      customer.name = body.name;
      customer.type = body.type;
      customer.idType = body.idType;
      customer.idNumberSealed = this.sealer.seal(body.idNumber).sealed;
      customer.idNumberTail = body.idNumber.slice(-4);
      customer.phone = body.phone ?? null;
      customer.address = body.address ?? null;
      customer.email = body.email ?? null;
      const changes = before ? customerDataChanges(before, { ...body, phone: customer.phone, address: customer.address, email: customer.email }) : [];
      if (changes.includes('idDocument') && customer.fundPasswordHash !== null) {
        customer.fundPasswordFailures = FUND_PASSWORD_MAX_FAILURES;
        this.logger.warn({ customerNo }, 'ID document changed: the fund password is locked until the customer sets it again at a branch (F-3.5 re-verification)');
      }
      await manager.save(customer);
      if (changes.includes('name')) await this.announceRename(manager, customer);
      if (existing) {
        const sent = await this.propagation.propagate(manager, customer, { changed: changes.length > 0, requestedBy });
        // Which fields, never their values.
        if (sent.length > 0) this.logger.log({ customerNo, changed: changes, banks: sent.map((t) => t.bankCode) }, 'customer data sent to the banks (11005)');
      }
      return { created: !existing, customer: customerView(customer, await this.propagation.viewOf(manager, customerNo)) };
    });
  }

  private dataOf(customer: Customer): CustomerData {
    return {
      name: customer.name,
      type: customer.type,
      idType: customer.idType,
      idNumber: this.sealer.open({ sealed: customer.idNumberSealed }),
      phone: customer.phone,
      address: customer.address,
      email: customer.email,
    };
  }

  /**
   * The transfer service keeps the name per fund account for its day files: one event per account, keyed like the
   * account's `fund-account.opened`. Under the customer's row lock, which opening a fund account takes too, so an
   * account opened meanwhile either carries the new name or has its opening published before this. Also for a name a
   * bank changed (F-3.5 B, CustomerDataChangeService).
   */
  async announceRename(manager: EntityManager, customer: Customer): Promise<void> {
    const accounts = await manager.find(FundAccount, { where: { customerNo: customer.customerNo }, order: { fundAccountNo: 'ASC' } });
    // One per number: the transfer service renames every currency's ledger of it at once.
    for (const fundAccountNo of new Set(accounts.map((account) => account.fundAccountNo))) {
      await this.outbox.add(manager, customerRenamed, { customerNo: customer.customerNo, fundAccountNo, customerName: customer.name }, { key: fundAccountNo });
    }
  }

  async get(customerNo: string): Promise<CustomerView> {
    const customer = await this.dataSource.getRepository(Customer).findOneBy({ customerNo });
    if (!customer) throw new DomainError('NOT_FOUND', `customer ${customerNo} does not exist`);
    return customerView(customer, await this.propagation.viewOf(this.dataSource.manager, customerNo));
  }
}
