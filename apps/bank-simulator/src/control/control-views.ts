import type { Money } from '@custody/money';
import type { BankAccountSnapshot, CustodyAccountSnapshot, TransactionRecord } from '../books/book-records';

/** JSON shapes of the control API: amounts as strings with 2 decimals; no password or ID number, ever. */

export function balancesView(balances: ReadonlyMap<string, Money>): Record<string, string> {
  return Object.fromEntries([...balances].map(([currency, balance]) => [currency, balance.toString()]));
}

export function bankAccountView(account: BankAccountSnapshot) {
  return { bankAccountNo: account.bankAccountNo, name: account.name, ...account.contact, balances: balancesView(account.balances) };
}

export function custodyAccountView(account: CustodyAccountSnapshot) {
  return {
    custodyAccountNo: account.custodyAccountNo,
    fundAccountNo: account.fundAccountNo,
    currency: account.currency,
    ...(account.bankAccountNo === null ? {} : { bankAccountNo: account.bankAccountNo }),
    balance: account.balance.toString(),
    status: account.status,
    accountState: account.accountState,
  };
}

export function transactionView(record: TransactionRecord) {
  return {
    serialNo: record.ref.serial,
    issuerType: record.ref.issuerType,
    issuerId: record.ref.issuerId,
    instrCd: record.instrCd,
    status: record.status,
    returnCode: record.returnCode,
    ...(record.info === undefined ? {} : { info: record.info }),
    ...(record.amount === undefined ? {} : { amount: record.amount.toString() }),
    ...(record.currency === undefined ? {} : { currency: record.currency }),
    ...(record.bankAccountNo === undefined ? {} : { bankAccountNo: record.bankAccountNo }),
    ...(record.fundAccountNo === undefined ? {} : { fundAccountNo: record.fundAccountNo }),
    ...(record.custodyAccountNo === undefined ? {} : { custodyAccountNo: record.custodyAccountNo }),
    bankSerialNo: record.bankSerial,
    ...(record.counterpartSerial === undefined ? {} : { counterpartSerialNo: record.counterpartSerial }),
    ...(record.cancelledRef === undefined ? {} : { reversedSerialNo: record.cancelledRef.serial }),
    recordedAt: record.recordedAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
