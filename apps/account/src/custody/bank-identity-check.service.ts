import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { bankAccountRequestReceived } from '@custody/contracts';
import { SecretSealer } from '@custody/service-kit';
import { fundAccountHolder } from '../customers/fund-account-holder';
import { BankRequestAnswers } from './bank-request-answers';
import { IDENTITY_CHECK_CODES, type IdentityCheckRequest, identityCheckVerdict } from './identity-check-decisions';

/** The idempotency scope of the bank's 11007s (per bank). */
const SCOPE = 'bank-identity-check';

type IdentityCheckMessage = Extract<z.infer<typeof bankAccountRequestReceived.schema>, { function: 'CHECK_IDENTITY' }>;

/**
 * F-3.11 B (11007): the bank asks whether the customer it identified at its counter is our fund account's customer.
 * Account decides (identity-check-decisions.ts) and answers through `bank.reply-ready`; nothing else changes — the
 * check is no account function of the day files (CHK03 lists 11001–11006, 11010, 11011) and no change of a
 * relationship, so it is not journaled.
 *
 * Keyed by the bank's serial as the other account requests are: a repeat gets the first answer (the fund password
 * was judged once for it, by the adapter's attempt `{bankCode}:{serial}`); the serial with other content is refused 2004.
 */
@Injectable()
export class BankIdentityCheckService {
  private readonly logger = new Logger(BankIdentityCheckService.name);

  constructor(
    private readonly answers: BankRequestAnswers,
    private readonly sealer: SecretSealer,
  ) {}

  async handle(manager: EntityManager, message: IdentityCheckMessage): Promise<void> {
    const request: IdentityCheckRequest = {
      fundAccountNo: message.fundAccountNo,
      customer: { name: message.customer.name, idType: message.customer.idType, idNumber: this.sealer.open(message.customer.idNumber) },
      ...(message.fundPassword === undefined ? {} : { fundPassword: message.fundPassword }),
    };
    // Never the name, ID number or password verdict: the log says which request and what was answered.
    const log = { bankCode: message.bankCode, serialNo: message.serialNo, fundAccountNo: message.fundAccountNo };
    const claim = await this.answers.claim(manager, SCOPE, message, {
      fundAccountNo: message.fundAccountNo,
      bankAccountNo: message.bankAccountNo,
      currency: message.currency,
      customer: request.customer,
    });
    if (claim.kind === 'reused') {
      this.logger.warn(log, 'bank serial reused for a different 11007; refused as a duplicate serial');
      return this.answers.reply(manager, message, IDENTITY_CHECK_CODES.DUPLICATE_BANK_SERIAL);
    }
    if (claim.kind === 'repeat') return this.answers.reply(manager, message, claim.firstAnswer);

    const verdict = identityCheckVerdict(request, { holder: await fundAccountHolder(manager, this.sealer, request.fundAccountNo) });
    await this.answers.settle(manager, SCOPE, message, verdict.code);
    if (verdict.code === IDENTITY_CHECK_CODES.MATCHED) this.logger.log(log, 'bank identity check: the customer is ours');
    else this.logger.warn({ ...log, returnCode: verdict.code, why: verdict.why }, 'bank identity check: not our customer as presented');
    await this.answers.reply(manager, message, verdict.code);
  }
}
