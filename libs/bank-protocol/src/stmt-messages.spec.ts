import { Money } from '@custody/money';
import { INSTRUCTION_CODES, type InstructionCode } from './code-lists';
import { decodeGb18030 } from './gb18030';
import { decodeMessage, encodeMessage } from './message-codec';
import type { ProtocolMessage } from './message-registry';
import { MessageEncodeError } from './protocol-errors';
import { bankReplyHeader, brokerHeader, msgTextOf, decodeRefusal } from './spec-fixtures';

/** The XML of `brokerHeader(instrCd)` and of `bankReplyHeader` to it, as the golden texts below spell them. */
function requestHeaderXml(instrCd: string): string {
  return (
    `<MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>${instrCd}</InstrCd><TradSrc>S</TradSrc>` +
    '<Sender><InstType>S</InstType><InstId>10270000</InstId></Sender><Recver><InstType>B</InstType><InstId>1021000</InstId></Recver>' +
    '<Date>20240105</Date><Time>093000</Time><Ref><Ref>2024010500000001</Ref><IssrType>S</IssrType><RefIssr>10270000</RefIssr></Ref></MsgHdr>'
  );
}

function replyHeaderXml(instrCd: string): string {
  return (
    `<MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>${instrCd}</InstrCd><TradSrc>S</TradSrc>` +
    '<Sender><InstType>B</InstType><InstId>1021000</InstId></Sender><Recver><InstType>S</InstType><InstId>10270000</InstId></Recver>' +
    '<Date>20240105</Date><Time>093001</Time><Ref><Ref>B000000001</Ref><IssrType>B</IssrType><RefIssr>1021000</RefIssr></Ref>' +
    '<RltdRef><Ref>2024010500000001</Ref><IssrType>S</IssrType><RefIssr>10270000</RefIssr></RltdRef></MsgHdr>'
  );
}

const replyTo = (instrCd: InstructionCode) => bankReplyHeader(brokerHeader(instrCd));
const SUMMARY = INSTRUCTION_CODES.RECONCILE_TRANSFER_SUMMARY;
const READY = INSTRUCTION_CODES.DAY_END_DATA_READY;
const DAY_END = INSTRUCTION_CODES.DAY_BUSINESS_END;
const DAY_START = INSTRUCTION_CODES.DAY_BUSINESS_START;

const ours = { DpstNum: 3, DpstAmt: Money.parse('1500.00'), WtdrNum: 2, WtdrAmt: Money.parse('300.50') };
const theirs = { DpstNum: 3, DpstAmt: Money.parse('1500.00'), WtdrNum: 1, WtdrAmt: Money.parse('0', 'non-negative') };
const OURS_XML = '<DpstNum>3</DpstNum><DpstAmt>1500.00</DpstAmt><WtdrNum>2</WtdrNum><WtdrAmt>300.50</WtdrAmt>';
const THEIRS_XML = '<DpstNum>3</DpstNum><DpstAmt>1500.00</DpstAmt><WtdrNum>1</WtdrNum><WtdrAmt>0.00</WtdrAmt>';
const CHK01 = {
  BusCode: '0001',
  BusDate: '20240105',
  FileName: 'S_CHK01_20240105.gz',
  FileLen: 1234,
  FileMac: 'A'.repeat(64),
} as const;
const CHK01_XML = `<BusCode>0001</BusCode><BusDate>20240105</BusDate><FileName>S_CHK01_20240105.gz</FileName><FileLen>1234</FileLen><FileMac>${'A'.repeat(64)}</FileMac>`;

/** One of each message, and the exact XML the standard's tables make of it. */
const GOLDEN: ReadonlyArray<readonly [string, ProtocolMessage, string]> = [
  [
    '§5.21 table 38, profile §7 step 4: 13010 with RecNum 1 and one TrfSumStamt',
    { name: 'Stmt.001.01', body: { MsgHdr: brokerHeader(SUMMARY), RecNum: 1, TrfSumStamt: [ours] } },
    `<Stmt.001.01>${requestHeaderXml('13010')}<RecNum>1</RecNum><TrfSumStamt>${OURS_XML}</TrfSumStamt></Stmt.001.01>`,
  ],
  [
    '§5.22 table 40: the bank’s figures, ours echoed and the verdict 5208',
    {
      name: 'Stmt.002.01',
      body: {
        MsgHdr: replyTo(SUMMARY),
        Rst: { Code: '0000' },
        RecNum: 1,
        TrfSumCnfm: [{ BkEntry: theirs, ScEntry: ours, ChkRst: { Code: '5208', Info: '转出不符' } }],
      },
    },
    `<Stmt.002.01>${replyHeaderXml('13010')}<Rst><Code>0000</Code></Rst><RecNum>1</RecNum><TrfSumCnfm><BkEntry>${THEIRS_XML}</BkEntry>` +
      `<ScEntry>${OURS_XML}</ScEntry><ChkRst><Code>5208</Code><Info>转出不符</Info></ChkRst></TrfSumCnfm></Stmt.002.01>`,
  ],
  [
    '§5.23 table 42, profile §5 step 4: 13005 lists each file with BusCode, BusDate, FileName, FileLen and FileMac',
    { name: 'Stmt.003.01', body: { MsgHdr: brokerHeader(READY), FileInfo: [CHK01, { ...CHK01, BusCode: '0002', FileName: 'S_CHK02_20240105.gz' }] } },
    `<Stmt.003.01>${requestHeaderXml('13005')}<FileInfo>${CHK01_XML}</FileInfo>` +
      `<FileInfo>${CHK01_XML.replace('0001', '0002').replace('CHK01', 'CHK02')}</FileInfo></Stmt.003.01>`,
  ],
  [
    '§5.24 table 43: a refusal names the file',
    { name: 'Stmt.004.01', body: { MsgHdr: replyTo(READY), Rst: { Code: '5208', Info: 'S_CHK02_20240105.gz: not received' } } },
    `<Stmt.004.01>${replyHeaderXml('13005')}<Rst><Code>5208</Code><Info>S_CHK02_20240105.gz: not received</Info></Rst></Stmt.004.01>`,
  ],
  [
    '§5.25 table 44: 13011',
    { name: 'Stmt.005.01', body: { MsgHdr: brokerHeader(DAY_END), Dgst: '日间业务结束' } },
    `<Stmt.005.01>${requestHeaderXml('13011')}<Dgst>日间业务结束</Dgst></Stmt.005.01>`,
  ],
  [
    '§5.26 table 45: the answer to 13011',
    { name: 'Stmt.006.01', body: { MsgHdr: replyTo(DAY_END), Rst: { Code: '0000' } } },
    `<Stmt.006.01>${replyHeaderXml('13011')}<Rst><Code>0000</Code></Rst></Stmt.006.01>`,
  ],
  [
    '§5.27 table 46, profile §7 step 1: 13012 with BusiDate',
    { name: 'Stmt.007.01', body: { MsgHdr: brokerHeader(DAY_START), BusiDate: '20240108' } },
    `<Stmt.007.01>${requestHeaderXml('13012')}<BusiDate>20240108</BusiDate></Stmt.007.01>`,
  ],
  [
    '§5.28 table 47, profile §7 step 1: an older date is answered 1032',
    { name: 'Stmt.008.01', body: { MsgHdr: replyTo(DAY_START), Rst: { Code: '1032', Info: '日期不符' } } },
    `<Stmt.008.01>${replyHeaderXml('13012')}<Rst><Code>1032</Code><Info>日期不符</Info></Rst></Stmt.008.01>`,
  ],
];

/** Money compares by value; JSON (Money writes its string) is what both sides must agree on. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('Stmt messages (§5.21–§5.28, profile §7)', () => {
  it.each(GOLDEN)('%s: encodes to the golden XML and decodes back', (_rule, message, xml) => {
    expect(decodeGb18030(encodeMessage(message))).toBe(`<MsgText>${xml}</MsgText>`);
    const side = message.body.MsgHdr.Sender.InstType === 'S' ? 'B' : 'S';
    expect(plain(decodeMessage(msgTextOf(xml), { localSide: side }))).toEqual(plain(message));
  });

  it('§6.18: summary amounts are Money, with two decimals', () => {
    const [, , xml] = GOLDEN[1];
    const decoded = decodeMessage(msgTextOf(xml), { localSide: 'S' });
    if (decoded.name !== 'Stmt.002.01') throw new Error(`decoded ${decoded.name}`);
    const confirm = decoded.body.TrfSumCnfm?.[0];
    expect(confirm?.ScEntry?.WtdrAmt).toBeInstanceOf(Money);
    expect(confirm?.ScEntry?.WtdrAmt.toString()).toBe('300.50');
    expect(confirm?.BkEntry?.WtdrAmt.isZero()).toBe(true);
  });

  it('§5.22.4 d: a failed 13010 answer may stop after Rst', () => {
    const decoded = decodeMessage(msgTextOf(`<Stmt.002.01>${replyHeaderXml('13010')}<Rst><Code>1032</Code></Rst></Stmt.002.01>`), { localSide: 'S' });
    expect(decoded.name).toBe('Stmt.002.01');
  });

  it('profile §7 step 1: a 13012 without BusiDate is never sent', () => {
    expect(() => encodeMessage({ name: 'Stmt.007.01', body: { MsgHdr: brokerHeader(DAY_START) } })).toThrow(MessageEncodeError);
  });

  const summaryWith = (body: string, instrCd = '13010') => `<Stmt.001.01>${requestHeaderXml(instrCd)}${body}</Stmt.001.01>`;
  const readyWith = (files: string) => `<Stmt.003.01>${requestHeaderXml('13005')}${files}</Stmt.003.01>`;

  it.each([
    { rule: '13010 without RecNum (§5.21.4 c)', xml: summaryWith(`<TrfSumStamt>${OURS_XML}</TrfSumStamt>`), reason: 'MISSING_ELEMENT', bank: '1044', broker: '2044' },
    { rule: '13010 whose RecNum is not its record count', xml: summaryWith(`<RecNum>2</RecNum><TrfSumStamt>${OURS_XML}</TrfSumStamt>`), reason: 'INVALID_VALUE', bank: '1044', broker: '2044' },
    { rule: '13010 with two TrfSumStamt (profile §7 step 4: one)', xml: summaryWith(`<RecNum>2</RecNum><TrfSumStamt>${OURS_XML}</TrfSumStamt><TrfSumStamt>${OURS_XML}</TrfSumStamt>`), reason: 'TOO_MANY_OCCURRENCES', bank: '1044', broker: '2044' },
    { rule: '13010 without TrfSumStamt (table 39)', xml: summaryWith('<RecNum>0</RecNum>'), reason: 'MISSING_ELEMENT', bank: '1044', broker: '2044' },
    { rule: 'TrfSumStamt without WtdrAmt (table 188)', xml: summaryWith(`<RecNum>1</RecNum><TrfSumStamt>${OURS_XML.replace('<WtdrAmt>300.50</WtdrAmt>', '')}</TrfSumStamt>`), reason: 'MISSING_ELEMENT', bank: '1044', broker: '2044' },
    { rule: 'a negative DpstAmt (§4.2.2.1: an Amount is never negative)', xml: summaryWith(`<RecNum>1</RecNum><TrfSumStamt>${OURS_XML.replace('1500.00', '-1500.00')}</TrfSumStamt>`), reason: 'INVALID_AMOUNT', bank: '1044', broker: '2044' },
    { rule: 'a DpstNum with decimals (table 189: Number)', xml: summaryWith(`<RecNum>1</RecNum><TrfSumStamt>${OURS_XML.replace('<DpstNum>3', '<DpstNum>3.5')}</TrfSumStamt>`), reason: 'INVALID_VALUE', bank: '1044', broker: '2044' },
    { rule: '13003 online transfer reconciliation, which the profile does not enable', xml: summaryWith('<RecNum>1</RecNum><TrfStmt/>', '13003'), reason: 'NOT_ENABLED', bank: '1034', broker: '2033' },
    { rule: '13012 carried by Stmt.001.01', xml: summaryWith(`<RecNum>1</RecNum><TrfSumStamt>${OURS_XML}</TrfSumStamt>`, '13012'), reason: 'INVALID_VALUE', bank: '1044', broker: '2044' },
    { rule: 'a successful 13010 answer without TrfSumCnfm', xml: `<Stmt.002.01>${replyHeaderXml('13010')}<Rst><Code>0000</Code></Rst></Stmt.002.01>`, reason: 'MISSING_ELEMENT', bank: '1044', broker: '2044' },
    { rule: 'TrfSumCnfm without ChkRst (table 193)', xml: `<Stmt.002.01>${replyHeaderXml('13010')}<Rst><Code>0000</Code></Rst><TrfSumCnfm><ScEntry>${OURS_XML}</ScEntry></TrfSumCnfm></Stmt.002.01>`, reason: 'MISSING_ELEMENT', bank: '1044', broker: '2044' },
    { rule: '13005 listing no file (profile §5 step 4)', xml: readyWith(''), reason: 'MISSING_ELEMENT', bank: '1044', broker: '2044' },
    { rule: '13005 listing a file without its FileMac', xml: readyWith(`<FileInfo>${CHK01_XML.replace(/<FileMac>.*<\/FileMac>/, '')}</FileInfo>`), reason: 'MISSING_ELEMENT', bank: '1044', broker: '2044' },
    { rule: '13005 listing a file without its FileName (table 132)', xml: readyWith(`<FileInfo>${CHK01_XML.replace(/<FileName>.*<\/FileName>/, '')}</FileInfo>`), reason: 'MISSING_ELEMENT', bank: '1044', broker: '2044' },
    { rule: 'a BusCode outside §7.22', xml: readyWith(`<FileInfo>${CHK01_XML.replace('0001', '0016')}</FileInfo>`), reason: 'INVALID_VALUE', bank: '1044', broker: '2044' },
    { rule: 'a negative FileLen', xml: readyWith(`<FileInfo>${CHK01_XML.replace('1234', '-1')}</FileInfo>`), reason: 'INVALID_VALUE', bank: '1044', broker: '2044' },
    { rule: '13012 without BusiDate (profile §7 step 1)', xml: `<Stmt.007.01>${requestHeaderXml('13012')}</Stmt.007.01>`, reason: 'MISSING_ELEMENT', bank: '1044', broker: '2044' },
    { rule: '13012 with a date that does not exist', xml: `<Stmt.007.01>${requestHeaderXml('13012')}<BusiDate>20240230</BusiDate></Stmt.007.01>`, reason: 'INVALID_VALUE', bank: '1044', broker: '2044' },
    { rule: '13011 with an element table 44 does not list', xml: `<Stmt.005.01>${requestHeaderXml('13011')}<BusiDate>20240105</BusiDate></Stmt.005.01>`, reason: 'UNEXPECTED_ELEMENT', bank: '1044', broker: '2044' },
  ])('refuses $rule: $reason (bank answers $bank, broker $broker)', ({ xml, reason, bank, broker }) => {
    const atBank = decodeRefusal('B', xml);
    expect(atBank.reason).toBe(reason);
    expect(atBank.returnCode).toBe(bank);
    expect(decodeRefusal('S', xml).returnCode).toBe(broker);
  });
});
