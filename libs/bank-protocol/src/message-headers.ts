import { CUSTODY_SYSTEM_TYPE, type InstructionCode, type YesNo } from './code-lists';
import type { MessageHeader } from './components';
import type { ProtocolSide } from './return-codes';

/** Table 16 note 1 and profile §1: the message version. */
export const MESSAGE_VERSION = '1.0.0.1';

/**
 * Issues serial numbers for `Ref` (profile §1: at most 20 characters, unique per issuer for ever).
 * Durable uniqueness needs storage, so production issuers live with the applications.
 */
export interface RefIssuer {
  next(): string;
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * Header `Date`/`Time` are the sender's clock, and Chinese banks' clocks are Beijing time (UTC+8, no
 * daylight saving), whatever time zone our servers run in.
 */
export function beijingDateTime(at: Date): { readonly date: string; readonly time: string } {
  const shifted = new Date(at.getTime() + BEIJING_OFFSET_MS).toISOString();
  return {
    date: `${shifted.slice(0, 4)}${shifted.slice(5, 7)}${shifted.slice(8, 10)}`,
    time: `${shifted.slice(11, 13)}${shifted.slice(14, 16)}${shifted.slice(17, 19)}`,
  };
}

export interface HeaderParties {
  readonly side: ProtocolSide;
  readonly localInstId: string;
  readonly peerInstId: string;
}

function otherSide(side: ProtocolSide): ProtocolSide {
  return side === 'S' ? 'B' : 'S';
}

/**
 * The header of a request we initiate: we are `TradSrc`, `Sender` and the `Ref` issuer. `lastFragment`
 * is `LstFrag` (§6.1.14), set only on file chunks (13009; profile §5).
 */
export function requestHeader(parties: HeaderParties, instrCd: InstructionCode, serial: string, at: Date, lastFragment?: YesNo): MessageHeader {
  const { date, time } = beijingDateTime(at);
  return {
    Ver: MESSAGE_VERSION,
    SysType: CUSTODY_SYSTEM_TYPE,
    InstrCd: instrCd,
    TradSrc: parties.side,
    Sender: { InstType: parties.side, InstId: parties.localInstId },
    Recver: { InstType: otherSide(parties.side), InstId: parties.peerInstId },
    Date: date,
    Time: time,
    Ref: { Ref: serial, IssrType: parties.side, RefIssr: parties.localInstId },
    ...(lastFragment === undefined ? {} : { LstFrag: lastFragment }),
  };
}

/**
 * The header of our reply: it keeps the request's `InstrCd` and `TradSrc` (profile §1), carries its
 * own new `Ref`, and names the request's `Ref` in `RltdRef`. `lastFragment` is `LstFrag`, set only on
 * the answer to a chunk request (13007; profile §5).
 */
export function replyHeader(
  request: MessageHeader,
  parties: Omit<HeaderParties, 'peerInstId'>,
  serial: string,
  at: Date,
  lastFragment?: YesNo,
): MessageHeader {
  const { date, time } = beijingDateTime(at);
  return {
    Ver: MESSAGE_VERSION,
    SysType: CUSTODY_SYSTEM_TYPE,
    InstrCd: request.InstrCd,
    TradSrc: request.TradSrc,
    Sender: { InstType: parties.side, InstId: parties.localInstId },
    Recver: { InstType: request.Sender.InstType, InstId: request.Sender.InstId },
    Date: date,
    Time: time,
    Ref: { Ref: serial, IssrType: parties.side, RefIssr: parties.localInstId },
    RltdRef: request.Ref,
    ...(lastFragment === undefined ? {} : { LstFrag: lastFragment }),
  };
}
