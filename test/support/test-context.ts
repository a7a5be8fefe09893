import { randomUUID } from 'node:crypto';
import { Money } from '@custody/money';
import { uniqueDigits, uniqueFundAccountNo } from '@custody/testing';
import type { StackInfo } from '@custody/local-stack';
import { readSystemStackInfo } from './system-stack';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  contentType: string;
}

type Role = 'trading' | 'operator' | 'supervisor' | 'auditor';

/** How a test or a benchmark reaches the stack over HTTP: `fetch` by default (bench/support/keep-alive-http.ts is the benchmark's). */
export type HttpSend = <T>(url: string, method: string, body?: unknown, headers?: Record<string, string>) => Promise<HttpResult<T>>;

async function request<T>(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, contentType: response.headers.get('content-type') ?? '' };
}

/** The public API, as trading systems and operators call it. */
export class CustodyApi {
  constructor(
    private readonly info: StackInfo,
    private readonly send: HttpSend = request,
  ) {}

  /** `extraHeaders`: e.g. a `traceparent` (test/traces.system-spec.ts). */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, role: Role | null = 'trading', extraHeaders: Record<string, string> = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...extraHeaders, ...(role ? { authorization: `Bearer ${this.info.tokens[role]}` } : {}) };
    return this.send<T>(`${this.info.apiBaseUrl}${path}`, method, body, headers);
  }
}

export interface BankBooks {
  bankCode: string;
  summaryAccount: string;
  summary: Record<string, string>;
  custodyAccounts: Array<{ custodyAccountNo: string; fundAccountNo: string; currency: string; bankAccountNo?: string; balance: string; status: string; accountState: string }>;
  bankAccounts: Array<{ bankAccountNo: string; balances: Record<string, string> }>;
  transactions: Array<{ serialNo: string; instrCd: string; status: string; returnCode: string; fundAccountNo?: string; bankAccountNo?: string; amount?: string; bankSerialNo?: string }>;
}

export interface BankAccountView {
  bankAccountNo: string;
  name: string;
  idType: string;
  idNumberMasked: string;
  mobile?: string;
  address?: string;
  email?: string;
  balances: Record<string, string>;
}

/** An 11001 or 11010 the bank started: its record, the broker's answer and, on 0000, the opening balance it gave. */
export interface BankOpeningResult {
  serialNo: string;
  status: string;
  returnCode?: string;
  openingBalance?: string;
}

/** The bank simulator's control API (dev/test only): its books, bank-initiated transactions, faults. */
export class BankSimulator {
  constructor(
    readonly bankCode: string,
    private readonly controlUrl: string,
    private readonly send: HttpSend = request,
  ) {}

  private call<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
    return this.send<T>(`${this.controlUrl}${path}`, method, body);
  }

  async openBankAccount(account: { bankAccountNo: string; name: string; idType: string; idNumber: string; password: string; balance: string; currency?: string }) {
    const result = await this.call('POST', '/bank-accounts', { currency: 'CNY', ...account });
    if (result.status !== 201) throw new Error(`simulator refused the bank account: ${JSON.stringify(result.body)}`);
  }

  /** The holder renews their record at the bank's counter and the broker is not told (what an 11007 finds). */
  async amendHolder(bankAccountNo: string, changes: { name?: string; idType?: string; idNumber?: string }) {
    const result = await this.call('PATCH', `/bank-accounts/${bankAccountNo}`, changes);
    if (result.status !== 200) throw new Error(`simulator refused the change: ${JSON.stringify(result.body)}`);
  }

  async bankBalance(bankAccountNo: string, currency = 'CNY'): Promise<string> {
    const result = await this.call<{ balances: Record<string, string> }>('GET', `/bank-accounts/${bankAccountNo}`);
    return result.body.balances[currency];
  }

  /** The bank's record of a bank account and its holder (name, ID type, ID number masked, contact data). */
  async bankAccount(bankAccountNo: string) {
    return (await this.call<BankAccountView>('GET', `/bank-accounts/${bankAccountNo}`)).body;
  }

  /** One of the day files the bank holds (its own `B_…` or the broker's `S_…`), read as records; undefined if it has none such. */
  async dayFile(fileName: string): Promise<Array<Record<string, unknown>> | undefined> {
    const result = await this.call<{ records: Array<Record<string, unknown>> }>('GET', `/day-files/${fileName}`);
    return result.status === 200 ? result.body.records : undefined;
  }

  async custodyAccount(fundAccountNo: string, currency = 'CNY') {
    const result = await this.call<BankBooks['custodyAccounts']>('GET', `/custody-accounts?fundAccountNo=${fundAccountNo}&currency=${currency}`);
    return result.body[0];
  }

  async books(): Promise<BankBooks> {
    return (await this.call<BankBooks>('GET', '/books')).body;
  }

  async startDeposit(input: { bankAccountNo: string; fundAccountNo: string; amount: string; currency?: string }) {
    return this.startBankInitiated({ type: 'BANK_TO_SECURITIES', ...input });
  }

  /** F-4.1 B / F-4.2 B: the customer at the bank's counter; a withdrawal carries the fund password they type. */
  async startBankInitiated(input: {
    type: 'BANK_TO_SECURITIES' | 'SECURITIES_TO_BANK';
    bankAccountNo: string;
    fundAccountNo: string;
    amount: string;
    currency?: string;
    fundPassword?: string;
  }) {
    return this.call<{ serialNo: string; status: string; returnCode?: string }>('POST', '/bank-initiated/transfers', { currency: 'CNY', ...input });
  }

  /** F-3.2 B (11003): the customer confirms a pre-designation at the counter with their bank account. */
  async startConfirmation(input: { bankAccountNo: string; fundAccountNo: string; currency?: string }) {
    return this.call<{ serialNo: string; status: string; returnCode?: string }>('POST', '/bank-initiated/confirmations', { currency: 'CNY', ...input });
  }

  /** F-3.3 B (11001): the customer designates this bank at its counter with their bank account and the fund password they type. */
  async startDesignation(input: { bankAccountNo: string; fundAccountNo: string; currency?: string; fundPassword?: string }) {
    return this.call<BankOpeningResult>('POST', '/bank-initiated/designations', { currency: 'CNY', ...input });
  }

  /** The bank asks again under the serial of an 11001 it settled (the fund password typed again); its books stay as they are. */
  async resendDesignation(serialNo: string, fundPassword?: string) {
    return this.call<BankOpeningResult>('POST', `/bank-initiated/designations/${serialNo}/resend`, fundPassword === undefined ? {} : { fundPassword });
  }

  /** 11010 B: the bank adds another currency to the fund account's relationship there. */
  async startCurrencyRegistration(input: { fundAccountNo: string; currency: string }) {
    return this.call<BankOpeningResult>('POST', '/bank-initiated/currency-registrations', input);
  }

  /** The bank asks again under the serial of an 11010 it settled; its books stay as they are. */
  async resendCurrencyRegistration(serialNo: string) {
    return this.call<BankOpeningResult>('POST', `/bank-initiated/currency-registrations/${serialNo}/resend`, {});
  }

  /** 11011 B: the bank freezes (FROZEN), reports lost (LOST) or sets NORMAL again the fund account's custody there. */
  async startStatusChange(input: { fundAccountNo: string; accountState: 'NORMAL' | 'FROZEN' | 'LOST' }) {
    return this.call<{ serialNo: string; status: string; returnCode?: string }>('POST', '/bank-initiated/status-changes', input);
  }

  /** F-3.4 B (11006): the customer moves the relationship from `bankAccountNo` to `newBankAccountNo` at the counter. */
  async startBankAccountChange(input: { fundAccountNo: string; bankAccountNo: string; newBankAccountNo: string; currency?: string }) {
    return this.call<{ serialNo: string; status: string; returnCode?: string; code?: string }>('POST', '/bank-initiated/bank-account-changes', { currency: 'CNY', ...input });
  }

  /** F-3.5 B (11005): the customer's new data at the counter; what is left out stays as the bank holds it. */
  async startCustomerDataChange(input: { fundAccountNo: string; name?: string; idType?: string; idNumber?: string; mobile?: string; address?: string; email?: string }) {
    return this.call<{ serialNo: string; status: string; returnCode?: string }>('POST', '/bank-initiated/customer-data-changes', input);
  }

  /**
   * F-3.8 B (11004): the customer cancels the fund account's custody at the counter, naming `bankAccountNo` (by default
   * the one its custody account is linked to; none for a pre-designated one).
   */
  async startCancellation(input: { fundAccountNo: string; bankAccountNo?: string; currency?: string }) {
    return this.call<{ serialNo: string; status: string; returnCode?: string; code?: string }>('POST', '/bank-initiated/cancellations', { currency: 'CNY', ...input });
  }

  /** The bank asks again, under its serial, an 11006 (`bank-account-changes`), 11005 (`customer-data-changes`) or 11004 (`cancellations`) it sent. */
  async resendAccountFunction(kind: 'bank-account-changes' | 'customer-data-changes' | 'cancellations', serialNo: string) {
    return this.call<{ serialNo: string; status: string; returnCode?: string }>('POST', `/bank-initiated/${kind}/${serialNo}/resend`);
  }

  /** F-4.5 B: the bank re-sends one of its own transfers (same serial, Resend=Y); a withdrawal's with the fund password typed again. */
  async resendBankInitiated(serialNo: string, fundPassword?: string) {
    return this.call<{ serialNo: string; status: string; returnCode?: string }>('POST', `/bank-initiated/transfers/${serialNo}/resend`, fundPassword === undefined ? {} : { fundPassword });
  }

  /** F-4.3 B / F-4.4 B: the bank reverses one of its own transfers, naming it in CnRef. */
  async reverseBankInitiated(serialNo: string) {
    return this.call<{ serialNo: string; status: string; returnCode?: string; reversedSerialNo: string; originalStatus: string }>('POST', `/bank-initiated/transfers/${serialNo}/reversal`);
  }

  /** F-4.6 B: the bank asks the broker what became of one of its own transfers (12005). */
  async queryBankInitiated(serialNo: string) {
    return this.call<{ serialNo: string; status: string; returnCode?: string; originalReturnCode?: string; brokerSerialNo?: string }>('POST', `/bank-initiated/transfers/${serialNo}/query`);
  }

  /** F-3.9 B (11008): the customer asks their fund ledger balance at the counter; `serialNo` asks again under one used before. */
  async queryFundBalance(input: { fundAccountNo: string; fundPassword?: string; currency?: string; serialNo?: string }) {
    return this.call<{ serialNo: string; status: string; returnCode?: string; balances?: { balance?: string; available?: string; withdrawable?: string } }>(
      'POST',
      '/bank-initiated/fund-balance-queries',
      { currency: 'CNY', ...input },
    );
  }

  /** F-3.11 B (11007): the bank asks whether the customer it identified at the counter is the fund account's; nothing is booked. */
  async checkIdentity(input: { fundAccountNo: string; name: string; idType: string; idNumber: string; bankAccountNo?: string; fundPassword?: string; currency?: string; serialNo?: string }) {
    return this.call<{ serialNo: string; status: string; returnCode?: string }>('POST', '/bank-initiated/identity-checks', { currency: 'CNY', ...input });
  }

  /** A fault on requests from the broker, on the bank's sessions, or in the bank's side of the day's close (the simulator's README). */
  async injectFault(fault: {
    kind:
      | 'DELAY_REPLY'
      | 'DROP_REPLY'
      | 'DROP_REQUEST'
      | 'CLOSE_CONNECTION'
      | 'CORRUPT_CHECKSUM'
      | 'DUPLICATE_REPLY'
      | 'REFUSE_SESSION'
      | 'OMIT_FROM_CHK01'
      | 'ALTER_IN_CHK01'
      | 'LOSE_BANK_REQUEST'
      | 'DELAY_FILE_CHUNK'
      | 'CORRUPT_FILE_CHUNK'
      | 'HOLD_DAY_FILES'
      | 'DELAY_DIF04';
    instrCd?: string;
    times?: number;
    delayMs?: number;
    serialNo?: string;
    amount?: string;
  }) {
    const result = await this.call('POST', '/faults', fault);
    if (result.status !== 201) throw new Error(`simulator refused the fault: ${JSON.stringify(result.body)}`);
  }

  async clearFaults() {
    await this.call('DELETE', '/faults');
  }

  async transaction(serialNo: string) {
    return this.call<{ serialNo: string; instrCd: string; status: string; returnCode: string; amount?: string; counterpartSerialNo?: string; reversedSerialNo?: string }>(
      'GET',
      `/transactions/${serialNo}`,
    );
  }

  /** Every fault that hit, with what it hit (a request's serial, the original a reversal or query was about, a file). */
  async appliedFaults() {
    return (await this.call<Array<{ faultId: string; kind: string; serialNo?: string; subjectSerialNo?: string; instrCd?: string }>>('GET', '/faults/applied')).body;
  }
}

/** The stack's processes (tools/stack/control-server.ts): crash one, freeze it, stop it, start it or a replica of it. */
export class StackControl {
  constructor(private readonly controlUrl: string) {}

  private async post(name: string, verb: 'kill' | 'restart' | 'stop' | 'pause' | 'resume' | 'replicas', body?: { clockSkewMs?: number }) {
    const result = await request<{ name?: string }>(`${this.controlUrl}/services/${name}/${verb}`, 'POST', body);
    if (result.status !== 204 && result.status !== 201) throw new Error(`${verb} ${name} refused: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  /** Resolves once the process is gone; nothing of its shutdown ran. */
  async kill(name: string): Promise<void> {
    await this.post(name, 'kill');
  }

  /**
   * Resolves once the service answers /health again and Kafka has dropped the dead process's group members.
   * `clockSkewMs`: its wall clock runs that far ahead (negative: behind) of the host's.
   */
  async restart(name: string, options: { clockSkewMs?: number } = {}): Promise<void> {
    await this.post(name, 'restart', options);
  }

  /** SIGTERM, as a rolling deploy stops a pod; resolves once the process has exited. */
  async stop(name: string): Promise<void> {
    await this.post(name, 'stop');
  }

  /** SIGSTOP / SIGCONT: the process freezes where it is, connections open, and later runs on. */
  async pause(name: string): Promise<void> {
    await this.post(name, 'pause');
  }

  async resume(name: string): Promise<void> {
    await this.post(name, 'resume');
  }

  /** One more replica of a service; resolves with its name once it answers /health. */
  async addReplica(name: string, options: { clockSkewMs?: number } = {}): Promise<string> {
    const { name: replica } = await this.post(name, 'replicas', options);
    if (!replica) throw new Error(`no replica of ${name} was named`);
    return replica;
  }
}

export interface Customer {
  customerNo: string;
  name: string;
  idType: string;
  idNumber: string;
}

export interface Designated {
  customerNo: string;
  fundAccountNo: string;
  bankCode: string;
  bankAccountNo: string;
  bankPassword: string;
  custodyAccountNo: string;
}

/** Fixture builders over the public API and the simulators (conventions.md: ctx.newCustomer(), ctx.newDesignation()). */
export class TestContext {
  readonly api: CustodyApi;
  readonly banks: Record<string, BankSimulator>;
  readonly bankCodes: string[];
  readonly stack: StackControl;

  constructor(
    readonly info: StackInfo = readSystemStackInfo(),
    send: HttpSend = request,
  ) {
    this.api = new CustodyApi(info, send);
    this.stack = new StackControl(info.controlUrl!);
    this.banks = Object.fromEntries(info.banks.filter((b) => b.controlUrl).map((b) => [b.code, new BankSimulator(b.code, b.controlUrl!, send)]));
    this.bankCodes = Object.keys(this.banks);
  }

  async newCustomer(name = '张三'): Promise<Customer> {
    const customerNo = `C${uniqueDigits(10)}`;
    const customer = { name, type: 'INDIVIDUAL', idType: '10', idNumber: `1101011990${uniqueDigits(8)}` };
    const result = await this.api.call('PUT', `/v1/customers/${customerNo}`, customer);
    if (result.status !== 201) throw new Error(`customer not created: ${JSON.stringify(result.body)}`);
    return { customerNo, ...customer };
  }

  async newFundAccount(customerNo: string, role: 'PRIMARY' | 'AUXILIARY' = 'PRIMARY', currency = 'CNY'): Promise<string> {
    // All digits, as brokers number them: a fund password's PIN block takes its account field from this number.
    const fundAccountNo = uniqueFundAccountNo();
    const result = await this.api.call('POST', '/v1/fund-accounts', { requestId: randomUUID(), fundAccountNo, customerNo, currency, role, branchId: '0001' });
    if (result.status !== 201) throw new Error(`fund account not opened: ${JSON.stringify(result.body)}`);
    return fundAccountNo;
  }

  /** A designated customer at the first bank with 1000.00 deposited at the bank's counter and the fund password `fundPassword`. */
  async newDesignationWithFunds(fundPassword: string): Promise<Designated> {
    const d = await this.newDesignation(this.bankCodes[0], '5000.00');
    const deposit = await this.banks[d.bankCode].startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '1000.00' });
    if (deposit.body.status !== 'SUCCEEDED') throw new Error(`deposit failed: ${JSON.stringify(deposit.body)}`);
    const password = await this.api.call('PUT', `/v1/customers/${d.customerNo}/fund-password`, { password: fundPassword });
    if (password.status !== 204) throw new Error(`setting the fund password failed: ${password.status}`);
    return d;
  }

  /** A customer with a primary fund account designated at `bankCode`, and a bank account holding `bankBalance`. */
  async newDesignation(bankCode = this.bankCodes[0], bankBalance = '10000.00'): Promise<Designated> {
    const customer = await this.newCustomer();
    const fundAccountNo = await this.newFundAccount(customer.customerNo);
    return this.designate(customer, fundAccountNo, bankCode, bankBalance);
  }

  /** Designates `customer`'s fund account at `bankCode` (F-3.3 S), with a new bank account there holding `bankBalance`. */
  async designate(customer: Customer, fundAccountNo: string, bankCode: string, bankBalance = '10000.00'): Promise<Designated> {
    const bankAccountNo = `62${uniqueDigits(17)}`;
    const bankPassword = '135790';
    await this.banks[bankCode].openBankAccount({ bankAccountNo, name: customer.name, idType: customer.idType, idNumber: customer.idNumber, password: bankPassword, balance: bankBalance });
    const result = await this.api.call<{ status: string; custodyAccountNo: string }>('POST', '/v1/custody/designations?waitMs=15000', {
      requestId: randomUUID(),
      fundAccountNo,
      currency: 'CNY',
      bankCode,
      bankAccountNo,
      bankPassword,
    });
    if (result.status !== 201 || result.body.status !== 'DESIGNATED') throw new Error(`designation failed: ${result.status} ${JSON.stringify(result.body)}`);
    return { customerNo: customer.customerNo, fundAccountNo, bankCode, bankAccountNo, bankPassword, custodyAccountNo: result.body.custodyAccountNo };
  }

  transfer(body: Record<string, unknown>, waitMs = 15000) {
    return this.api.call<TransferBody>('POST', `/v1/transfers?waitMs=${waitMs}`, { requestId: randomUUID(), currency: 'CNY', ...body });
  }

  /** Polls a transfer until it ends SUCCEEDED, FAILED or REVERSED (domain.md §4: every UNKNOWN ends definite). */
  async definite(transferId: string, timeoutMs = 30_000) {
    return this.eventually(
      () => this.api.call<TransferBody & { unknownSince?: string }>('GET', `/v1/transfers/${transferId}`),
      (r) => r.status === 200 && ['SUCCEEDED', 'FAILED', 'REVERSED'].includes(r.body.status),
      timeoutMs,
    );
  }

  async balances(fundAccountNo: string) {
    const result = await this.api.call<Array<{ currency: string; balance: string; available: string; withdrawable: string; frozen: string }>>('GET', `/v1/fund-accounts/${fundAccountNo}/balances`);
    return result.body.find((b) => b.currency === 'CNY')!;
  }

  /** Polls until `read` satisfies `done` (bounded), for outcomes that settle asynchronously. */
  async eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      value = await read();
    }
    return value;
  }
}

export interface TransferBody {
  transferId: string;
  serialNo: string;
  status: string;
  amount: string;
  failure?: { code: string; bankReturnCode?: string; message: string };
  attempts: string[];
  code?: string;
  detail?: string;
  bankReturnCode?: string;
}

/** a − b on amount strings, through libs/money (tests never do money in floating point either). */
export function minus(a: string, b: string): string {
  return Money.parse(a, 'signed').minus(Money.parse(b, 'signed')).toString();
}
