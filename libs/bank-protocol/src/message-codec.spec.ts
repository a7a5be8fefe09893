import { Money } from '@custody/money';
import { randomBytes } from 'node:crypto';
import { INSTRUCTION_CODES } from './code-lists';
import { decodeGb18030 } from './gb18030';
import { decodeMessage, encodeMessage, encodeRefusal } from './message-codec';
import type { ProtocolMessage } from './message-registry';
import { encodeMessagePackage, decodeMessagePackage } from './package-codec';
import { BankProtocolError, MessageDecodeError, MessageEncodeError } from './protocol-errors';
import {
  bankReplyHeader,
  brokerHeader,
  designationRequest,
  EXCHANGE_KEY,
  HEADER_XML,
  msgTextOf,
  transferRequest,
} from './spec-fixtures';

function decodeAs(side: 'S' | 'B', msgText: Buffer): ProtocolMessage {
  return decodeMessage(msgText, { localSide: side });
}

function refusalOf(side: 'S' | 'B', msgText: Buffer): MessageDecodeError {
  try {
    decodeAs(side, msgText);
  } catch (error) {
    if (error instanceof MessageDecodeError) return error;
    throw error;
  }
  throw new Error('expected the message to be refused');
}

function transferXml(amountXml: string, extra = ''): Buffer {
  return msgTextOf(`<Trf.001.01>${HEADER_XML}${extra}<TrfAmt>${amountXml}</TrfAmt></Trf.001.01>`);
}

describe('message codec', () => {
  describe('encoding follows the standard tables', () => {
    it('§5.13 table 30: Trf.001.01 elements are written in table order whatever the object key order', () => {
      const original = transferRequest();
      const shuffled: ProtocolMessage = {
        name: 'Trf.001.01',
        body: {
          Dgst: original.body.Dgst,
          TrfAmt: original.body.TrfAmt,
          Ccy: original.body.Ccy,
          ScAcct: original.body.ScAcct,
          BkAcct: original.body.BkAcct,
          Cust: original.body.Cust,
          Resend: 'Y',
          MsgHdr: original.body.MsgHdr,
        },
      };
      const xml = decodeGb18030(encodeMessage(shuffled)) ?? '';
      const order = ['<MsgHdr>', '<Resend>', '<Cust>', '<BkAcct>', '<ScAcct>', '<Ccy>', '<TrfAmt>', '<Dgst>'].map((tag) => xml.indexOf(tag));
      expect(order.every((position, i) => position > 0 && (i === 0 || position > order[i - 1]))).toBe(true);
      expect(xml.startsWith('<MsgText><Trf.001.01><MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>12002</InstrCd><TradSrc>S</TradSrc>')).toBe(true);
      expect(xml).toContain('<Ref><Ref>2024010500000001</Ref><IssrType>S</IssrType><RefIssr>10270000</RefIssr></Ref>');
      expect(xml).toContain('<TrfAmt>1000.00</TrfAmt>');
    });

    it('§5.13: a transfer round-trips, amounts as Money with two decimals', () => {
      const decoded = decodeAs('B', encodeMessage(transferRequest('0.5')));
      expect(decoded.name).toBe('Trf.001.01');
      if (decoded.name !== 'Trf.001.01') return;
      expect(decoded.body.TrfAmt.toString()).toBe('0.50');
      expect(decoded.body.BkAcct?.Pwd?.[0]).toEqual({ Type: '1', Enc: '02', Pwd: '0123456789ABCDEF' });
      expect(decoded.body.MsgHdr.Ref).toEqual({ Ref: '2024010500000001', IssrType: 'S', RefIssr: '10270000' });
    });

    it('§5.3 table 20 and profile §4: designation carries Cust, BkAcct with Pwd, ScAcct, Ccy and the opening balance as ScBal', () => {
      const xml = decodeGb18030(encodeMessage(designationRequest())) ?? '';
      expect(xml).toContain(
        '<BkAcct><Id>6222021234567890123</Id><Type>1</Type><Pwd><Type>1</Type><Enc>02</Enc><Pwd>0123456789ABCDEF</Pwd></Pwd></BkAcct>' +
          '<ScAcct><Id>101200001234</Id><Type>3</Type></ScAcct><Ccy>CNY</Ccy><ScBal><Type>0</Type><Bal>10000.00</Bal></ScBal><Dgst>指定存管</Dgst>',
      );
      const decoded = decodeAs('B', encodeMessage(designationRequest()));
      expect(decoded.name === 'Acmt.001.01' && decoded.body.ScBal?.Bal.toString()).toBe('10000.00');
    });

    it('§5.4 and profile §4: the reply to 11002 carries the custody account as BkAcct with Type 2', () => {
      const request = { ...designationRequest().body.MsgHdr, InstrCd: INSTRUCTION_CODES.PRE_DESIGNATE };
      const reply: ProtocolMessage = {
        name: 'Acmt.002.01',
        body: {
          MsgHdr: bankReplyHeader(request),
          Rst: { Code: '0000' },
          BkAcct: { Id: '8888000012345678', Type: '2' },
          ScAcct: { Id: '101200001234', Type: '3' },
          Ccy: 'CNY',
        },
      };
      const decoded = decodeAs('S', encodeMessage(reply));
      expect(decoded.name === 'Acmt.002.01' && decoded.body.BkAcct).toEqual({ Id: '8888000012345678', Type: '2' });
    });

    it('§5.17/§5.18: the query uses <Amt>, its reply QryRef and OrgRst', () => {
      const query: ProtocolMessage = {
        name: 'Trf.005.01',
        body: {
          MsgHdr: brokerHeader(INSTRUCTION_CODES.QUERY_RESULT, '2024010500000009'),
          QryRef: { Ref: '2024010500000001', IssrType: 'S', RefIssr: '10270000' },
          Amt: Money.parse('1000'),
        },
      };
      const queryXml = decodeGb18030(encodeMessage(query)) ?? '';
      expect(queryXml).toContain('<QryRef><Ref>2024010500000001</Ref><IssrType>S</IssrType><RefIssr>10270000</RefIssr></QryRef><Amt>1000.00</Amt>');
      const reply: ProtocolMessage = {
        name: 'Trf.006.01',
        body: {
          MsgHdr: bankReplyHeader(query.body.MsgHdr),
          Rst: { Code: '0000' },
          QryRef: [query.body.QryRef],
          OrgRst: { Code: '1028', Info: '处理中' },
        },
      };
      const decoded = decodeAs('S', encodeMessage(reply));
      expect(decoded.name === 'Trf.006.01' && decoded.body.OrgRst).toEqual({ Code: '1028', Info: '处理中' });
    });

    it('refuses to invent fields: an element the table does not list is an encode error', () => {
      const message = transferRequest();
      const invented = { name: 'Trf.001.01', body: { ...message.body, TrfFee: '1.00' } } as unknown as ProtocolMessage;
      expect(() => encodeMessage(invented)).toThrow(MessageEncodeError);
    });

    it('refuses to send values outside their types (21-character serial, bad InstrCd for the message)', () => {
      expect(() => encodeMessage(transferRequest('1', 'X'.repeat(21)))).toThrow(/at most 20/);
      const wrongCode = transferRequest();
      expect(() => encodeMessage({ ...wrongCode, body: { ...wrongCode.body, MsgHdr: { ...wrongCode.body.MsgHdr, InstrCd: '11001' } } })).toThrow(
        MessageEncodeError,
      );
    });

    it('profile §4: a failed refusal reply has only MsgHdr and Rst, even for messages not typed yet', () => {
      const header = bankReplyHeader(brokerHeader(INSTRUCTION_CODES.INTEREST));
      const xml = decodeGb18030(encodeRefusal('Trf.007.01', header, { Code: '1034' })) ?? '';
      expect(xml).toMatch(/^<MsgText><Trf\.008\.01><MsgHdr>.*<\/MsgHdr><Rst><Code>1034<\/Code><\/Rst><\/Trf\.008\.01><\/MsgText>$/);
    });
  });

  describe('GB18030', () => {
    it('§4.2.2.4.1: 张三 travels as the GB18030 bytes D5C5 C8FD', () => {
      const bytes = encodeMessage(designationRequest('张三'));
      expect(bytes.includes(Buffer.from('<Name>\xd5\xc5\xc8\xfd</Name>', 'latin1'))).toBe(true);
      const decoded = decodeAs('B', bytes);
      expect(decoded.name === 'Acmt.001.01' && decoded.body.Cust.Name).toBe('张三');
    });

    it('§4.2.2.4.1: a rare name character outside the BMP (𠀀, U+20000) travels as the 4-byte sequence 9532 8236', () => {
      const bytes = encodeMessage(designationRequest('王𠀀'));
      expect(bytes.includes(Buffer.from([0x95, 0x32, 0x82, 0x36]))).toBe(true);
      const decoded = decodeAs('B', bytes);
      expect(decoded.name === 'Acmt.001.01' && decoded.body.Cust.Name).toBe('王𠀀');
    });

    it('§4.2.2.4: Max70Text counts characters, not bytes', () => {
      const decoded = decodeAs('B', encodeMessage(designationRequest('张'.repeat(70))));
      expect(decoded.name === 'Acmt.001.01' && decoded.body.Cust.Name.length).toBe(70);
      expect(() => encodeMessage(designationRequest('张'.repeat(71)))).toThrow(MessageEncodeError);
    });

    it('refuses bytes that are not valid GB18030', () => {
      const bytes = Buffer.concat([Buffer.from('<MsgText><Trf.001.01>'), Buffer.from([0x81, 0x20]), Buffer.from('</Trf.001.01></MsgText>')]);
      expect(refusalOf('B', bytes).reason).toBe('MALFORMED_XML');
    });
  });

  describe('reading what other implementations send', () => {
    it('Appendix B example (with Ver 1.0.0.1 per §4.4.2): RMB is read as CNY and INDV as INVE', () => {
      const xml =
        '<Acmt.001.01><MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>11001</InstrCd><TradSrc>S</TradSrc>' +
        '<Sender><InstType>S</InstType><InstId>10270000</InstId></Sender><Recver><InstType>B</InstType><InstId>1042900</InstId></Recver>' +
        '<Date>20060721</Date><Time>130000</Time><Ref><Ref>00000001</Ref><IssrType>S</IssrType></Ref></MsgHdr>\n' +
        '<Cust><Name>张三</Name><CertType>10</CertType><CertId>610103198001012435</CertId><Type>INDV</Type><Gender>M</Gender><Ntnl>CHN</Ntnl>' +
        '<Addr>上海市静安区</Addr><PstCd>666666</PstCd><Email>123456@hotmail.com</Email><Mobile>13888888888</Mobile></Cust>\n' +
        '<BkAcct><Id>888888888888</Id><Type>1</Type></BkAcct><ScAcct><Id>999999999999</Id><Type>3</Type></ScAcct><Ccy>RMB</Ccy>' +
        '<ScBal><Type>0</Type><Bal>10000.00</Bal></ScBal><Dgst>张三开户</Dgst></Acmt.001.01>';
      const decoded = decodeAs('B', msgTextOf(xml));
      if (decoded.name !== 'Acmt.001.01') throw new Error('wrong message');
      expect(decoded.body.Ccy).toBe('CNY');
      expect(decoded.body.Cust.Type).toBe('INVE');
      expect(decoded.body.ScBal?.Bal.toString()).toBe('10000.00');
    });

    it('§4.5.2: UE… extension elements are ignored; elements in another order are accepted', () => {
      const decoded = decodeAs('B', transferXml('10.00', '<UEChannel>MOBILE</UEChannel><Dgst>x</Dgst><Ccy>HKD</Ccy>'));
      expect(decoded.name === 'Trf.001.01' && decoded.body.Ccy).toBe('HKD');
    });

    it('profile §4: RMB is accepted on input as CNY', () => {
      const decoded = decodeAs('S', transferXml('1.00', '<Ccy>RMB</Ccy>'));
      expect(decoded.name === 'Trf.001.01' && decoded.body.Ccy).toBe('CNY');
    });

    it('entities and character references are decoded once', () => {
      const decoded = decodeAs('B', transferXml('10.00', '<Dgst>A&amp;B &#x5F20;&amp;#1;</Dgst>'));
      expect(decoded.name === 'Trf.001.01' && decoded.body.Dgst).toBe('A&B 张&#1;');
    });
  });

  describe('§7.23: malformed input is refused with the most specific return code for the side answering', () => {
    it.each([
      ['unknown message tag', 'UNKNOWN_MESSAGE', '1033', '2033', msgTextOf(`<Foo.001.01>${HEADER_XML}</Foo.001.01>`)],
      ['standard message not enabled here', 'NOT_ENABLED', '1034', '2033', msgTextOf(`<Trf.007.01>${HEADER_XML}</Trf.007.01>`)],
      ['unknown InstrCd', 'UNKNOWN_MESSAGE', '1033', '2033', msgTextOf(`<Trf.001.01>${HEADER_XML.replace('12002', '19999')}<TrfAmt>1</TrfAmt></Trf.001.01>`)],
      ['SysType 1 (银证转账)', 'NOT_ENABLED', '1034', '2033', msgTextOf(`<Trf.001.01>${HEADER_XML.replace('<SysType>0', '<SysType>1')}<TrfAmt>1</TrfAmt></Trf.001.01>`)],
      ['missing mandatory TrfAmt', 'MISSING_ELEMENT', '1044', '2044', msgTextOf(`<Trf.001.01>${HEADER_XML}</Trf.001.01>`)],
      ['missing mandatory MsgHdr/Sender', 'MISSING_ELEMENT', '1044', '2044', msgTextOf(`<Trf.001.01>${HEADER_XML.replace(/<Sender>.*<\/Sender>/, '')}<TrfAmt>1</TrfAmt></Trf.001.01>`)],
      ['element not in the table', 'UNEXPECTED_ELEMENT', '1044', '2044', transferXml('1.00', '<TrfFee>1</TrfFee>')],
      ['singleton repeated', 'TOO_MANY_OCCURRENCES', '1044', '2044', transferXml('1.00', '<Ccy>CNY</Ccy><Ccy>CNY</Ccy>')],
      ['amount with 3 decimals', 'INVALID_AMOUNT', '1044', '2044', transferXml('1.005')],
      ['negative amount', 'INVALID_AMOUNT', '1044', '2044', transferXml('-1.00')],
      ['zero transfer amount (§5.13.4 h)', 'INVALID_AMOUNT', '1044', '2044', transferXml('0.00')],
      ['19-digit amount', 'INVALID_AMOUNT', '1044', '2044', transferXml('12345678901234567.89')],
      ['amount in exponent notation', 'INVALID_AMOUNT', '1044', '2044', transferXml('1e3')],
      ['unknown currency', 'INVALID_CURRENCY', '1044', '3011', transferXml('1.00', '<Ccy>EUR</Ccy>')],
      ['serial longer than 20 characters', 'INVALID_REFERENCE', '5236', '2044', msgTextOf(`<Trf.001.01>${HEADER_XML.replace('2024010500000001', 'X'.repeat(21))}<TrfAmt>1</TrfAmt></Trf.001.01>`)],
      ['bad date', 'INVALID_VALUE', '1044', '2044', msgTextOf(`<Trf.001.01>${HEADER_XML.replace('20240105', '20240230')}<TrfAmt>1</TrfAmt></Trf.001.01>`)],
      ['not XML', 'MALFORMED_XML', '1044', '2044', msgTextOf('<Trf.001.01><MsgHdr></Trf.001.01>')],
      ['DOCTYPE', 'MALFORMED_XML', '1044', '2044', Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><MsgText/>')],
      ['two messages in one MsgText', 'MALFORMED_XML', '1044', '2044', msgTextOf('<A/><B/>')],
      ['attributes on elements', 'MALFORMED_XML', '1044', '2044', transferXml('1.00', '<Ccy x="1">CNY</Ccy>')],
    ])('%s → %s (bank answers %s, broker %s)', (_case, reason, bankCode, brokerCode, bytes) => {
      const atBank = refusalOf('B', bytes);
      expect(atBank.reason).toBe(reason);
      expect(atBank.returnCode).toBe(bankCode);
      expect(refusalOf('S', bytes).returnCode).toBe(brokerCode);
    });

    it('a refused request still yields its header, so it can be answered to its Ref', () => {
      const error = refusalOf('B', transferXml('1.005'));
      expect(error.messageName).toBe('Trf.001.01');
      expect(error.header?.Ref.Ref).toBe('2024010500000001');
      expect(error.path).toBe('Trf.001.01/TrfAmt');
    });

    it('§5.x.4 c: a reply must name its request in RltdRef', () => {
      const xml = `<Trf.002.01>${HEADER_XML}<Rst><Code>0000</Code></Rst></Trf.002.01>`;
      expect(refusalOf('S', msgTextOf(xml)).reason).toBe('MISSING_ELEMENT');
    });

    it('§5.18.4: a successful query reply must carry OrgRst; a failed one may stop after Rst', () => {
      const header = bankReplyHeader(brokerHeader(INSTRUCTION_CODES.QUERY_RESULT));
      const ok: ProtocolMessage = { name: 'Trf.006.01', body: { MsgHdr: header, Rst: { Code: '0000' } } };
      expect(() => encodeMessage(ok)).toThrow(/OrgRst/);
      const failed: ProtocolMessage = { name: 'Trf.006.01', body: { MsgHdr: header, Rst: { Code: '2041' } } };
      expect(decodeAs('S', encodeMessage(failed)).name).toBe('Trf.006.01');
    });

    it('§5.1.4 d: a sign-in without AuthData is refused', () => {
      const message: ProtocolMessage = { name: 'Sysm.001.01', body: { MsgHdr: brokerHeader(INSTRUCTION_CODES.SIGN_IN) } };
      expect(() => encodeMessage(message)).toThrow(/AuthData/);
    });

    it('§7.23: a return code printed as 0 is read as 0000', () => {
      const header = bankReplyHeader(brokerHeader(INSTRUCTION_CODES.HEARTBEAT));
      const bytes = encodeMessage({ name: 'Sysm.002.01', body: { MsgHdr: header, Rst: { Code: '0000' } } });
      const edited = Buffer.from((decodeGb18030(bytes) ?? '').replace('<Code>0000</Code>', '<Code>0</Code>'));
      const decoded = decodeAs('S', edited);
      expect(decoded.name === 'Sysm.002.01' && decoded.body.Rst.Code).toBe('0000');
    });
  });

  describe('robustness', () => {
    it('never throws anything but its own errors on arbitrary bytes', () => {
      const valid = encodeMessagePackage(transferRequest(), { seqNo: 7 }, { mode: 'SUM256', macKey: EXCHANGE_KEY });
      const inputs: Buffer[] = [Buffer.alloc(0), Buffer.from('<MsgText>'), Buffer.from('<MsgText><constructor/></MsgText>')];
      for (let i = 0; i < 300; i += 1) inputs.push(randomBytes(1 + (i % 200)));
      for (let i = 0; i < 700; i += 1) {
        const mutated = Buffer.from(valid);
        for (let j = 0; j < 1 + (i % 4); j += 1) mutated[Math.floor(Math.random() * mutated.length)] = Math.floor(Math.random() * 256);
        inputs.push(mutated);
        inputs.push(mutated.subarray(0, Math.floor(Math.random() * mutated.length)));
      }
      const foreign: unknown[] = [];
      let refused = 0;
      for (const input of inputs) {
        for (const attempt of [
          () => decodeMessage(input, { localSide: 'B' }),
          () => decodeMessagePackage(input, { localSide: 'S', security: { mode: 'HMAC-SM3', macKey: EXCHANGE_KEY } }),
        ]) {
          try {
            attempt();
          } catch (error) {
            if (error instanceof BankProtocolError) refused += 1;
            else foreign.push(error);
          }
        }
      }
      expect(foreign).toEqual([]);
      // The refusal path did run (the HMAC-SM3 check alone refuses every one of these SUM256 packages).
      expect(refused).toBeGreaterThanOrEqual(inputs.length);
    });
  });
});
