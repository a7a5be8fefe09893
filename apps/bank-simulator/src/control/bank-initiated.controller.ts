import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { INSTRUCTION_CODES } from '@custody/bank-protocol';
import {
  type BankInitiatedResult,
  type BankInitiatedReversalResult,
  type BankOpeningResult,
  BankInitiatedTransfers,
  type BrokerFundBalanceResult,
  type BrokerIdentityCheckResult,
  type BrokerQueryResult,
} from '../protocol/bank-initiated-transfers.service';
import {
  bankInitiatedBankAccountChangeInput,
  bankInitiatedCancellationInput,
  bankInitiatedConfirmationInput,
  bankInitiatedCurrencyRegistrationInput,
  bankInitiatedCustomerDataChangeInput,
  bankInitiatedDesignationInput,
  bankInitiatedFundBalanceInput,
  bankInitiatedIdentityCheckInput,
  bankInitiatedResendInput,
  bankInitiatedStatusChangeInput,
  bankInitiatedTransferInput,
  noBody,
  parseInput,
} from './control-input';

/**
 * The bank as initiator. Each call answers once the broker replied or the bank's requestTimeoutMs
 * passed, with the bank serial and the broker's return code (absent when UNKNOWN).
 */
@Controller('bank-initiated')
export class BankInitiatedController {
  constructor(private readonly transfers: BankInitiatedTransfers) {}

  /** F-4.1 B (BANK_TO_SECURITIES) or F-4.2 B (SECURITIES_TO_BANK, with the customer's fund password). */
  @Post('transfers')
  transfer(@Body() body: unknown): Promise<BankInitiatedResult> {
    const { type, ...input } = parseInput(bankInitiatedTransferInput, body);
    return type === 'BANK_TO_SECURITIES' ? this.transfers.bankToSecurities(input) : this.transfers.securitiesToBank(input);
  }

  /** F-3.2 B (11003): the customer confirms a pre-designation at the counter with their bank account. */
  @Post('confirmations')
  confirm(@Body() body: unknown): Promise<BankInitiatedResult> {
    return this.transfers.confirmDesignation(parseInput(bankInitiatedConfirmationInput, body));
  }

  /** F-3.3 B (11001): the customer designates this bank at the counter; on 0000 the custody account opens with the broker's opening balance. */
  @Post('designations')
  designate(@Body() body: unknown): Promise<BankOpeningResult> {
    return this.transfers.designate(parseInput(bankInitiatedDesignationInput, body));
  }

  /** 11010 B: another currency on the fund account's relationship here; on 0000 its custody account opens with the broker's opening balance. */
  @Post('currency-registrations')
  registerCurrency(@Body() body: unknown): Promise<BankOpeningResult> {
    return this.transfers.registerCurrency(parseInput(bankInitiatedCurrencyRegistrationInput, body));
  }

  /** The bank asks again under the serial of an 11001 it settled (same request, the fund password typed again); the books stay as they are. */
  @Post('designations/:serialNo/resend')
  @HttpCode(200)
  resendDesignation(@Param('serialNo') serialNo: string, @Body() body: unknown): Promise<BankOpeningResult> {
    return this.transfers.resendOpening(serialNo, INSTRUCTION_CODES.DESIGNATE, parseInput(bankInitiatedResendInput, body).fundPassword);
  }

  /** The bank asks again under the serial of an 11010 it settled; the books stay as they are. */
  @Post('currency-registrations/:serialNo/resend')
  @HttpCode(200)
  resendCurrencyRegistration(@Param('serialNo') serialNo: string, @Body() body: unknown): Promise<BankOpeningResult> {
    parseInput(noBody, body);
    return this.transfers.resendOpening(serialNo, INSTRUCTION_CODES.REGISTER_CURRENCY);
  }

  /** F-3.9 B (11008): the broker's answer and, on 0000, the fund ledger's balance, available and withdrawable. */
  @Post('fund-balance-queries')
  @HttpCode(200)
  queryFundBalance(@Body() body: unknown): Promise<BrokerFundBalanceResult> {
    return this.transfers.queryFundBalance(parseInput(bankInitiatedFundBalanceInput, body));
  }

  /** F-3.11 B (11007): the broker's answer whether the customer the bank identified is the fund account's customer. */
  @Post('identity-checks')
  @HttpCode(200)
  checkIdentity(@Body() body: unknown): Promise<BrokerIdentityCheckResult> {
    return this.transfers.checkIdentity(parseInput(bankInitiatedIdentityCheckInput, body));
  }

  /** 11011 B: the bank freezes, reports lost or sets normal again a fund account's custody here, every currency. */
  @Post('status-changes')
  changeStatus(@Body() body: unknown): Promise<BankInitiatedResult> {
    return this.transfers.changeStatus(parseInput(bankInitiatedStatusChangeInput, body));
  }

  /** F-3.4 B (11006): the customer changes the relationship's bank settlement account at the counter. */
  @Post('bank-account-changes')
  changeBankAccount(@Body() body: unknown): Promise<BankInitiatedResult> {
    return this.transfers.changeBankAccount(parseInput(bankInitiatedBankAccountChangeInput, body));
  }

  /** The bank asks again, under its serial, an 11006 it sent; the books stay as they are. */
  @Post('bank-account-changes/:serialNo/resend')
  @HttpCode(200)
  resendBankAccountChange(@Param('serialNo') serialNo: string): Promise<BankInitiatedResult> {
    return this.transfers.resendAccountFunction(serialNo, INSTRUCTION_CODES.CHANGE_BANK_ACCOUNT);
  }

  /** F-3.8 B (11004): the customer cancels the custody of a fund account in one currency at the counter. */
  @Post('cancellations')
  cancel(@Body() body: unknown): Promise<BankInitiatedResult> {
    return this.transfers.cancel(parseInput(bankInitiatedCancellationInput, body));
  }

  /** The bank asks again, under its serial, an 11004 it sent; the books stay as they are. */
  @Post('cancellations/:serialNo/resend')
  @HttpCode(200)
  resendCancellation(@Param('serialNo') serialNo: string): Promise<BankInitiatedResult> {
    return this.transfers.resendAccountFunction(serialNo, INSTRUCTION_CODES.CANCEL_DESIGNATION);
  }

  /** F-3.5 B (11005): the customer changes their name or contact data at the counter, every currency of the fund account. */
  @Post('customer-data-changes')
  changeCustomerData(@Body() body: unknown): Promise<BankInitiatedResult> {
    return this.transfers.changeCustomerData(parseInput(bankInitiatedCustomerDataChangeInput, body));
  }

  /** The bank asks again, under its serial, an 11005 it sent; the books stay as they are. */
  @Post('customer-data-changes/:serialNo/resend')
  @HttpCode(200)
  resendCustomerDataChange(@Param('serialNo') serialNo: string): Promise<BankInitiatedResult> {
    return this.transfers.resendAccountFunction(serialNo, INSTRUCTION_CODES.CHANGE_CUSTOMER);
  }

  /** F-4.5 B: the same serial again with Resend=Y. */
  @Post('transfers/:serialNo/resend')
  @HttpCode(200)
  resend(@Param('serialNo') serialNo: string, @Body() body: unknown): Promise<BankInitiatedResult> {
    return this.transfers.resend(serialNo, parseInput(bankInitiatedResendInput, body).fundPassword);
  }

  /** F-4.3 B (12003) or F-4.4 B (12004), by the original's instruction. */
  @Post('transfers/:serialNo/reversal')
  reverse(@Param('serialNo') serialNo: string): Promise<BankInitiatedReversalResult> {
    return this.transfers.reverse(serialNo);
  }

  /** F-4.6 B (12005): the broker's Rst and OrgRst for one of the bank's serials. */
  @Post('transfers/:serialNo/query')
  @HttpCode(200)
  query(@Param('serialNo') serialNo: string): Promise<BrokerQueryResult> {
    return this.transfers.query(serialNo);
  }
}
