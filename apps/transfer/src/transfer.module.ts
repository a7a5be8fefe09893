import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, loggingModule, platformProviders, SettledNotifications, type ServiceContext } from '@custody/service-kit';
import { HoldsController } from './holds/holds.controller';
import { HoldsService } from './holds/holds.service';
import { BankInitiatedTransferService } from './inbound/bank-initiated-transfer.service';
import { InternalTransferService } from './internal/internal-transfer.service';
import { BalancesController } from './ledger/balances.controller';
import { LedgerRepository } from './ledger/ledger.repository';
import { CustodyProjection } from './projections/custody-projection';
import { TransferQueryService } from './transfers/transfer-query.service';
import { TransferService } from './transfers/transfer.service';
import { TransfersController } from './transfers/transfers.controller';

@Module({})
export class TransferModule {
  static register(ctx: ServiceContext): DynamicModule {
    return {
      module: TransferModule,
      imports: [loggingModule(ctx.name), TerminusModule],
      controllers: [HealthController, BalancesController, HoldsController, TransfersController],
      providers: [
        ...platformProviders(ctx),
        { provide: SettledNotifications, useValue: new SettledNotifications(ctx.env.databaseUrl, 'transfer_settled') },
        LedgerRepository, HoldsService, TransferService, InternalTransferService, TransferQueryService, BankInitiatedTransferService, CustodyProjection],
    };
  }
}
