import { Money } from '@custody/money';
import { INSTRUCTION_CODES, type InstructionCode } from './code-lists';
import type { Customer } from './components';
import { decodeGb18030 } from './gb18030';
import { decodeMessage, encodeMessage } from './message-codec';
import type { ProtocolMessage } from './message-registry';
import { MessageEncodeError } from './protocol-errors';
import { bankHeader, bankReplyHeader, brokerHeader, brokerReplyHeader, msgTextOf, decodeRefusal } from './spec-fixtures';

/** The XML of the fixture headers, written out by hand as the golden texts below spell them. */
const BROKER = '<InstType>S</InstType><InstId>10270000</InstId>';
const BANK = '<InstType>B</InstType><InstId>1021000</InstId>';
const BROKER_REF = '<Ref>2024010500000001</Ref><IssrType>S</IssrType><RefIssr>10270000</RefIssr>';
const BANK_REF = '<Ref>B2024010500000001</Ref><IssrType>B</IssrType><RefIssr>1021000</RefIssr>';

/** `brokerHeader(instrCd)` */
function brokerRequestXml(instrCd: string): string {
  return (
    `<MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>${instrCd}</InstrCd><TradSrc>S</TradSrc>` +
    `<Sender>${BROKER}</Sender><Recver>${BANK}</Recver><Date>20240105</Date><Time>093000</Time><Ref>${BROKER_REF}</Ref></MsgHdr>`
  );
}

/** `bankReplyHeader(brokerHeader(instrCd))` */
function bankReplyXml(instrCd: string): string {
  return (
    `<MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>${instrCd}</InstrCd><TradSrc>S</TradSrc>` +
    `<Sender>${BANK}</Sender><Recver>${BROKER}</Recver><Date>20240105</Date><Time>093001</Time>` +
    `<Ref><Ref>B000000001</Ref><IssrType>B</IssrType><RefIssr>1021000</RefIssr></Ref><RltdRef>${BROKER_REF}</RltdRef></MsgHdr>`
  );
}

/** `bankHeader(instrCd)` */
function bankRequestXml(instrCd: string): string {
  return (
    `<MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>${instrCd}</InstrCd><TradSrc>B</TradSrc>` +
    `<Sender>${BANK}</Sender><Recver>${BROKER}</Recver><Date>20240105</Date><Time>100000</Time><Ref>${BANK_REF}</Ref></MsgHdr>`
  );
}

/** `brokerReplyHeader(bankHeader(instrCd))` */
function brokerReplyXml(instrCd: string): string {
  return (
    `<MsgHdr><Ver>1.0.0.1</Ver><SysType>0</SysType><InstrCd>${instrCd}</InstrCd><TradSrc>B</TradSrc>` +
    `<Sender>${BROKER}</Sender><Recver>${BANK}</Recver><Date>20240105</Date><Time>100001</Time>` +
    `<Ref><Ref>2024010500000002</Ref><IssrType>S</IssrType><RefIssr>10270000</RefIssr></Ref><RltdRef>${BANK_REF}</RltdRef></MsgHdr>`
  );
}

const CANCEL = INSTRUCTION_CODES.CANCEL_DESIGNATION;
const CHANGE_CUSTOMER = INSTRUCTION_CODES.CHANGE_CUSTOMER;
const CHANGE_STATUS = INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS;
const CHANGE_BANK_ACCOUNT = INSTRUCTION_CODES.CHANGE_BANK_ACCOUNT;
const IDENTITY_CHECK = INSTRUCTION_CODES.IDENTITY_CHECK;
const FUND_BALANCE = INSTRUCTION_CODES.QUERY_FUND_BALANCE;
const BANK_BALANCE = INSTRUCTION_CODES.QUERY_BANK_BALANCE;

const toBank = (instrCd: InstructionCode) => bankReplyHeader(brokerHeader(instrCd));
const toBroker = (instrCd: InstructionCode) => brokerReplyHeader(bankHeader(instrCd));
const balance = (type: '0' | '1' | '2', amount: string) => ({ Type: type, Bal: Money.parse(amount, 'non-negative') });

const CUST: Customer = { Name: '张三', CertType: '10', CertId: '610103198001012435' };
const CUST_XML = '<Cust><Name>张三</Name><CertType>10</CertType><CertId>610103198001012435</CertId></Cust>';
const BK = { Id: '6222021234567890123', Type: '1' } as const;
const BK_XML = '<Id>6222021234567890123</Id><Type>1</Type>';
const NEW_BK = { Id: '6222029876543210987', Type: '1' } as const;
const NEW_BK_XML = '<Id>6222029876543210987</Id><Type>1</Type>';
const SC = { Id: '101200001234', Type: '3' } as const;
const SC_XML = '<Id>101200001234</Id><Type>3</Type>';
const PIN_BLOCK = '0123456789ABCDEF';

/** One of each message and function, and the XML the standard's tables make of it, written by hand. */
const GOLDEN: ReadonlyArray<readonly [string, ProtocolMessage, string]> = [
  [
    'Table 22 (Acmt.003.01, 11004): the broker cancels; no balance leaves (ScBal 0.00, profile §4.1)',
    {
      name: 'Acmt.003.01',
      body: { MsgHdr: brokerHeader(CANCEL), Cust: CUST, BkAcct: BK, ScAcct: SC, Ccy: 'CNY', ScBal: balance('0', '0'), Dgst: '撤销存管' },
    },
    `<Acmt.003.01>${brokerRequestXml('11004')}${CUST_XML}<BkAcct>${BK_XML}</BkAcct><ScAcct>${SC_XML}</ScAcct><Ccy>CNY</Ccy>` +
      '<ScBal><Type>0</Type><Bal>0.00</Bal></ScBal><Dgst>撤销存管</Dgst></Acmt.003.01>',
  ],
  [
    'Table 22 (Acmt.003.01, 11004): a pre-designated relationship is cancelled without BkAcct (§5.5.4 c)',
    { name: 'Acmt.003.01', body: { MsgHdr: brokerHeader(CANCEL), Cust: CUST, ScAcct: SC, Ccy: 'CNY' } },
    `<Acmt.003.01>${brokerRequestXml('11004')}${CUST_XML}<ScAcct>${SC_XML}</ScAcct><Ccy>CNY</Ccy></Acmt.003.01>`,
  ],
  [
    'Table 23 (Acmt.004.01, 11004): the bank names the accounts it released',
    { name: 'Acmt.004.01', body: { MsgHdr: toBank(CANCEL), Rst: { Code: '0000', Info: '交易成功' }, BkAcct: BK, ScAcct: SC, Ccy: 'CNY' } },
    `<Acmt.004.01>${bankReplyXml('11004')}<Rst><Code>0000</Code><Info>交易成功</Info></Rst><BkAcct>${BK_XML}</BkAcct>` +
      `<ScAcct>${SC_XML}</ScAcct><Ccy>CNY</Ccy></Acmt.004.01>`,
  ],
  [
    'Table 24 (Acmt.005.01, 11005): the new customer data, contact details included (profile §4.1)',
    {
      name: 'Acmt.005.01',
      body: {
        MsgHdr: brokerHeader(CHANGE_CUSTOMER),
        Cust: { ...CUST, Name: '张三丰', Addr: '上海市浦东新区世纪大道100号', Email: 'zhang@example.cn', Mobile: '13900001111' },
        ScAcct: SC,
        Dgst: '变更客户资料',
      },
    },
    `<Acmt.005.01>${brokerRequestXml('11005')}<Cust><Name>张三丰</Name><CertType>10</CertType><CertId>610103198001012435</CertId>` +
      '<Addr>上海市浦东新区世纪大道100号</Addr><Email>zhang@example.cn</Email><Mobile>13900001111</Mobile></Cust>' +
      `<ScAcct>${SC_XML}</ScAcct><Dgst>变更客户资料</Dgst></Acmt.005.01>`,
  ],
  [
    'Table 24 (Acmt.005.01, 11011): the bank freezes, the new status in its own BkAcct (profile §4.1)',
    { name: 'Acmt.005.01', body: { MsgHdr: bankHeader(CHANGE_STATUS), BkAcct: { ...BK, Status: '1' }, ScAcct: SC, Dgst: '司法冻结' } },
    `<Acmt.005.01>${bankRequestXml('11011')}<BkAcct>${BK_XML}<Status>1</Status></BkAcct><ScAcct>${SC_XML}</ScAcct>` +
      '<Dgst>司法冻结</Dgst></Acmt.005.01>',
  ],
  [
    'Table 25 (Acmt.006.01, 11011): the broker accepts the freeze',
    { name: 'Acmt.006.01', body: { MsgHdr: toBroker(CHANGE_STATUS), Rst: { Code: '0000' }, BkAcct: BK, ScAcct: SC } },
    `<Acmt.006.01>${brokerReplyXml('11011')}<Rst><Code>0000</Code></Rst><BkAcct>${BK_XML}</BkAcct><ScAcct>${SC_XML}</ScAcct></Acmt.006.01>`,
  ],
  [
    'Table 26 (Acmt.007.01, 11006): old and new bank account, the bank password (Type 1) in the old one',
    {
      name: 'Acmt.007.01',
      body: {
        MsgHdr: brokerHeader(CHANGE_BANK_ACCOUNT),
        Cust: CUST,
        BkAcct: { ...BK, Pwd: [{ Type: '1', Enc: '02', Pwd: PIN_BLOCK }] },
        NewBkAcct: NEW_BK,
        ScAcct: SC,
        Ccy: 'CNY',
        Dgst: '变更银行账户',
      },
    },
    `<Acmt.007.01>${brokerRequestXml('11006')}${CUST_XML}<BkAcct>${BK_XML}<Pwd><Type>1</Type><Enc>02</Enc><Pwd>${PIN_BLOCK}</Pwd></Pwd></BkAcct>` +
      `<NewBkAcct>${NEW_BK_XML}</NewBkAcct><ScAcct>${SC_XML}</ScAcct><Ccy>CNY</Ccy><Dgst>变更银行账户</Dgst></Acmt.007.01>`,
  ],
  [
    'Table 27 (Acmt.008.01, 11006): the bank answers with the account now linked',
    { name: 'Acmt.008.01', body: { MsgHdr: toBank(CHANGE_BANK_ACCOUNT), Rst: { Code: '0000' }, BkAcct: NEW_BK, ScAcct: SC, Ccy: 'CNY' } },
    `<Acmt.008.01>${bankReplyXml('11006')}<Rst><Code>0000</Code></Rst><BkAcct>${NEW_BK_XML}</BkAcct><ScAcct>${SC_XML}</ScAcct>` +
      '<Ccy>CNY</Ccy></Acmt.008.01>',
  ],
  [
    'Table 28 (Acmt.009.01, 11007): the broker checks the customer’s identity with the bank',
    { name: 'Acmt.009.01', body: { MsgHdr: brokerHeader(IDENTITY_CHECK), Cust: CUST, BkAcct: BK, ScAcct: SC } },
    `<Acmt.009.01>${brokerRequestXml('11007')}${CUST_XML}<BkAcct>${BK_XML}</BkAcct><ScAcct>${SC_XML}</ScAcct></Acmt.009.01>`,
  ],
  [
    'Table 29 (Acmt.010.01, 11007): a name mismatch stops after Rst (§5.12.4 d)',
    { name: 'Acmt.010.01', body: { MsgHdr: toBank(IDENTITY_CHECK), Rst: { Code: '5016', Info: '户名不符' } } },
    `<Acmt.010.01>${bankReplyXml('11007')}<Rst><Code>5016</Code><Info>户名不符</Info></Rst></Acmt.010.01>`,
  ],
  [
    'Table 28 (Acmt.009.01, 11008): the bank asks the fund ledger balance, the fund password (Type 0) in ScAcct',
    {
      name: 'Acmt.009.01',
      body: { MsgHdr: bankHeader(FUND_BALANCE), Cust: CUST, BkAcct: BK, ScAcct: { ...SC, Pwd: [{ Type: '0', Enc: '02', Pwd: PIN_BLOCK }] }, Ccy: 'CNY' },
    },
    `<Acmt.009.01>${bankRequestXml('11008')}${CUST_XML}<BkAcct>${BK_XML}</BkAcct>` +
      `<ScAcct>${SC_XML}<Pwd><Type>0</Type><Enc>02</Enc><Pwd>${PIN_BLOCK}</Pwd></Pwd></ScAcct><Ccy>CNY</Ccy></Acmt.009.01>`,
  ],
  [
    'Table 29 (Acmt.010.01, 11008): ScBal of Type 0, 1 and 2 (profile §4.1)',
    {
      name: 'Acmt.010.01',
      body: {
        MsgHdr: toBroker(FUND_BALANCE),
        Rst: { Code: '0000' },
        ScAcct: SC,
        ScBal: [balance('0', '10000.00'), balance('1', '8000.00'), balance('2', '7500.50')],
        Ccy: 'CNY',
      },
    },
    `<Acmt.010.01>${brokerReplyXml('11008')}<Rst><Code>0000</Code></Rst><ScAcct>${SC_XML}</ScAcct>` +
      '<ScBal><Type>0</Type><Bal>10000.00</Bal></ScBal><ScBal><Type>1</Type><Bal>8000.00</Bal></ScBal>' +
      '<ScBal><Type>2</Type><Bal>7500.50</Bal></ScBal><Ccy>CNY</Ccy></Acmt.010.01>',
  ],
  [
    'Table 28 (Acmt.009.01, 11009): the broker asks the bank balance, the bank password (Type 0) in BkAcct',
    {
      name: 'Acmt.009.01',
      body: { MsgHdr: brokerHeader(BANK_BALANCE), Cust: CUST, BkAcct: { ...BK, Pwd: [{ Type: '0', Enc: '02', Pwd: PIN_BLOCK }] }, ScAcct: SC, Ccy: 'CNY' },
    },
    `<Acmt.009.01>${brokerRequestXml('11009')}${CUST_XML}<BkAcct>${BK_XML}<Pwd><Type>0</Type><Enc>02</Enc><Pwd>${PIN_BLOCK}</Pwd></Pwd></BkAcct>` +
      `<ScAcct>${SC_XML}</ScAcct><Ccy>CNY</Ccy></Acmt.009.01>`,
  ],
  [
    'Table 29 (Acmt.010.01, 11009): BkBal of Type 0 and 1 between BkAcct and ScAcct (profile §4.1)',
    {
      name: 'Acmt.010.01',
      body: {
        MsgHdr: toBank(BANK_BALANCE),
        Rst: { Code: '0000' },
        BkAcct: BK,
        BkBal: [balance('0', '52000.00'), balance('1', '51800.00')],
        ScAcct: SC,
        Ccy: 'CNY',
        Dgst: '查询银行余额',
      },
    },
    `<Acmt.010.01>${bankReplyXml('11009')}<Rst><Code>0000</Code></Rst><BkAcct>${BK_XML}</BkAcct>` +
      '<BkBal><Type>0</Type><Bal>52000.00</Bal></BkBal><BkBal><Type>1</Type><Bal>51800.00</Bal></BkBal>' +
      `<ScAcct>${SC_XML}</ScAcct><Ccy>CNY</Ccy><Dgst>查询银行余额</Dgst></Acmt.010.01>`,
  ],
  [
    'Table 21 (Acmt.002.01, 11001 B): the broker designates, ScBal the opening balance (profile §4.1)',
    { name: 'Acmt.002.01', body: { MsgHdr: toBroker(INSTRUCTION_CODES.DESIGNATE), Rst: { Code: '0000' }, BkAcct: BK, ScAcct: SC, Ccy: 'CNY', ScBal: balance('0', '1520.35') } },
    `<Acmt.002.01>${brokerReplyXml('11001')}<Rst><Code>0000</Code></Rst><BkAcct>${BK_XML}</BkAcct><ScAcct>${SC_XML}</ScAcct>` +
      '<Ccy>CNY</Ccy><ScBal><Type>0</Type><Bal>1520.35</Bal></ScBal></Acmt.002.01>',
  ],
];

/** Money compares by value; JSON (Money writes its string) is what both sides must agree on. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** The side that reads a message: the one it is addressed to. */
function receiverOf(message: ProtocolMessage): 'S' | 'B' {
  return message.body.MsgHdr.Recver.InstType === 'B' ? 'B' : 'S';
}

describe('Acmt account functions (§5.5–§5.12, profile §4.1)', () => {
  it.each(GOLDEN)('%s: round-trips through the codec', (_rule, message) => {
    const decoded = decodeMessage(encodeMessage(message), { localSide: receiverOf(message) });
    expect(plain(decoded)).toEqual(plain(message));
  });

  it.each(GOLDEN)('%s: is written, and read, in the order of the table', (_rule, message, xml) => {
    expect(decodeGb18030(encodeMessage(message))).toBe(`<MsgText>${xml}</MsgText>`);
    expect(plain(decodeMessage(msgTextOf(xml), { localSide: receiverOf(message) }))).toEqual(plain(message));
  });

  it('Table 29 (Acmt.010.01, 11008): balances are read as Money with two decimals', () => {
    const [, , xml] = GOLDEN[11];
    const decoded = decodeMessage(msgTextOf(xml), { localSide: 'B' });
    if (decoded.name !== 'Acmt.010.01') throw new Error(`decoded ${decoded.name}`);
    expect(decoded.body.ScBal?.map((entry) => [entry.Type, entry.Bal.toString()])).toEqual([
      ['0', '10000.00'],
      ['1', '8000.00'],
      ['2', '7500.50'],
    ]);
    expect(decoded.body.ScBal?.every((entry) => entry.Bal instanceof Money)).toBe(true);
  });

  describe('a body missing an element it needs is never sent', () => {
    const [, cancellation] = GOLDEN[0];
    const [, cancellationReply] = GOLDEN[2];
    const [, customerChange] = GOLDEN[3];
    const [, freeze] = GOLDEN[4];
    const [, freezeAccepted] = GOLDEN[5];
    const [, bankAccountChange] = GOLDEN[6];
    const [, bankAccountChanged] = GOLDEN[7];
    const [, bankBalanceQuery] = GOLDEN[12];
    const [, bankBalance] = GOLDEN[13];
    const [, fundBalance] = GOLDEN[11];
    const [, bankDesignationAnswered] = GOLDEN[14];
    const drop = (message: ProtocolMessage, key: string): ProtocolMessage => {
      const body: Record<string, unknown> = { ...message.body };
      delete body[key];
      return { name: message.name, body } as unknown as ProtocolMessage;
    };

    it.each([
      ['Table 22 (Acmt.003.01, 11004): without ScAcct', drop(cancellation, 'ScAcct'), /ScAcct/],
      ['Table 22 (Acmt.003.01, 11004): without Cust', drop(cancellation, 'Cust'), /Cust/],
      ['Table 23 (Acmt.004.01, 11004): without Rst', drop(cancellationReply, 'Rst'), /Rst/],
      ['Table 24 (Acmt.005.01, 11005): without the new customer data (§5.7.4 c)', drop(customerChange, 'Cust'), /Cust/],
      ['Table 24 (Acmt.005.01, 11011): without the new status in the bank’s BkAcct', drop(freeze, 'BkAcct'), /BkAcct\/Status/],
      ['Table 25 (Acmt.006.01, 11011): without Rst', drop(freezeAccepted, 'Rst'), /Rst/],
      ['Table 26 (Acmt.007.01, 11006): without NewBkAcct (§5.9.4 d)', drop(bankAccountChange, 'NewBkAcct'), /NewBkAcct/],
      ['Table 26 (Acmt.007.01, 11006): without the old BkAcct (§5.9.4 d)', drop(bankAccountChange, 'BkAcct'), /BkAcct/],
      ['Table 27 (Acmt.008.01, 11006): without Rst', drop(bankAccountChanged, 'Rst'), /Rst/],
      ['Table 28 (Acmt.009.01, 11009): without MsgHdr', drop(bankBalanceQuery, 'MsgHdr'), /MsgHdr/],
      ['Table 29 (Acmt.010.01, 11009): a successful answer without BkBal (§5.12.4 f)', drop(bankBalance, 'BkBal'), /BkBal/],
      ['Table 29 (Acmt.010.01, 11008): a successful answer without ScBal (§5.12.4 f)', drop(fundBalance, 'ScBal'), /ScBal/],
      ['Table 21 (Acmt.002.01, 11001 B): a 0000 without the opening balance (profile §4.1)', drop(bankDesignationAnswered, 'ScBal'), /ScBal/],
    ])('%s', (_rule, message, path) => {
      expect(() => encodeMessage(message)).toThrow(MessageEncodeError);
      expect(() => encodeMessage(message)).toThrow(path);
    });
  });

  const cancellationWith = (body: string) => `<Acmt.003.01>${brokerRequestXml('11004')}${body}</Acmt.003.01>`;
  const infoChangeWith = (header: string, body: string) => `<Acmt.005.01>${header}${body}</Acmt.005.01>`;
  const bankAccountChangeWith = (body: string) => `<Acmt.007.01>${brokerRequestXml('11006')}${body}</Acmt.007.01>`;
  const queryWith = (instrCd: string, body: string) => `<Acmt.009.01>${brokerRequestXml(instrCd)}${body}</Acmt.009.01>`;
  const queryReplyWith = (instrCd: string, body: string) => `<Acmt.010.01>${bankReplyXml(instrCd)}${body}</Acmt.010.01>`;
  const OK = '<Rst><Code>0000</Code></Rst>';

  it.each([
    { rule: 'Table 22 (Acmt.003.01, 11004) without ScAcct', xml: cancellationWith(`${CUST_XML}<BkAcct>${BK_XML}</BkAcct>`), reason: 'MISSING_ELEMENT' },
    { rule: 'Table 22 (Acmt.003.01, 11004) without Cust', xml: cancellationWith(`<BkAcct>${BK_XML}</BkAcct><ScAcct>${SC_XML}</ScAcct>`), reason: 'MISSING_ELEMENT' },
    { rule: 'Table 22 (Acmt.003.01, 11004) with a Cust missing CertId (§6.5)', xml: cancellationWith(`<Cust><Name>张三</Name><CertType>10</CertType></Cust><ScAcct>${SC_XML}</ScAcct>`), reason: 'MISSING_ELEMENT' },
    { rule: 'Table 22 (Acmt.003.01) carrying 11001', xml: `<Acmt.003.01>${brokerRequestXml('11001')}${CUST_XML}<ScAcct>${SC_XML}</ScAcct></Acmt.003.01>`, reason: 'INVALID_VALUE' },
    { rule: 'Table 23 (Acmt.004.01, 11004) without Rst', xml: `<Acmt.004.01>${bankReplyXml('11004')}<ScAcct>${SC_XML}</ScAcct></Acmt.004.01>`, reason: 'MISSING_ELEMENT' },
    { rule: 'Table 23 (Acmt.004.01, 11004) with ScBal, which table 23 does not list', xml: `<Acmt.004.01>${bankReplyXml('11004')}${OK}<ScBal><Bal>0.00</Bal></ScBal></Acmt.004.01>`, reason: 'UNEXPECTED_ELEMENT' },
    { rule: 'Table 24 (Acmt.005.01, 11005) without Cust (§5.7.4 c)', xml: infoChangeWith(brokerRequestXml('11005'), `<ScAcct>${SC_XML}</ScAcct>`), reason: 'MISSING_ELEMENT' },
    { rule: 'Table 24 (Acmt.005.01, 11011) from the bank, the status only in ScAcct', xml: infoChangeWith(bankRequestXml('11011'), `<BkAcct>${BK_XML}</BkAcct><ScAcct>${SC_XML}<Status>1</Status></ScAcct>`), reason: 'MISSING_ELEMENT' },
    { rule: 'Table 24 (Acmt.005.01, 11011) with a status outside §7.12', xml: infoChangeWith(bankRequestXml('11011'), `<BkAcct>${BK_XML}<Status>3</Status></BkAcct>`), reason: 'INVALID_VALUE' },
    { rule: 'Table 25 (Acmt.006.01, 11005) without Rst', xml: `<Acmt.006.01>${bankReplyXml('11005')}<ScAcct>${SC_XML}</ScAcct></Acmt.006.01>`, reason: 'MISSING_ELEMENT' },
    { rule: 'Table 26 (Acmt.007.01, 11006) without NewBkAcct', xml: bankAccountChangeWith(`<BkAcct>${BK_XML}</BkAcct><ScAcct>${SC_XML}</ScAcct>`), reason: 'MISSING_ELEMENT' },
    { rule: 'Table 26 (Acmt.007.01, 11006) with a NewBkAcct missing Id (§6.7)', xml: bankAccountChangeWith(`<BkAcct>${BK_XML}</BkAcct><NewBkAcct><Type>1</Type></NewBkAcct>`), reason: 'MISSING_ELEMENT' },
    { rule: 'Table 26 (Acmt.007.01, 11006) with two NewBkAcct', xml: bankAccountChangeWith(`<BkAcct>${BK_XML}</BkAcct><NewBkAcct>${NEW_BK_XML}</NewBkAcct><NewBkAcct>${NEW_BK_XML}</NewBkAcct>`), reason: 'TOO_MANY_OCCURRENCES' },
    { rule: 'Table 27 (Acmt.008.01, 11006) without Rst', xml: `<Acmt.008.01>${bankReplyXml('11006')}<BkAcct>${NEW_BK_XML}</BkAcct></Acmt.008.01>`, reason: 'MISSING_ELEMENT' },
    { rule: 'Table 28 (Acmt.009.01, 11009) with a BkAcct missing Id (§6.7)', xml: queryWith('11009', `<BkAcct><Type>1</Type></BkAcct><ScAcct>${SC_XML}</ScAcct>`), reason: 'MISSING_ELEMENT' },
    { rule: 'Table 29 (Acmt.010.01, 11009) succeeding without BkBal', xml: queryReplyWith('11009', `${OK}<BkAcct>${BK_XML}</BkAcct>`), reason: 'MISSING_ELEMENT' },
    { rule: 'Table 29 (Acmt.010.01, 11009) with a BkBal missing Bal (§6.10)', xml: queryReplyWith('11009', `${OK}<BkBal><Type>0</Type></BkBal>`), reason: 'MISSING_ELEMENT' },
    { rule: 'Table 29 (Acmt.010.01, 11009) with a negative balance', xml: queryReplyWith('11009', `${OK}<BkBal><Type>0</Type><Bal>-1.00</Bal></BkBal>`), reason: 'INVALID_AMOUNT' },
    { rule: 'Table 21 (Acmt.002.01, 11001 B) answered 0000 without ScBal (profile §4.1)', xml: `<Acmt.002.01>${brokerReplyXml('11001')}${OK}<ScAcct>${SC_XML}</ScAcct></Acmt.002.01>`, reason: 'MISSING_ELEMENT' },
    { rule: 'Table 21 (Acmt.002.01, 11010 B) answered 0000 without ScBal (profile §4.1)', xml: `<Acmt.002.01>${brokerReplyXml('11010')}${OK}<ScAcct>${SC_XML}</ScAcct></Acmt.002.01>`, reason: 'MISSING_ELEMENT' },
  ])('refuses $rule: $reason (bank answers 1044, broker 2044)', ({ xml, reason }) => {
    const atBank = decodeRefusal('B', xml);
    expect(atBank.reason).toBe(reason);
    expect(atBank.returnCode).toBe('1044');
    expect(decodeRefusal('S', xml).returnCode).toBe('2044');
  });
});
