import { type Balance, describeReturnCode, isSuccess, type ProtocolMessage, type TransferSummary } from '@custody/bank-protocol';
import type { TransferSummary as SummaryFigures } from '@custody/contracts';
import type { BankCall, CallCompletion } from './bank-call.types';

export type CallReplyName = 'Acmt.002.01' | 'Acmt.006.01' | 'Acmt.010.01' | 'Trf.002.01' | 'Trf.004.01' | 'Trf.006.01' | 'Stmt.002.01' | 'Stmt.006.01' | 'Stmt.008.01';
export type CallReply = ProtocolMessage<CallReplyName>;

/** The fields every completion of a call carries. */
export function completionBase(call: BankCall): Pick<CallCompletion, 'callId' | 'bankCode' | 'function' | 'serialNo'> {
  return { callId: call.callId, bankCode: call.bankCode, function: call.function, serialNo: call.serialNo };
}

/**
 * A readable reply is REPLIED, whatever its code: the bank answered, and the code says how. The
 * library has already matched it to our request by `RltdRef` and checked its name and InstrCd.
 */
export function replyToCompletion(call: BankCall, reply: CallReply): CallCompletion {
  const { Rst, MsgHdr } = reply.body;
  const completion: CallCompletion = {
    ...completionBase(call),
    outcome: 'REPLIED',
    returnCode: Rst.Code,
    returnMessage: Rst.Info ?? describeReturnCode(Rst.Code)?.zh,
    bankSerialNo: MsgHdr.Ref.Ref,
  };
  switch (reply.name) {
    case 'Acmt.002.01': {
      // Profile §4: the custody account (存管账户) travels as BkAcct with Type 2.
      const bankAccount = reply.body.BkAcct;
      return bankAccount?.Type === '2' ? { ...completion, custodyAccountNo: bankAccount.Id } : completion;
    }
    case 'Acmt.010.01': {
      // Profile §4.1: 11009's answer carries BkBal of type 0 (balance) and 1 (available); without both it answers nothing.
      // 11007's answer is its code alone.
      const balances = isSuccess(Rst.Code) ? bankBalances(reply.body.BkBal ?? []) : undefined;
      return balances ? { ...completion, bankBalances: balances } : completion;
    }
    case 'Trf.006.01': {
      const original = reply.body.OrgRst;
      return original ? { ...completion, originalReturnCode: original.Code } : completion;
    }
    case 'Stmt.002.01': {
      // Profile §7 step 4: a 0000 answer carries one TrfSumCnfm (the codec checks it): ChkRst 0000 when the
      // figures agree, else 5208, and BkEntry the bank's own figures. A refused 13010 carries no verdict.
      const confirm = reply.body.TrfSumCnfm?.[0];
      if (!isSuccess(Rst.Code) || !confirm) return completion;
      const bank = confirm.BkEntry === undefined ? {} : { bank: summaryFigures(confirm.BkEntry) };
      return { ...completion, summaryCheck: { checkReturnCode: confirm.ChkRst.Code, ...bank } };
    }
    case 'Acmt.006.01':
    case 'Trf.002.01':
    case 'Trf.004.01':
    case 'Stmt.006.01':
    case 'Stmt.008.01':
      return completion;
  }
}

/** JR/T 0046 §7.15: balance type 0 is the balance (余额), 1 the available balance (可用余额). */
function bankBalances(balances: readonly Balance[]): CallCompletion['bankBalances'] {
  const balance = balances.find((b) => b.Type === '0')?.Bal;
  const available = balances.find((b) => b.Type === '1')?.Bal;
  return balance && available ? { balance, available } : undefined;
}

/** A `TrfSumStamt`/`BkEntry` as the contracts carry it. */
function summaryFigures(entry: TransferSummary): SummaryFigures {
  return {
    depositCount: entry.DpstNum,
    depositAmount: entry.DpstAmt,
    withdrawalCount: entry.WtdrNum,
    withdrawalAmount: entry.WtdrAmt,
  };
}
