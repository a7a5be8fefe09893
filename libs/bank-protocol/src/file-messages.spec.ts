import { INSTRUCTION_CODES, type InstructionCode } from './code-lists';
import type { MessageHeader } from './components';
import { decodeGb18030 } from './gb18030';
import { decodeMessage, encodeMessage } from './message-codec';
import type { ProtocolMessage } from './message-registry';
import { MessageEncodeError } from './protocol-errors';
import { bankReplyHeader, brokerHeader, msgTextOf, decodeRefusal } from './spec-fixtures';

function requestHeaderXml(instrCd: string, lastFragment = ''): string {
  return (
    `<MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>${instrCd}</InstrCd><TradSrc>S</TradSrc>` +
    '<Sender><InstType>S</InstType><InstId>10270000</InstId></Sender><Recver><InstType>B</InstType><InstId>1021000</InstId></Recver>' +
    '<Date>20240105</Date><Time>093000</Time><Ref><Ref>2024010500000001</Ref><IssrType>S</IssrType><RefIssr>10270000</RefIssr></Ref>' +
    `${lastFragment}</MsgHdr>`
  );
}

function replyHeaderXml(instrCd: string, lastFragment = ''): string {
  return (
    `<MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>${instrCd}</InstrCd><TradSrc>S</TradSrc>` +
    '<Sender><InstType>B</InstType><InstId>1021000</InstId></Sender><Recver><InstType>S</InstType><InstId>10270000</InstId></Recver>' +
    '<Date>20240105</Date><Time>093001</Time><Ref><Ref>B000000001</Ref><IssrType>B</IssrType><RefIssr>1021000</RefIssr></Ref>' +
    `<RltdRef><Ref>2024010500000001</Ref><IssrType>S</IssrType><RefIssr>10270000</RefIssr></RltdRef>${lastFragment}</MsgHdr>`
  );
}

const request = (instrCd: InstructionCode, extra: Partial<MessageHeader> = {}) => brokerHeader(instrCd, '2024010500000001', extra);
const reply = (instrCd: InstructionCode, extra: Partial<MessageHeader> = {}) => ({ ...bankReplyHeader(brokerHeader(instrCd)), ...extra });
const { REQUEST_FILE_INFO, REQUEST_FILE_DATA, SEND_FILE_INFO, SEND_FILE_DATA } = INSTRUCTION_CODES;

const MAC = '66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0';
const WHOLE = { BusCode: '0001', BusDate: '20240105', FileName: 'S_CHK01_20240105.gz', FileLen: 3, FileTime: '20240105153000', FileMac: MAC } as const;
const WHOLE_XML =
  '<BusCode>0001</BusCode><BusDate>20240105</BusDate><FileName>S_CHK01_20240105.gz</FileName><FileLen>3</FileLen>' +
  `<FileTime>20240105153000</FileTime><FileMac>${MAC}</FileMac>`;
const NAMED = { BusCode: '0001', BusDate: '20240105', FileName: 'S_CHK01_20240105.gz' } as const;
const NAMED_XML = '<BusCode>0001</BusCode><BusDate>20240105</BusDate><FileName>S_CHK01_20240105.gz</FileName>';

const GOLDEN: ReadonlyArray<readonly [string, ProtocolMessage, string]> = [
  [
    '§5.29 table 49: 13006 asks for a file by its FileInfo alone',
    { name: 'File.001.01', body: { MsgHdr: request(REQUEST_FILE_INFO), FileInfo: { FileName: 'B_CHK01_20240105.gz', BusDate: '20240105' } } },
    `<File.001.01>${requestHeaderXml('13006')}<FileInfo><BusDate>20240105</BusDate><FileName>B_CHK01_20240105.gz</FileName></FileInfo></File.001.01>`,
  ],
  [
    '§5.29 table 49: 13007 asks for the chunk at StPos',
    { name: 'File.001.01', body: { MsgHdr: request(REQUEST_FILE_DATA), FileInfo: NAMED, StPos: 2048 } },
    `<File.001.01>${requestHeaderXml('13007')}<FileInfo>${NAMED_XML}</FileInfo><StPos>2048</StPos></File.001.01>`,
  ],
  [
    '§5.29 table 50, profile §5 step 1: 13008 names the whole file',
    { name: 'File.001.01', body: { MsgHdr: request(SEND_FILE_INFO), FileInfo: WHOLE } },
    `<File.001.01>${requestHeaderXml('13008')}<FileInfo>${WHOLE_XML}</FileInfo></File.001.01>`,
  ],
  [
    '§5.29 table 48/50, profile §5 step 2: 13009 carries StPos, DataLen, base64 FileData and LstFrag in its header',
    { name: 'File.001.01', body: { MsgHdr: request(SEND_FILE_DATA, { LstFrag: 'Y' }), FileInfo: NAMED, StPos: 0, DataLen: 3, FileData: 'YWJj' } },
    `<File.001.01>${requestHeaderXml('13009', '<LstFrag>Y</LstFrag>')}<FileInfo>${NAMED_XML}</FileInfo><StPos>0</StPos><DataLen>3</DataLen>` +
      '<FileData>YWJj</FileData></File.001.01>',
  ],
  [
    '§5.30 table 52, profile §5 step 3: the answer to 13006 carries what 13008 would have',
    { name: 'File.002.01', body: { MsgHdr: reply(REQUEST_FILE_INFO), Rst: { Code: '0000' }, FileInfo: WHOLE } },
    `<File.002.01>${replyHeaderXml('13006')}<Rst><Code>0000</Code></Rst><FileInfo>${WHOLE_XML}</FileInfo></File.002.01>`,
  ],
  [
    '§5.30 table 52, profile §5 step 3: the answer to 13007 carries the chunk, LstFrag in its header',
    {
      name: 'File.002.01',
      body: { MsgHdr: reply(REQUEST_FILE_DATA, { LstFrag: 'N' }), Rst: { Code: '0000' }, FileInfo: NAMED, StPos: 0, DataLen: 3, FileData: 'YWJj' },
    },
    `<File.002.01>${replyHeaderXml('13007', '<LstFrag>N</LstFrag>')}<Rst><Code>0000</Code></Rst><FileInfo>${NAMED_XML}</FileInfo>` +
      '<StPos>0</StPos><DataLen>3</DataLen><FileData>YWJj</FileData></File.002.01>',
  ],
  [
    '§5.30 table 53: the answer to 13009 may name the file and the chunk',
    { name: 'File.002.01', body: { MsgHdr: reply(SEND_FILE_DATA), Rst: { Code: '0000' }, FileInfo: { FileName: 'S_CHK01_20240105.gz' }, StPos: 0 } },
    `<File.002.01>${replyHeaderXml('13009')}<Rst><Code>0000</Code></Rst><FileInfo><FileName>S_CHK01_20240105.gz</FileName></FileInfo>` +
      '<StPos>0</StPos></File.002.01>',
  ],
];

describe('File messages (§5.29–§5.30, profile §5)', () => {
  it.each(GOLDEN)('%s: encodes to the golden XML and decodes back', (_rule, message, xml) => {
    expect(decodeGb18030(encodeMessage(message))).toBe(`<MsgText>${xml}</MsgText>`);
    const side = message.body.MsgHdr.Sender.InstType === 'S' ? 'B' : 'S';
    expect(decodeMessage(msgTextOf(xml), { localSide: side })).toEqual(message);
  });

  it.each([
    ['a 13008 answer with Rst alone (a sender must not require FileInfo or StPos)', SEND_FILE_INFO, '0000'],
    ['a 13009 answer with Rst alone', SEND_FILE_DATA, '0000'],
    ['a refused 13007 that stops after Rst (§5.30.4 d)', REQUEST_FILE_DATA, '5208'],
    ['a refused 13006 that stops after Rst', REQUEST_FILE_INFO, '3092'],
  ])('reads %s', (_case, instrCd, code) => {
    const decoded = decodeMessage(msgTextOf(`<File.002.01>${replyHeaderXml(instrCd)}<Rst><Code>${code}</Code></Rst></File.002.01>`), { localSide: 'S' });
    expect(decoded.name === 'File.002.01' && decoded.body.Rst.Code).toBe(code);
  });

  it('profile §5 step 2: a chunk without LstFrag is never sent', () => {
    const chunk: ProtocolMessage = { name: 'File.001.01', body: { MsgHdr: request(SEND_FILE_DATA), FileInfo: NAMED, StPos: 0, DataLen: 3, FileData: 'YWJj' } };
    expect(() => encodeMessage(chunk)).toThrow(MessageEncodeError);
  });

  const fileOperation = (instrCd: string, body: string, lastFragment = '') => `<File.001.01>${requestHeaderXml(instrCd, lastFragment)}${body}</File.001.01>`;
  const fileReply = (instrCd: string, body: string, lastFragment = '') =>
    `<File.002.01>${replyHeaderXml(instrCd, lastFragment)}<Rst><Code>0000</Code></Rst>${body}</File.002.01>`;
  const chunkBody = `<FileInfo>${NAMED_XML}</FileInfo><StPos>0</StPos><DataLen>3</DataLen><FileData>YWJj</FileData>`;
  const Y = '<LstFrag>Y</LstFrag>';

  it.each([
    { rule: '13006 without FileInfo (table 49)', xml: fileOperation('13006', ''), reason: 'MISSING_ELEMENT' },
    { rule: '13006 with a StPos (table 49)', xml: fileOperation('13006', `<FileInfo>${NAMED_XML}</FileInfo><StPos>0</StPos>`), reason: 'UNEXPECTED_ELEMENT' },
    { rule: '13007 without StPos (table 49)', xml: fileOperation('13007', `<FileInfo>${NAMED_XML}</FileInfo>`), reason: 'MISSING_ELEMENT' },
    { rule: '13007 carrying FileData (table 49)', xml: fileOperation('13007', chunkBody), reason: 'UNEXPECTED_ELEMENT' },
    { rule: '13008 without FileMac (profile §5 step 1)', xml: fileOperation('13008', `<FileInfo>${WHOLE_XML.replace(/<FileMac>.*<\/FileMac>/, '')}</FileInfo>`), reason: 'MISSING_ELEMENT' },
    { rule: '13008 without FileLen (profile §5 step 1)', xml: fileOperation('13008', `<FileInfo>${WHOLE_XML.replace('<FileLen>3</FileLen>', '')}</FileInfo>`), reason: 'MISSING_ELEMENT' },
    { rule: 'a FileTime that is no time (§4.2.2.3.3)', xml: fileOperation('13008', `<FileInfo>${WHOLE_XML.replace('20240105153000', '20240105256000')}</FileInfo>`), reason: 'INVALID_VALUE' },
    { rule: 'a FileName over 128 characters (table 136)', xml: fileOperation('13006', `<FileInfo><FileName>${'F'.repeat(129)}</FileName></FileInfo>`), reason: 'INVALID_VALUE' },
    { rule: '13009 without DataLen (table 50)', xml: fileOperation('13009', chunkBody.replace('<DataLen>3</DataLen>', ''), Y), reason: 'MISSING_ELEMENT' },
    { rule: '13009 without FileData (table 50)', xml: fileOperation('13009', chunkBody.replace('<FileData>YWJj</FileData>', ''), Y), reason: 'MISSING_ELEMENT' },
    { rule: '13009 without LstFrag (profile §5 step 2)', xml: fileOperation('13009', chunkBody), reason: 'MISSING_ELEMENT' },
    { rule: '13009 without BusDate (profile §5 step 2)', xml: fileOperation('13009', chunkBody.replace('<BusDate>20240105</BusDate>', ''), Y), reason: 'MISSING_ELEMENT' },
    { rule: 'FileData over Max3000Text (table 48)', xml: fileOperation('13009', chunkBody.replace('YWJj', 'A'.repeat(3004)), Y), reason: 'INVALID_VALUE' },
    { rule: 'a StPos that is not a Number', xml: fileOperation('13009', chunkBody.replace('<StPos>0', '<StPos>-1'), Y), reason: 'INVALID_VALUE' },
    { rule: 'LstFrag other than Y or N (§7.20)', xml: fileOperation('13009', chunkBody, '<LstFrag>X</LstFrag>'), reason: 'INVALID_VALUE' },
    { rule: '13005 carried by File.001.01', xml: fileOperation('13005', `<FileInfo>${WHOLE_XML}</FileInfo>`), reason: 'INVALID_VALUE' },
    { rule: 'a successful 13006 answer without the whole FileInfo', xml: fileReply('13006', `<FileInfo>${NAMED_XML}</FileInfo>`), reason: 'MISSING_ELEMENT' },
    { rule: 'a successful 13007 answer without FileData', xml: fileReply('13007', `<FileInfo>${NAMED_XML}</FileInfo><StPos>0</StPos><DataLen>3</DataLen>`, Y), reason: 'MISSING_ELEMENT' },
    { rule: 'a successful 13007 answer without LstFrag', xml: fileReply('13007', chunkBody), reason: 'MISSING_ELEMENT' },
  ])('refuses $rule: $reason (bank 1044, broker 2044)', ({ xml, reason }) => {
    const atBank = decodeRefusal('B', xml);
    expect(atBank.reason).toBe(reason);
    expect(atBank.returnCode).toBe('1044');
    expect(decodeRefusal('S', xml).returnCode).toBe('2044');
  });
});
