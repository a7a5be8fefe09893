import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { customerRenamed } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DomainError, SecretSealer } from '@custody/service-kit';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { Customer } from './customer.entity';
import type { CustomerView, PutCustomerBody } from './customer.dto';

export function maskIdNumber(tail: string): string {
  return `************${tail}`;
}

export function customerView(c: Customer): CustomerView {
  return {
    customerNo: c.customerNo,
    name: c.name,
    type: c.type,
    idType: c.idType,
    idNumberMasked: maskIdNumber(c.idNumberTail),
    phone: c.phone ?? undefined,
    address: c.address ?? undefined,
    email: c.email ?? undefined,
  };
}

@Injectable()
export class CustomerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: SecretSealer,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Creates or replaces a customer's data. Propagating a change to every bank holding a relationship
   * (F-3.5, 11005) arrives with the account-functions issue; until then a change is local only.
   */
  async put(customerNo: string, body: PutCustomerBody): Promise<{ created: boolean; customer: CustomerView }> {
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.findOne(Customer, { where: { customerNo }, lock: { mode: 'pessimistic_write' } });
      const renamed = existing !== null && existing.name !== body.name;
      const customer = existing ?? manager.create(Customer, { customerNo, fundPasswordHash: null });
      customer.name = body.name;
      customer.type = body.type;
      customer.idType = body.idType;
      customer.idNumberSealed = this.sealer.seal(body.idNumber).sealed;
      customer.idNumberTail = body.idNumber.slice(-4);
      customer.phone = body.phone ?? null;
      customer.address = body.address ?? null;
      customer.email = body.email ?? null;
      await manager.save(customer);
      if (renamed) await this.announceRename(manager, customer);
      return { created: !existing, customer: customerView(customer) };
    });
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
    return customerView(customer);
  }
}
