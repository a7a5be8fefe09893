import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { type bankAccountRequestReceived, designationOpenedAtBank, type openingBalanceGiven } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { nextSerialNo, SecretSealer } from '@custody/service-kit';
import { Customer } from '../customers/customer.entity';
import { BankDays } from '../day/bank-days';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { AccountFunctionRepository } from './account-function.repository';
import { BANK_DESIGNATION_CODES, type BankDesignationFacts, type BankDesignationRequest, bankDesignationVerdict } from './bank-designation-decisions';
import { BankRequestAnswers } from './bank-request-answers';
import { ACTIVE_STATUSES, CustodyRelationship } from './custody-relationship.entity';
import { CustodyRelationshipRepository } from './custody-relationship.repository';

type OpeningRequest = Extract<z.infer<typeof bankAccountRequestReceived.schema>, { function: 'DESIGNATE' | 'REGISTER_CURRENCY' }>;

/** Each function keeps its serials apart (per bank): an 11001 and an 11010 under one serial are two requests. */
const SCOPE: Record<OpeningRequest['function'], string> = { DESIGNATE: 'bank-designation', REGISTER_CURRENCY: 'bank-currency-registration' };
const FUNCTION_CODE = { DESIGNATE: '11001', REGISTER_CURRENCY: '11010' } as const;

/**
 * F-3.3 B (11001): the customer designates the bank at its counter, with the bank account and the fund password; and
 * 11010 B: the bank adds another currency of the fund account to the relationship (bank-protocol.md §4.1). Account
 * decides (bank-designation-decisions.ts) under the fund account's and the customer's locks and, on acceptance,
 * records in one transaction the relationship DESIGNATED with the bank account and the day's 11001/11010 (B, the
 * bank's serial, our serial of the reply), and hands the reply to the transfer service (`designation.opened-at-bank`):
 * the ledger owns the opening balance, so it links the ledger and answers 0000 with `ScBal`, then gives the figure
 * back (`designation.opening-balance-given`) as the function's 金额 for CHK03. A refusal is answered from here and
 * changes nothing.
 *
 * Keyed by the bank's serial as ConfirmationService is: a repeat gets the first answer (an accepted one goes through
 * the ledger again, which answers with the opening balance it first gave); the serial with other content is 2004.
 */
@Injectable()
export class BankDesignationService {
  private readonly logger = new Logger(BankDesignationService.name);

  constructor(
    private readonly answers: BankRequestAnswers,
    private readonly outbox: Outbox,
    private readonly sealer: SecretSealer,
    private readonly functions: AccountFunctionRepository,
    private readonly relationships: CustodyRelationshipRepository,
    private readonly days: BankDays,
  ) {}

  async handle(manager: EntityManager, message: OpeningRequest): Promise<void> {
    const request: BankDesignationRequest = {
      function: message.function,
      bankCode: message.bankCode,
      fundAccountNo: message.fundAccountNo,
      currency: message.currency,
      bankAccountNo: message.bankAccountNo,
      customer: { name: message.customer.name, idType: message.customer.idType, idNumber: this.sealer.open(message.customer.idNumber) },
      ...(message.function === 'DESIGNATE' ? { fundPassword: message.fundPassword } : {}),
    };
    const code = FUNCTION_CODE[message.function];
    const log = { bankCode: message.bankCode, serialNo: message.serialNo, fundAccountNo: message.fundAccountNo, currency: message.currency, functionCode: code };
    const claim = await this.answers.claim(manager, SCOPE[message.function], message, request);
    if (claim.kind === 'reused') {
      this.logger.warn(log, `bank serial reused for a different ${code}; refused as a duplicate serial, nothing changed`);
      return this.answers.reply(manager, message, BANK_DESIGNATION_CODES.DUPLICATE_BANK_SERIAL);
    }
    if (claim.kind === 'repeat') return this.answerAgain(manager, message, claim.firstAnswer);

    const verdict = bankDesignationVerdict(request, await this.factsOf(manager, request));
    await this.answers.settle(manager, SCOPE[message.function], message, verdict.code);
    if (verdict.code !== BANK_DESIGNATION_CODES.DESIGNATED) {
      this.logger.warn({ ...log, returnCode: verdict.code, why: verdict.why }, `bank's ${code} refused; nothing changed`);
      return this.answers.reply(manager, message, verdict.code);
    }
    // The bank's day (or the next, after its 13011), as the bank's own CHK02/CHK03 list it.
    const businessDate = await this.days.dateOfBankFunction(manager, message.bankCode, message.businessDate);
    const relationship = await this.open(manager, message, businessDate);
    await this.functions.record(manager, {
      relationshipId: relationship.id,
      bankCode: relationship.bankCode,
      businessDate,
      functionCode: code,
      initiator: 'B',
      brokerSerialNo: relationship.serialNo,
      bankSerialNo: message.serialNo,
      // The bank opens the custody account on our 0000 and does not tell us its number (Acmt.002.01 has no room for it).
      custodyAccountNo: null,
      bankAccountNo: relationship.bankAccountNo,
      // The opening balance is the ledger's to give: `recordOpeningBalance` fills it in.
      amount: null,
      statusAfter: 'DESIGNATED',
    });
    this.logger.log({ ...log, relationshipId: relationship.id }, `bank's ${code} accepted; the ledger opens and answers with the opening balance`);
    await this.handToLedger(manager, message, relationship);
  }

  /** `designation.opening-balance-given`: the 金额 of the relationship's 11001/11010, for the day's CHK03. */
  async recordOpeningBalance(manager: EntityManager, event: z.infer<typeof openingBalanceGiven.schema>): Promise<void> {
    await this.functions.recordOpeningBalance(manager, event.relationshipId, event.openingBalance);
  }

  /**
   * The fund account, its customer and its live relationships, locked in the order designations take them (fund
   * account → customer → relationships), so a concurrent designation of ours, or another fund account of the
   * customer designated at this bank, is decided before or after this one, never beside it.
   */
  private async factsOf(manager: EntityManager, request: BankDesignationRequest): Promise<BankDesignationFacts> {
    const none: BankDesignationFacts = { currencyOpened: false, relationships: [] };
    if (!request.fundAccountNo) return none;
    const currencies = await manager.find(FundAccount, { where: { fundAccountNo: request.fundAccountNo }, order: { currency: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    const [account] = currencies;
    if (!account) return none;
    const customer = await manager.findOne(Customer, { where: { customerNo: account.customerNo }, lock: { mode: 'pessimistic_write' } });
    if (!customer) throw new Error(`customer ${account.customerNo} of fund account ${account.fundAccountNo} vanished`);
    const live = await manager.find(CustodyRelationship, {
      where: { fundAccountNo: request.fundAccountNo, status: In(ACTIVE_STATUSES) },
      order: { currency: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    return {
      holder: { name: customer.name, idType: customer.idType, idNumber: this.sealer.open({ sealed: customer.idNumberSealed }) },
      currencyOpened: currencies.some((a) => a.currency === request.currency),
      relationships: live.map(({ currency, status, bankCode, bankAccountNo, accountStatus }) => ({ currency, status, bankCode, bankAccountNo, accountStatus })),
      otherFundAccountAtBank: await this.relationships.otherFundAccountAtBank(manager, customer.customerNo, request.bankCode, account.fundAccountNo),
    };
  }

  /** The relationship DESIGNATED with the bank account, under a serial of ours: the `Ref` of our reply. */
  private async open(manager: EntityManager, message: OpeningRequest, businessDate: string): Promise<CustodyRelationship> {
    const relationship = manager.create(CustodyRelationship, {
      id: randomUUID(),
      fundAccountNo: message.fundAccountNo,
      currency: message.currency as CustodyRelationship['currency'],
      bankCode: message.bankCode,
      // The verdict accepted only a request naming the bank account.
      bankAccountNo: message.bankAccountNo!,
      custodyAccountNo: null,
      status: 'DESIGNATED',
      accountStatus: 'NORMAL',
      serialNo: await nextSerialNo(manager, 'account.serial_seq', 'account', businessDate),
      failureCode: null,
      bankReturnCode: null,
      failureMessage: null,
    });
    return manager.save(relationship);
  }

  /** A repeat: the first answer again; an accepted one through the ledger again, which answers with its first opening balance. */
  private async answerAgain(manager: EntityManager, message: OpeningRequest, code: string): Promise<void> {
    if (code !== BANK_DESIGNATION_CODES.DESIGNATED) return this.answers.reply(manager, message, code);
    const done = await this.functions.ofBankSerial(manager, message.bankCode, message.serialNo);
    const relationship = done && (await manager.findOneBy(CustodyRelationship, { id: done.relationshipId }));
    if (!relationship) throw new Error(`bank serial ${message.serialNo} was accepted but its ${FUNCTION_CODE[message.function]} record is gone`);
    await this.handToLedger(manager, message, relationship);
  }

  private async handToLedger(manager: EntityManager, message: OpeningRequest, relationship: CustodyRelationship): Promise<void> {
    if (!relationship.bankAccountNo) throw new Error(`relationship ${relationship.id} opened by the bank has no bank account`);
    await this.outbox.add(
      manager,
      designationOpenedAtBank,
      {
        relationshipId: relationship.id,
        function: message.function,
        serialNo: relationship.serialNo,
        fundAccountNo: relationship.fundAccountNo,
        currency: relationship.currency,
        bankCode: relationship.bankCode,
        bankAccountNo: relationship.bankAccountNo,
        reply: { inboundId: message.inboundId, route: message.route },
      },
      // The same key as the relationship's other events, so the ledger sees them in order.
      { key: relationship.fundAccountNo },
    );
  }
}
