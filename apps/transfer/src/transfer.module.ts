import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PinVerifierPublicKey } from '@custody/bank-protocol';
import {
  FundPasswordVerificationClient,
  HealthController,
  loggingModule,
  platformProviders,
  readFundPinPublicKey,
  SERVICE_ROLE,
  SettledNotifications,
  signingIdentity,
  TokenSource,
  TokenVerifier,
  type ServiceContext,
} from '@custody/service-kit';
import { deriveAttemptDigestKey } from './fund-passwords/fund-password-attempt';
import { ACCOUNT_FUND_PASSWORDS, FUND_PASSWORD_ATTEMPT_DIGEST_KEY, FundPasswordGate } from './fund-passwords/fund-password.gate';
import { AdjustmentRepository } from './adjustments/adjustment.repository';
import { AdjustmentService } from './adjustments/adjustment.service';
import { AdjustmentsController } from './adjustments/adjustments.controller';
import { ManualCases } from './cases/manual-cases';
import { LedgerClosingRepository } from './closings/ledger-closing.repository';
import { LedgerClosingService } from './closings/ledger-closing.service';
import { BankDayProjection } from './day/bank-day.projection';
import { LedgerActivityRepository } from './dormancy/ledger-activity.repository';
import { LedgerDormancyService } from './dormancy/ledger-dormancy.service';
import { DayFilesController } from './day-files/day-files.controller';
import { DayFilesRepository } from './day-files/day-files.repository';
import { DayFilesService } from './day-files/day-files.service';
import { HoldsController } from './holds/holds.controller';
import { HoldsService } from './holds/holds.service';
import { BankCancellationService } from './inbound/bank-cancellation.service';
import { BankInitiatedTransferService } from './inbound/bank-initiated-transfer.service';
import { BankReversalRepository } from './inbound/bank-reversal.repository';
import { BankChangeLedger } from './closings/bank-change-ledger';
import { SettlementInstructions } from './settlement/settlement-instructions';
import { InternalTransferService } from './internal/internal-transfer.service';
import { BalancesController } from './ledger/balances.controller';
import { LedgerBalances } from './ledger/ledger-balances';
import { LedgerRepository } from './ledger/ledger.repository';
import { BankOpeningRepository } from './projections/bank-opening.repository';
import { CustodyProjection } from './projections/custody-projection';
import { PrimaryChangeService } from './roles/primary-change.service';
import { StatementRepository } from './statements/statement.repository';
import { StatementService } from './statements/statement.service';
import { StatementsController } from './statements/statements.controller';
import { TransferAdmission } from './transfers/transfer-admission';
import { TransferQueryService } from './transfers/transfer-query.service';
import { TransferRepository } from './transfers/transfer.repository';
import { TransferMetrics } from './transfers/transfer-metrics';
import { TransferRequests } from './transfers/transfer-requests';
import { TransferService } from './transfers/transfer.service';
import { TransfersController } from './transfers/transfers.controller';

@Module({})
export class TransferModule {
  static register(ctx: ServiceContext): DynamicModule {
    return {
      module: TransferModule,
      imports: [loggingModule(ctx.name), TerminusModule],
      controllers: [HealthController, BalancesController, HoldsController, TransfersController, StatementsController, AdjustmentsController, DayFilesController],
      providers: [
        ...platformProviders(ctx),
        // The gRPC edge checks bearer tokens against the same trust list as the HTTP edge's RoleGuard.
        { provide: TokenVerifier, useValue: new TokenVerifier(ctx.auth.trustedIssuers) },
        { provide: SettledNotifications, useValue: new SettledNotifications('transfer_settled', { redisUrl: ctx.env.redisUrl, namespace: ctx.namespace }) },
        ...fundPasswordProviders(ctx),
        BankDayProjection,
        LedgerRepository, LedgerClosingRepository, LedgerClosingService, BankChangeLedger, HoldsService, LedgerBalances, TransferAdmission, TransferRepository, TransferMetrics, TransferService, TransferRequests, InternalTransferService, SettlementInstructions, TransferQueryService, BankInitiatedTransferService, BankReversalRepository, BankCancellationService, CustodyProjection, PrimaryChangeService, BankOpeningRepository,
        StatementRepository, StatementService,
        ManualCases, AdjustmentRepository, AdjustmentService, DayFilesRepository, DayFilesService,
        LedgerActivityRepository, LedgerDormancyService],
    };
  }
}

/**
 * `fundPassword` on a transfer is verified by the account service (CUSTODY_ACCOUNT_URL), sent as a PIN block
 * under its public key (FUND_PIN_PUBLIC_KEY; production refuses to start without it).
 */
function fundPasswordProviders(ctx: ServiceContext): Provider[] {
  const accountServiceUrl = process.env.CUSTODY_ACCOUNT_URL;
  if (!accountServiceUrl) new Logger(ctx.name).warn('CUSTODY_ACCOUNT_URL not set: a transfer carrying fundPassword is refused FUND_PASSWORD_UNVERIFIABLE');
  // Signed as the transfer service, with the one role the verification endpoint needs; renewed before it expires.
  const client = accountServiceUrl ? new FundPasswordVerificationClient(accountServiceUrl, new TokenSource(signingIdentity(ctx.auth, ctx.name), SERVICE_ROLE).token) : null;
  return [
    { provide: PinVerifierPublicKey, useValue: new PinVerifierPublicKey(readFundPinPublicKey()) },
    { provide: ACCOUNT_FUND_PASSWORDS, useValue: client },
    { provide: FUND_PASSWORD_ATTEMPT_DIGEST_KEY, useValue: deriveAttemptDigestKey(ctx.env.secretSealingKey) },
    FundPasswordGate,
  ];
}
