import { ACCOUNT_STATUS, ACCOUNT_TYPE, type BusinessRequestName, describeReturnCode, type Reference, type ReplyDraft } from '@custody/bank-protocol';
import type { Currency, Money } from '@custody/money';
import { BANK_RETURN_CODES as RC } from '../books/bank-return-codes';
import type { CustodyAccountState, QueryAnswer, TransactionRecord } from '../books/book-records';

/**
 * Replies built from the transaction log. A replayed request gets the same reply again, down to its
 * serial (profile §4 idempotency), because both are built from the one record.
 */

const MAX_INFO = 128;

function result(code: string, info?: string) {
  return info === undefined ? { Code: code } : { Code: code, Info: info.slice(0, MAX_INFO) };
}

/** A reply carrying only `Rst` (§5.4.4 d, §5.14.4, §5.18.4 d: after a failure the rest may be left out). */
export function rstOnlyReply(requestName: BusinessRequestName, code: string, info: string, serial?: string): ReplyDraft {
  const body = { Rst: result(code, info) };
  switch (requestName) {
    case 'Acmt.001.01':
      return { name: 'Acmt.002.01', serial, body };
    case 'Acmt.003.01':
      return { name: 'Acmt.004.01', serial, body };
    case 'Acmt.005.01':
      return { name: 'Acmt.006.01', serial, body };
    case 'Acmt.007.01':
      return { name: 'Acmt.008.01', serial, body };
    case 'Acmt.009.01':
      return { name: 'Acmt.010.01', serial, body };
    case 'Trf.001.01':
      return { name: 'Trf.002.01', serial, body };
    case 'Trf.003.01':
      return { name: 'Trf.004.01', serial, body };
    case 'Trf.005.01':
      return { name: 'Trf.006.01', serial, body };
    case 'Stmt.001.01':
      return { name: 'Stmt.002.01', serial, body };
    case 'Stmt.003.01':
      return { name: 'Stmt.004.01', serial, body };
    case 'Stmt.005.01':
      return { name: 'Stmt.006.01', serial, body };
    case 'Stmt.007.01':
      return { name: 'Stmt.008.01', serial, body };
    case 'File.001.01':
      return { name: 'File.002.01', serial, body };
  }
}

/** 11001 and 11002 reply: the custody account travels as `BkAcct` with `Type` 2 (profile §4). */
export function designationReply(record: TransactionRecord): ReplyDraft<'Acmt.002.01'> {
  if (record.status !== 'SUCCEEDED' || !record.custodyAccountNo || !record.fundAccountNo) {
    return { name: 'Acmt.002.01', serial: record.bankSerial, body: { Rst: result(record.returnCode, record.info) } };
  }
  return {
    name: 'Acmt.002.01',
    serial: record.bankSerial,
    body: {
      Rst: result(RC.SUCCESS),
      BkAcct: { Id: record.custodyAccountNo, Type: ACCOUNT_TYPE.BANK_CUSTODY },
      ScAcct: { Id: record.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT },
      Ccy: record.currency,
      ScBal: record.amount && { Type: '0', Bal: record.amount },
    },
  };
}

/** 11009 reply: the bank account's balance (`BkBal` type 0) and available balance (type 1), profile §4.1. */
export function bankBalanceReply(answer: {
  readonly bankAccountNo: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly balance: Money;
  readonly available: Money;
}): ReplyDraft<'Acmt.010.01'> {
  return {
    name: 'Acmt.010.01',
    body: {
      Rst: result(RC.SUCCESS),
      BkAcct: { Id: answer.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
      BkBal: [
        { Type: '0', Bal: answer.balance },
        { Type: '1', Bal: answer.available },
      ],
      ScAcct: { Id: answer.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT },
      Ccy: answer.currency,
      Dgst: '查询银行余额',
    },
  };
}

/** 11007 reply: the code says whether the customer is the account's holder (0000) or what differs; the accounts echoed. */
export function identityCheckReply(answer: {
  readonly returnCode: string;
  readonly info: string;
  readonly bankAccountNo: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
}): ReplyDraft<'Acmt.010.01'> {
  return {
    name: 'Acmt.010.01',
    body: {
      Rst: result(answer.returnCode, answer.info),
      BkAcct: { Id: answer.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
      ScAcct: { Id: answer.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT },
      Ccy: answer.currency,
      Dgst: '客户身份验证',
    },
  };
}

/** 11011 S reply (§5.8.4 e): the accounts after the change, the fund account with the status it now has. */
export function statusChangeReply(record: TransactionRecord, accountState: CustodyAccountState): ReplyDraft<'Acmt.006.01'> {
  if (record.status !== 'SUCCEEDED' || !record.fundAccountNo) {
    return { name: 'Acmt.006.01', serial: record.bankSerial, body: { Rst: result(record.returnCode, record.info) } };
  }
  return {
    name: 'Acmt.006.01',
    serial: record.bankSerial,
    body: {
      Rst: result(RC.SUCCESS),
      BkAcct: record.bankAccountNo ? { Id: record.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT } : undefined,
      ScAcct: { Id: record.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT, Status: ACCOUNT_STATUS[accountState] },
      Dgst: '修改账户状态',
    },
  };
}

export function transferReply(record: TransactionRecord): ReplyDraft<'Trf.002.01'> {
  if (record.status !== 'SUCCEEDED' || !record.bankAccountNo || !record.fundAccountNo) {
    return { name: 'Trf.002.01', serial: record.bankSerial, body: { Rst: result(record.returnCode, record.info) } };
  }
  return {
    name: 'Trf.002.01',
    serial: record.bankSerial,
    body: {
      Rst: result(RC.SUCCESS),
      BkAcct: { Id: record.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
      ScAcct: { Id: record.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT },
      Ccy: record.currency,
      TrfAmt: record.amount,
    },
  };
}

/** 12003/12004 reply: the original named again in `CnRef`, with what it moved (§5.16). */
export function reversalReply(record: TransactionRecord): ReplyDraft<'Trf.004.01'> {
  const cancelled = record.cancelledRef;
  return {
    name: 'Trf.004.01',
    serial: record.bankSerial,
    body: {
      Rst: result(record.returnCode, record.status === 'SUCCEEDED' ? undefined : record.info),
      CnRef: cancelled && { Ref: cancelled.serial, IssrType: cancelled.issuerType, RefIssr: cancelled.issuerId },
      BkAcct: record.bankAccountNo ? { Id: record.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT } : undefined,
      ScAcct: record.fundAccountNo ? { Id: record.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT } : undefined,
      Ccy: record.currency,
      TrfAmt: record.amount,
    },
  };
}

/**
 * 12005 reply: `Rst` 0000 (the query worked), `OrgRst` the original's result, and as the second
 * `QryRef` the other side's serial of that original when the bank knows it.
 */
export function queryReply(queried: Reference, answer: QueryAnswer, bankCode: string): ReplyDraft<'Trf.006.01'> {
  const record = answer.record;
  const counterpart: Reference | undefined =
    record?.ref.issuerType === 'S'
      ? { Ref: record.bankSerial, IssrType: 'B', RefIssr: bankCode }
      : record?.counterpartSerial
        ? { Ref: record.counterpartSerial, IssrType: 'S' }
        : undefined;
  const info = answer.returnCode === record?.returnCode && record.info ? record.info : describeReturnCode(answer.returnCode)?.en;
  return {
    name: 'Trf.006.01',
    body: {
      Rst: result(RC.SUCCESS),
      QryRef: counterpart ? [queried, counterpart] : [queried],
      OrgRst: result(answer.returnCode, info),
      BkAcct: record?.bankAccountNo ? { Id: record.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT } : undefined,
      ScAcct: record?.fundAccountNo ? { Id: record.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT } : undefined,
      Ccy: record?.currency,
      TrfAmt: record?.amount,
    },
  };
}
