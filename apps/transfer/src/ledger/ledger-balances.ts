import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money } from '@custody/money';
import { DomainError } from '@custody/service-kit';
import { LedgerAccount } from './ledger-account.entity';
import { balanceView, type BalanceView } from './ledger-rules';

/** A fund account's balances, one a currency, as every edge shows them (HTTP's balances, gRPC's Ledger.GetBalances). */
@Injectable()
export class LedgerBalances {
  constructor(private readonly dataSource: DataSource) {}

  async of(fundAccountNo: string): Promise<BalanceView[]> {
    const accounts = await this.dataSource.getRepository(LedgerAccount).find({ where: { fundAccountNo }, order: { currency: 'ASC' } });
    if (accounts.length === 0) throw new DomainError('NOT_FOUND', `fund account ${fundAccountNo} has no ledger`);
    return accounts.map((a) => balanceView(a.currency, { balance: Money.fromDb(a.balance), held: Money.fromDb(a.held) }));
  }
}
