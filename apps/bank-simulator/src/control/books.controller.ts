import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { BankBooks } from '../books/bank-books';
import { SimulatorError } from '../simulator-error';
import type { SimulatorSettings } from '../simulator-settings';
import { bankAccountHolderChange, bankAccountOpeningInput, custodyAccountQuery, parseInput } from './control-input';
import { SIMULATOR_SETTINGS } from './control-tokens';
import { balancesView, bankAccountView, custodyAccountView, transactionView } from './control-views';

/** The bank's counter and its ledgers, as a developer or a test sees them. */
@Controller()
export class BooksController {
  constructor(
    private readonly books: BankBooks,
    @Inject(SIMULATOR_SETTINGS) private readonly settings: SimulatorSettings,
  ) {}

  @Post('bank-accounts')
  openBankAccount(@Body() body: unknown) {
    return bankAccountView(this.books.openBankAccount(parseInput(bankAccountOpeningInput, body)));
  }

  @Get('bank-accounts/:bankAccountNo')
  bankAccount(@Param('bankAccountNo') bankAccountNo: string) {
    const account = this.books.bankAccount(bankAccountNo);
    if (!account) throw new SimulatorError('NOT_FOUND', `no bank account ${bankAccountNo}`);
    return bankAccountView(account);
  }

  /** The holder's record changes at the bank's counter, and the broker is not told (the case F-3.11's check finds). */
  @Patch('bank-accounts/:bankAccountNo')
  amendHolder(@Param('bankAccountNo') bankAccountNo: string, @Body() body: unknown) {
    this.books.amendHolder(bankAccountNo, parseInput(bankAccountHolderChange, body));
    return this.bankAccount(bankAccountNo);
  }

  @Get('custody-accounts')
  custodyAccounts(@Query() query: unknown) {
    return this.books.listCustodyAccounts(parseInput(custodyAccountQuery, query)).map(custodyAccountView);
  }

  @Get('books')
  allBooks() {
    return {
      bankCode: this.books.bankCode,
      summaryAccount: this.books.summaryAccount,
      summary: balancesView(this.books.summaryBalances()),
      custodyAccounts: this.books.listCustodyAccounts().map(custodyAccountView),
      bankAccounts: this.books.listBankAccounts().map((account) => ({ bankAccountNo: account.bankAccountNo, balances: balancesView(account.balances) })),
      transactions: this.books.listTransactions().map(transactionView),
    };
  }

  /** The bank's record of a transaction by serial: the broker's serial first, then the bank's own. */
  @Get('transactions/:serialNo')
  transaction(@Param('serialNo') serialNo: string) {
    const record = this.books.findBySerial(serialNo, this.settings.brokerInstId);
    if (!record) throw new SimulatorError('NOT_FOUND', `the bank has no transaction ${serialNo}`);
    return transactionView(record);
  }
}
