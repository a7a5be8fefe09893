import { Money } from '@custody/money';
import iconv from 'iconv-lite';
import { INSTRUCTION_CODES, type InstructionCode } from './code-lists';
import type { MessageHeader } from './components';
import { decodeMessage } from './message-codec';
import { MESSAGE_VERSION } from './message-headers';
import type { ProtocolMessage } from './message-registry';
import { MessageDecodeError } from './protocol-errors';
import { parseKeyHex } from './session-keys';

/** Fixture builders shared by this library's specs (not exported from the library). */

export const BROKER_ID = '10270000';
export const BANK_ID = '1021000';
export const EXCHANGE_KEY_HEX = '0123456789ABCDEFFEDCBA9876543210';
export const EXCHANGE_KEY = parseKeyHex(EXCHANGE_KEY_HEX);

export function brokerHeader(instrCd: InstructionCode, serial = '2024010500000001', extra: Partial<MessageHeader> = {}): MessageHeader {
  return {
    Ver: MESSAGE_VERSION,
    SysType: '0',
    InstrCd: instrCd,
    TradSrc: 'S',
    Sender: { InstType: 'S', InstId: BROKER_ID },
    Recver: { InstType: 'B', InstId: BANK_ID },
    Date: '20240105',
    Time: '093000',
    Ref: { Ref: serial, IssrType: 'S', RefIssr: BROKER_ID },
    ...extra,
  };
}

export function bankReplyHeader(request: MessageHeader, serial = 'B000000001'): MessageHeader {
  return {
    Ver: MESSAGE_VERSION,
    SysType: '0',
    InstrCd: request.InstrCd,
    TradSrc: request.TradSrc,
    Sender: { InstType: 'B', InstId: BANK_ID },
    Recver: { InstType: 'S', InstId: BROKER_ID },
    Date: '20240105',
    Time: '093001',
    Ref: { Ref: serial, IssrType: 'B', RefIssr: BANK_ID },
    RltdRef: request.Ref,
  };
}

/** A request the bank starts (TradSrc B, a bank serial). */
export function bankHeader(instrCd: InstructionCode, serial = 'B2024010500000001'): MessageHeader {
  return {
    Ver: MESSAGE_VERSION,
    SysType: '0',
    InstrCd: instrCd,
    TradSrc: 'B',
    Sender: { InstType: 'B', InstId: BANK_ID },
    Recver: { InstType: 'S', InstId: BROKER_ID },
    Date: '20240105',
    Time: '100000',
    Ref: { Ref: serial, IssrType: 'B', RefIssr: BANK_ID },
  };
}

export function brokerReplyHeader(request: MessageHeader, serial = '2024010500000002'): MessageHeader {
  return {
    Ver: MESSAGE_VERSION,
    SysType: '0',
    InstrCd: request.InstrCd,
    TradSrc: request.TradSrc,
    Sender: { InstType: 'S', InstId: BROKER_ID },
    Recver: { InstType: 'B', InstId: BANK_ID },
    Date: '20240105',
    Time: '100001',
    Ref: { Ref: serial, IssrType: 'S', RefIssr: BROKER_ID },
    RltdRef: request.Ref,
  };
}

export function transferRequest(amount = '1000.00', serial = '2024010500000001'): ProtocolMessage<'Trf.001.01'> {
  return {
    name: 'Trf.001.01',
    body: {
      MsgHdr: brokerHeader(INSTRUCTION_CODES.SECURITIES_TO_BANK, serial),
      Cust: { Name: '张三', CertType: '10', CertId: '610103198001012435' },
      BkAcct: { Id: '6222021234567890123', Type: '1', Pwd: [{ Type: '1', Enc: '02', Pwd: '0123456789ABCDEF' }] },
      ScAcct: { Id: '101200001234', Type: '3' },
      Ccy: 'CNY',
      TrfAmt: Money.parse(amount),
      Dgst: '证券转银行',
    },
  };
}

export function designationRequest(name = '张三'): ProtocolMessage<'Acmt.001.01'> {
  return {
    name: 'Acmt.001.01',
    body: {
      MsgHdr: brokerHeader(INSTRUCTION_CODES.DESIGNATE),
      Cust: { Name: name, CertType: '10', CertId: '610103198001012435', Type: 'INVE', Gender: 'M', Ntnl: 'CHN' },
      BkAcct: { Id: '6222021234567890123', Type: '1', Pwd: [{ Type: '1', Enc: '02', Pwd: '0123456789ABCDEF' }] },
      ScAcct: { Id: '101200001234', Type: '3' },
      Ccy: 'CNY',
      ScBal: { Type: '0', Bal: Money.parse('10000.00') },
      Dgst: '指定存管',
    },
  };
}

/** Wraps a message element's XML in `<MsgText>` and encodes it, for hand-written (often broken) bodies. */
export function msgTextOf(messageXml: string): Buffer {
  return iconv.encode(`<MsgText>${messageXml}</MsgText>`, 'gb18030');
}

export const HEADER_XML =
  '<MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>12002</InstrCd><TradSrc>S</TradSrc>' +
  '<Sender><InstType>S</InstType><InstId>10270000</InstId></Sender><Recver><InstType>B</InstType><InstId>1021000</InstId></Recver>' +
  '<Date>20240105</Date><Time>093000</Time><Ref><Ref>2024010500000001</Ref><IssrType>S</IssrType><RefIssr>10270000</RefIssr></Ref></MsgHdr>';

/** How `side` refuses to read a message's XML; throws if it reads it. */
export function decodeRefusal(side: 'S' | 'B', messageXml: string): MessageDecodeError {
  try {
    decodeMessage(msgTextOf(messageXml), { localSide: side });
  } catch (error) {
    if (error instanceof MessageDecodeError) return error;
    throw error;
  }
  throw new Error('expected the message to be refused');
}
