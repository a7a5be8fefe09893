import type { EntityManager } from 'typeorm';
import type { SecretSealer } from '@custody/service-kit';
import type { Identity } from '../custody/identity-rules';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { Customer } from './customer.entity';

/** The identity of a fund account's customer as we hold it (the ID number opened from its seal), for F-3.11's comparison; undefined for no such fund account. */
export async function fundAccountHolder(manager: EntityManager, sealer: SecretSealer, fundAccountNo: string): Promise<Identity | undefined> {
  if (!fundAccountNo) return undefined;
  const account = await manager.findOneBy(FundAccount, { fundAccountNo });
  const customer = account && (await manager.findOneBy(Customer, { customerNo: account.customerNo }));
  if (!customer) return undefined;
  return { name: customer.name, idType: customer.idType, idNumber: sealer.open({ sealed: customer.idNumberSealed }) };
}
