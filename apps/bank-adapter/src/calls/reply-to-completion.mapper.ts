import { describeReturnCode, type ProtocolMessage } from '@custody/bank-protocol';
import type { BankCall, CallCompletion } from './bank-call.types';

export type CallReplyName = 'Acmt.002.01' | 'Trf.002.01' | 'Trf.004.01' | 'Trf.006.01' | 'Stmt.006.01' | 'Stmt.008.01';
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
    case 'Trf.006.01': {
      const original = reply.body.OrgRst;
      return original ? { ...completion, originalReturnCode: original.Code } : completion;
    }
    case 'Trf.002.01':
    case 'Trf.004.01':
    case 'Stmt.006.01':
    case 'Stmt.008.01':
      return completion;
  }
}
