import type { Chk01Record, TransferSummary, TransferSummaryConfirm } from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { BANK_RETURN_CODES as RC } from '../books/bank-return-codes';

/**
 * 13010, the transfer summary check (bank-protocol.md §7 step 4), from the bank's side: its own figures from its
 * CHK01 of D, compared with the broker's. Deposits are 12001 + 12003 records, `DpstAmt` = Σ 12001 − Σ 12003;
 * withdrawals 12002 + 12004 records, `WtdrAmt` = Σ 12002 − Σ 12004.
 */

export interface TransferFigures {
  readonly depositCount: number;
  readonly depositAmount: Money;
  readonly withdrawalCount: number;
  readonly withdrawalAmount: Money;
}

export function transferFiguresOf(records: Iterable<Pick<Chk01Record, 'functionCode' | 'amount'>>): TransferFigures {
  let depositCount = 0;
  let withdrawalCount = 0;
  let depositAmount = Money.zero();
  let withdrawalAmount = Money.zero();
  for (const { functionCode, amount } of records) {
    switch (functionCode) {
      case '12001':
        depositCount += 1;
        depositAmount = depositAmount.plus(amount);
        break;
      case '12003':
        depositCount += 1;
        depositAmount = depositAmount.minus(amount);
        break;
      case '12002':
        withdrawalCount += 1;
        withdrawalAmount = withdrawalAmount.plus(amount);
        break;
      case '12004':
        withdrawalCount += 1;
        withdrawalAmount = withdrawalAmount.minus(amount);
        break;
    }
  }
  return { depositCount, depositAmount, withdrawalCount, withdrawalAmount };
}

function sameFigures(own: TransferFigures, broker: TransferSummary): boolean {
  return (
    own.depositCount === broker.DpstNum && own.depositAmount.equals(broker.DpstAmt) && own.withdrawalCount === broker.WtdrNum && own.withdrawalAmount.equals(broker.WtdrAmt)
  );
}

/**
 * The bank's `TrfSumCnfm`: `BkEntry` its figures, `ScEntry` the broker's echoed, `ChkRst` 0000 when they are
 * equal, otherwise 5208 (the standard has no code of its own for it). A net amount below zero (more reversed
 * than moved on D, e.g. a reversal of an earlier day's transfer) has no `Amount` to carry it: `BkEntry` is left
 * out and the check fails, naming its figures.
 */
export function summaryConfirmation(own: TransferFigures, broker: TransferSummary): TransferSummaryConfirm {
  if (own.depositAmount.isNegative() || own.withdrawalAmount.isNegative()) {
    return {
      ScEntry: broker,
      ChkRst: { Code: RC.SUMMARY_MISMATCH, Info: `bank nets deposits ${own.depositAmount.toString()}, withdrawals ${own.withdrawalAmount.toString()}` },
    };
  }
  const bankEntry: TransferSummary = { DpstNum: own.depositCount, DpstAmt: own.depositAmount, WtdrNum: own.withdrawalCount, WtdrAmt: own.withdrawalAmount };
  return sameFigures(own, broker)
    ? { BkEntry: bankEntry, ScEntry: broker, ChkRst: { Code: RC.SUCCESS } }
    : { BkEntry: bankEntry, ScEntry: broker, ChkRst: { Code: RC.SUMMARY_MISMATCH, Info: 'transfer summary differs from the bank CHK01' } };
}
