import {
  type BusinessRequestName,
  encodeMessage,
  INSTRUCTION_CODES,
  type InstructionCode,
  type MessageBody,
  type ProtocolMessage,
  replyHeader,
  requestHeader,
} from '@custody/bank-protocol';
import { bankAccountRequestReceived, bankReplyReadySchema, bankRequestReceived } from '@custody/contracts';
import { Money } from '@custody/money';
import { BANK_CODE, BROKER_ID } from '../testing/bank-session.fake';
import {
  accountRequestReceivedPayload,
  type BankReplyReady,
  classifyInbound,
  type InboundDecision,
  type InboundForward,
  isAccountServiceRequest,
  replyFor,
  requestReceivedPayload,
} from './inbound-request.mapper';

const RECEIVED_AT = new Date('2026-11-21T02:03:04.005Z');
const IDS = { inboundId: '11111111-2222-4333-8444-555555555555', bankCode: BANK_CODE, adapterInstanceId: 'inst-1', sessionId: 's0', businessDate: '2026-11-21', receivedAt: RECEIVED_AT };
const OFFER_ALL = { fundPasswords: true, sealing: true };

function fromBank<N extends BusinessRequestName>(name: N, instrCd: InstructionCode, body: Omit<MessageBody<N>, 'MsgHdr'>, serial = 'B2026112100000007'): ProtocolMessage<N> {
  const header = requestHeader({ side: 'B', localInstId: BANK_CODE, peerInstId: BROKER_ID }, instrCd, serial, new Date());
  return { name, body: { ...body, MsgHdr: header } } as unknown as ProtocolMessage<N>;
}

function forwarded(decision: InboundDecision): InboundForward {
  if (decision.kind !== 'forward') throw new Error(`refused ${decision.returnCode}: ${decision.why}`);
  return decision.request;
}

/** A forward whose owner is the account service, as the bridge tells it apart. */
function forAccount(request: InboundForward) {
  if (!isAccountServiceRequest(request)) throw new Error(`${request.function} is not the account service's`);
  return request;
}

/** 11011 and 11004 forward no ID number: nothing to seal. */
const NO_SEAL = (): never => {
  throw new Error('nothing of an 11011 or an 11004 is sealed');
};

function answer(request: InboundForward, fields: Partial<BankReplyReady> = {}): BankReplyReady {
  return {
    inboundId: IDS.inboundId,
    bankCode: BANK_CODE,
    route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: request.requestRef },
    function: request.function,
    returnCode: '0000',
    returnMessage: '交易成功',
    serialNo: '20261121200000000321',
    ...fields,
  };
}

const BK_ACCT = { Id: '6222021234567890123', Type: '1' as const };
const SC_ACCT = { Id: '880001', Type: '3' as const };

describe('bank-initiated requests: what is forwarded and what the bank is answered', () => {
  describe('F-4.1 B / F-4.2 B (Trf.001.01)', () => {
    it('12001 is forwarded with the bank serial, accounts, 2-decimal amount and CNY by default (§5.13.4 h); no password verdict', () => {
      const request = forwarded(classifyInbound(fromBank('Trf.001.01', INSTRUCTION_CODES.BANK_TO_SECURITIES, { BkAcct: BK_ACCT, ScAcct: SC_ACCT, TrfAmt: Money.parse('250') }), OFFER_ALL));
      const payload = requestReceivedPayload(request, IDS);
      expect(bankRequestReceived.schema.parse(payload)).toEqual({
        inboundId: IDS.inboundId,
        bankCode: BANK_CODE,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: BANK_CODE } },
        businessDate: '2026-11-21',
        function: 'BANK_TO_SECURITIES',
        serialNo: 'B2026112100000007',
        resend: false,
        receivedAt: RECEIVED_AT.toISOString(),
        fundAccountNo: '880001',
        currency: 'CNY',
        amount: '250.00',
        bankAccountNo: '6222021234567890123',
      });
      expect(payload.fundPassword).toBeUndefined();
    });

    it('12002 is forwarded as SECURITIES_TO_BANK carrying the PIN block to verify (ScAcct/Pwd, Type 1, Enc 02), and Resend=Y as resend', () => {
      const message = fromBank('Trf.001.01', INSTRUCTION_CODES.SECURITIES_TO_BANK, {
        Resend: 'Y',
        BkAcct: BK_ACCT,
        ScAcct: { ...SC_ACCT, Pwd: [{ Type: '0', Enc: '02', Pwd: '1111111111111111' }, { Type: '1', Enc: '02', Pwd: '0123456789ABCDEF' }] },
        Ccy: 'USD',
        TrfAmt: Money.parse('10.5'),
      });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      expect(request).toMatchObject({ function: 'SECURITIES_TO_BANK', resend: true, currency: 'USD', fundPassword: { kind: 'BLOCK', block: '0123456789ABCDEF' } });
      const payload = requestReceivedPayload(request, IDS, 'MATCHED');
      expect(payload).toMatchObject({ function: 'SECURITIES_TO_BANK', amount: '10.50', fundPassword: 'MATCHED', resend: true });
      expect(JSON.stringify(payload)).not.toContain('0123456789ABCDEF');
    });

    it.each([
      ['no Pwd at all', undefined, { kind: 'MISSING' }],
      ['only a query password (Type 0)', [{ Type: '0' as const, Enc: '02' as const, Pwd: '0123456789ABCDEF' }], { kind: 'MISSING' }],
      ['a block under another scheme (Enc 01)', [{ Type: '1' as const, Enc: '01' as const, Pwd: '0123456789ABCDEF' }], { kind: 'UNREADABLE', why: 'Enc 01 is not 3DES (02)' }],
    ])('12002 with %s: the verdict input is %j', (_case, pwd, expected) => {
      const message = fromBank('Trf.001.01', INSTRUCTION_CODES.SECURITIES_TO_BANK, { ScAcct: { ...SC_ACCT, ...(pwd ? { Pwd: pwd } : {}) }, TrfAmt: Money.parse('1') });
      expect(forwarded(classifyInbound(message, OFFER_ALL)).fundPassword).toEqual(expected);
    });

    it.each(['MATCHED', 'MISMATCHED', 'LOCKED', 'NOT_SET', 'MISSING', 'UNREADABLE'] as const)('every fund password verdict travels as such: %s', (verdict) => {
      const request = forwarded(classifyInbound(fromBank('Trf.001.01', INSTRUCTION_CODES.SECURITIES_TO_BANK, { ScAcct: SC_ACCT, TrfAmt: Money.parse('1') }), OFFER_ALL));
      expect(bankRequestReceived.schema.parse(requestReceivedPayload(request, IDS, verdict)).fundPassword).toBe(verdict);
    });

    it('12002 is not offered (2033) when no account service can verify the fund password', () => {
      const decision = classifyInbound(fromBank('Trf.001.01', INSTRUCTION_CODES.SECURITIES_TO_BANK, { ScAcct: SC_ACCT, TrfAmt: Money.parse('1') }), { ...OFFER_ALL, fundPasswords: false });
      expect(decision).toMatchObject({ kind: 'refuse', returnCode: '2033', reply: { name: 'Trf.002.01', body: { Rst: { Code: '2033' } } } });
    });

    it('an unknown fund account is forwarded all the same: its owner answers 2011', () => {
      const request = forwarded(classifyInbound(fromBank('Trf.001.01', INSTRUCTION_CODES.BANK_TO_SECURITIES, { ScAcct: { Id: '999999999', Type: '3' }, TrfAmt: Money.parse('1') }), OFFER_ALL));
      expect(request.fundAccountNo).toBe('999999999');
      expect(replyFor(request, answer(request, { returnCode: '2011', returnMessage: '资金账户不存在' }), BROKER_ID)).toMatchObject({ name: 'Trf.002.01', body: { Rst: { Code: '2011' } } });
    });

    it.each([
      ['without the fund account (§5.13.4 f)', { TrfAmt: Money.parse('1') }, {}],
      ['with TradSrc S (a bank request is bank-initiated, profile §1)', { ScAcct: SC_ACCT, TrfAmt: Money.parse('1') }, { TradSrc: 'S' as const }],
      ['under a serial we issue (IssrType S)', { ScAcct: SC_ACCT, TrfAmt: Money.parse('1') }, { Ref: { Ref: '20261121200000000001', IssrType: 'S' as const, RefIssr: BROKER_ID } }],
      ['under a serial another institution issued', { ScAcct: SC_ACCT, TrfAmt: Money.parse('1') }, { Ref: { Ref: 'B1', IssrType: 'B' as const, RefIssr: '1051000' } }],
    ])('a transfer %s is answered 2044 by the adapter and not forwarded', (_case, body, header) => {
      const message = fromBank('Trf.001.01', INSTRUCTION_CODES.BANK_TO_SECURITIES, body);
      const edited = { ...message, body: { ...message.body, MsgHdr: { ...message.body.MsgHdr, ...header } } };
      expect(classifyInbound(edited, OFFER_ALL)).toMatchObject({ kind: 'refuse', returnCode: '2044' });
    });

    it.each([
      ['a reversal naming a CnRef issued by a futures firm (F)', fromBank('Trf.003.01', INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES, { CnRef: { Ref: 'F1', IssrType: 'F' } })],
      ['a query naming a QryRef issued by the depository (C)', fromBank('Trf.005.01', INSTRUCTION_CODES.QUERY_RESULT, { QryRef: { Ref: 'C1', IssrType: 'C' } })],
    ])('%s is refused 2044', (_case, message) => {
      expect(classifyInbound(message, OFFER_ALL)).toMatchObject({ kind: 'refuse', returnCode: '2044' });
    });

    it('a reversal or query with TradSrc S is refused 2044 too', () => {
      const message = fromBank('Trf.005.01', INSTRUCTION_CODES.QUERY_RESULT, { QryRef: { Ref: 'B1', IssrType: 'B' } });
      const edited = { ...message, body: { ...message.body, MsgHdr: { ...message.body.MsgHdr, TradSrc: 'S' as const } } };
      expect(classifyInbound(edited, OFFER_ALL)).toMatchObject({ kind: 'refuse', returnCode: '2044', reply: { name: 'Trf.006.01' } });
    });

    it('the Trf.002.01 reply: the owner code and message, the owner serial as Ref, accounts, currency and amount echoed, never a password', () => {
      const message = fromBank('Trf.001.01', INSTRUCTION_CODES.SECURITIES_TO_BANK, {
        BkAcct: BK_ACCT,
        ScAcct: { ...SC_ACCT, Pwd: [{ Type: '1', Enc: '02', Pwd: '0123456789ABCDEF' }] },
        TrfAmt: Money.parse('9'),
      });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      const reply = replyFor(request, answer(request, { returnCode: '2001', returnMessage: '资金密码校验错误' }), BROKER_ID);
      expect(reply).toEqual({
        name: 'Trf.002.01',
        serial: '20261121200000000321',
        body: { Rst: { Code: '2001', Info: '资金密码校验错误' }, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY', TrfAmt: Money.parse('9') },
      });
      expect(JSON.stringify(reply)).not.toContain('Pwd');
    });
  });

  describe('F-4.3 B / F-4.4 B (Trf.003.01)', () => {
    const cnRef = { Ref: 'B2026112100000001', IssrType: 'B' as const, RefIssr: BANK_CODE };

    it.each([
      [INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES, 'REVERSE_BANK_TO_SECURITIES'],
      [INSTRUCTION_CODES.REVERSE_SECURITIES_TO_BANK, 'REVERSE_SECURITIES_TO_BANK'],
    ] as const)('%s is forwarded as %s with cancelledRef (CnRef), accounts, currency and amount as sent', (instrCd, fn) => {
      const message = fromBank('Trf.003.01', instrCd, { CnRef: cnRef, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY', TrfAmt: Money.parse('250') }, 'B2026112100000009');
      const payload = bankRequestReceived.schema.parse(requestReceivedPayload(forwarded(classifyInbound(message, OFFER_ALL)), IDS));
      expect(payload).toMatchObject({
        function: fn,
        serialNo: 'B2026112100000009',
        cancelledRef: { serialNo: 'B2026112100000001', issuerType: 'B', issuerId: BANK_CODE },
        fundAccountNo: '880001',
        bankAccountNo: '6222021234567890123',
        currency: 'CNY',
        amount: '250.00',
      });
      expect(payload.queriedRef).toBeUndefined();
    });

    it('a CnRef without RefIssr names the bank that sends the reversal; a reversal without accounts or amount is forwarded as sent', () => {
      const message = fromBank('Trf.003.01', INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES, { CnRef: { Ref: 'B1', IssrType: 'B' } });
      const payload = requestReceivedPayload(forwarded(classifyInbound(message, OFFER_ALL)), IDS);
      expect(payload).toMatchObject({ cancelledRef: { serialNo: 'B1', issuerType: 'B', issuerId: BANK_CODE }, fundAccountNo: '', currency: 'CNY' });
      expect(payload.amount).toBeUndefined();
      expect(payload.bankAccountNo).toBeUndefined();
    });

    it.each([
      ['0000', '交易成功'],
      ['2005', '被冲正流水不存在（冲正交易）'],
      ['2006', '原流水已冲正（冲正交易）'],
      ['2007', '与原流水信息不符（冲正交易）'],
      ['2008', '资金账户余额不足,不允许冲正'],
    ])('the Trf.004.01 reply carries the owner code %s and echoes CnRef, accounts, currency and amount', (code, info) => {
      const message = fromBank('Trf.003.01', INSTRUCTION_CODES.REVERSE_SECURITIES_TO_BANK, { CnRef: cnRef, BkAcct: BK_ACCT, ScAcct: SC_ACCT, TrfAmt: Money.parse('250') });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      expect(replyFor(request, answer(request, { returnCode: code, returnMessage: info }), BROKER_ID)).toEqual({
        name: 'Trf.004.01',
        serial: '20261121200000000321',
        body: { Rst: { Code: code, Info: info }, CnRef: cnRef, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY', TrfAmt: Money.parse('250') },
      });
    });
  });

  describe('F-4.6 B (Trf.005.01)', () => {
    const qryRef = { Ref: 'B2026112100000001', IssrType: 'B' as const, RefIssr: BANK_CODE };
    const query = () => fromBank('Trf.005.01', INSTRUCTION_CODES.QUERY_RESULT, { QryRef: qryRef, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Amt: Money.parse('250') });

    it('12005 is forwarded as QUERY_RESULT with queriedRef (QryRef) and the amount the bank gives (Amt)', () => {
      const payload = bankRequestReceived.schema.parse(requestReceivedPayload(forwarded(classifyInbound(query(), OFFER_ALL)), IDS));
      expect(payload).toMatchObject({ function: 'QUERY_RESULT', queriedRef: { serialNo: 'B2026112100000001', issuerType: 'B', issuerId: BANK_CODE }, amount: '250.00', fundAccountNo: '880001' });
      expect(payload.cancelledRef).toBeUndefined();
    });

    it.each(['0000', '2011', '2027', '2028', '2006'])('the Trf.006.01 reply: Rst 0000, QryRef the queried Ref, OrgRst %s from the owner', (original) => {
      const request = forwarded(classifyInbound(query(), OFFER_ALL));
      const ready = bankReplyReadySchema.parse(answer(request, { originalReturnCode: original }));
      const reply = replyFor(request, ready, BROKER_ID);
      expect(reply).toMatchObject({ name: 'Trf.006.01', serial: '20261121200000000321', body: { Rst: { Code: '0000' }, QryRef: [qryRef], OrgRst: { Code: original }, ScAcct: SC_ACCT } });
    });

    const booked = { ourSerialNo: '20261121200000000077', fundAccountNo: '880001', bankAccountNo: '6222021234567890123', currency: 'CNY' as const, amount: Money.parse('240.00') };

    it('an original we booked: QryRef adds our serial of it, and the reply carries its amount as we booked it (Table 35, §5.18.4 g, h)', () => {
      const request = forwarded(classifyInbound(query(), OFFER_ALL));
      const reply = replyFor(request, bankReplyReadySchema.parse(answer(request, { originalReturnCode: '0000', queriedOriginal: booked })), BROKER_ID);
      expect(reply.body).toMatchObject({
        QryRef: [qryRef, { Ref: '20261121200000000077', IssrType: 'S', RefIssr: BROKER_ID }],
        OrgRst: { Code: '0000' },
        BkAcct: BK_ACCT,
        ScAcct: SC_ACCT,
        Ccy: 'CNY',
      });
      expect(reply.body).toHaveProperty('TrfAmt');
      expect(String((reply.body as { TrfAmt: unknown }).TrfAmt)).toBe('240.00');
    });

    it('a query naming only the serial gets the accounts of the original from our books', () => {
      const request = forwarded(classifyInbound(fromBank('Trf.005.01', INSTRUCTION_CODES.QUERY_RESULT, { QryRef: qryRef }), OFFER_ALL));
      const reply = replyFor(request, bankReplyReadySchema.parse(answer(request, { originalReturnCode: '0000', queriedOriginal: booked })), BROKER_ID);
      expect(reply.body).toMatchObject({ BkAcct: { Id: booked.bankAccountNo, Type: '1' }, ScAcct: { Id: '880001', Type: '3' } });
    });

    it('a query of one of our own serials names it once: it already is our reference', () => {
      const ours = { Ref: '20261121200000000077', IssrType: 'S' as const, RefIssr: BROKER_ID };
      const request = forwarded(classifyInbound(fromBank('Trf.005.01', INSTRUCTION_CODES.QUERY_RESULT, { QryRef: ours, ScAcct: SC_ACCT }), OFFER_ALL));
      const reply = replyFor(request, bankReplyReadySchema.parse(answer(request, { originalReturnCode: '0000', queriedOriginal: booked })), BROKER_ID);
      expect(reply.body).toMatchObject({ QryRef: [ours] });
    });

    it('a successful owner answer without OrgRst cannot be sent (the library refuses it): the bank is answered 2041, the query failed', () => {
      const request = forwarded(classifyInbound(query(), OFFER_ALL));
      expect(replyFor(request, answer(request), BROKER_ID)).toMatchObject({ name: 'Trf.006.01', body: { Rst: { Code: '2041' } } });
    });

    it('a failed query stops after Rst when the owner gives no OrgRst (§5.18.4 d)', () => {
      const request = forwarded(classifyInbound(query(), OFFER_ALL));
      const reply = replyFor(request, answer(request, { returnCode: '2044', returnMessage: '通信消息体格式错误' }), BROKER_ID);
      expect(reply.body).not.toHaveProperty('OrgRst');
      expect(reply.body.Rst.Code).toBe('2044');
    });
  });

  it.each([
    ['Trf.002.01', fromBank('Trf.001.01', INSTRUCTION_CODES.SECURITIES_TO_BANK, { BkAcct: BK_ACCT, ScAcct: SC_ACCT, TrfAmt: Money.parse('1') }), {}],
    ['Trf.004.01', fromBank('Trf.003.01', INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES, { CnRef: { Ref: 'B1', IssrType: 'B' }, ScAcct: SC_ACCT, TrfAmt: Money.parse('1') }), {}],
    ['Trf.006.01', fromBank('Trf.005.01', INSTRUCTION_CODES.QUERY_RESULT, { QryRef: { Ref: 'B1', IssrType: 'B' } }), { originalReturnCode: '2027' }],
    [
      'Trf.006.01 with two QryRef',
      fromBank('Trf.005.01', INSTRUCTION_CODES.QUERY_RESULT, { QryRef: { Ref: 'B1', IssrType: 'B' } }),
      { originalReturnCode: '0000', queriedOriginal: { ourSerialNo: '20261121200000000077', fundAccountNo: '880001', currency: 'CNY' as const, amount: Money.parse('1.00') } },
    ],
  ] as const)('the %s built from an owner answer is one the library writes', (_name, message, fields) => {
    const request = forwarded(classifyInbound(message, OFFER_ALL));
    const reply = replyFor(request, answer(request, fields), BROKER_ID);
    const header = replyHeader(message.body.MsgHdr, { side: 'S', localInstId: BROKER_ID }, '20261121200000000321', new Date());
    expect(() => encodeMessage({ name: reply.name, body: { ...reply.body, MsgHdr: header } } as ProtocolMessage)).not.toThrow();
  });

  describe('F-3.2 B (Acmt.001.01, 11003)', () => {
    const CUSTOMER = { Name: '张三', CertType: '10', CertId: '610103198001012435' } as const;
    const seal = (clear: string) => ({ sealed: `sealed(${clear.length})` });
    const confirmation = (body: Omit<MessageBody<'Acmt.001.01'>, 'MsgHdr'>) => fromBank('Acmt.001.01', INSTRUCTION_CODES.CONFIRM_DESIGNATION, body);

    it('11003 goes to the account service as CONFIRM_DESIGNATION with the accounts, currency and customer; the ID number sealed', () => {
      const request = forwarded(classifyInbound(confirmation({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY' }), OFFER_ALL));
      expect(request.customer).toBeDefined();
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, seal);
      expect(bankAccountRequestReceived.schema.parse(payload)).toEqual({
        inboundId: IDS.inboundId,
        bankCode: BANK_CODE,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: BANK_CODE } },
        function: 'CONFIRM_DESIGNATION',
        serialNo: 'B2026112100000007',
        businessDate: '2026-11-21',
        receivedAt: RECEIVED_AT.toISOString(),
        fundAccountNo: '880001',
        currency: 'CNY',
        bankAccountNo: '6222021234567890123',
        customer: { name: '张三', idType: '10', idNumber: { sealed: 'sealed(18)' } },
      });
      expect(JSON.stringify(payload)).not.toContain(CUSTOMER.CertId);
    });

    it('profile §4.1: an 11003 without BkAcct or ScAcct is forwarded as sent, for the account service to answer 2044 against its serial', () => {
      const request = forwarded(classifyInbound(confirmation({ Cust: CUSTOMER }), OFFER_ALL));
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, seal);
      expect(payload).toMatchObject({ fundAccountNo: '', currency: 'CNY' });
      expect(payload).not.toHaveProperty('bankAccountNo');
    });

    it('11003 is not offered (2033) without a sealer for its ID number', () => {
      const decision = classifyInbound(confirmation({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT }), { ...OFFER_ALL, sealing: false });
      expect(decision).toMatchObject({ kind: 'refuse', returnCode: '2033', reply: { name: 'Acmt.002.01' } });
    });

    it('the Acmt.002.01 reply: the owner code, the owner serial, BkAcct (Type 1), ScAcct (Type 3) and Ccy echoed; the library writes it', () => {
      const message = confirmation({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY' });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      const reply = replyFor(request, answer(request, { returnCode: '2047', returnMessage: '客户姓名不符' }), BROKER_ID);
      expect(reply).toEqual({
        name: 'Acmt.002.01',
        serial: '20261121200000000321',
        body: { Rst: { Code: '2047', Info: '客户姓名不符' }, BkAcct: { Id: BK_ACCT.Id, Type: '1' }, ScAcct: { Id: SC_ACCT.Id, Type: '3' }, Ccy: 'CNY' },
      });
      const header = replyHeader(message.body.MsgHdr, { side: 'S', localInstId: BROKER_ID }, '20261121200000000321', new Date());
      expect(() => encodeMessage({ name: reply.name, body: { ...reply.body, MsgHdr: header } } as ProtocolMessage)).not.toThrow();
    });

    it('profile §4: the bank cannot start an 11002 (the broker pre-designates): answered 2033, not forwarded', () => {
      const message = fromBank('Acmt.001.01', INSTRUCTION_CODES.PRE_DESIGNATE, { Cust: CUSTOMER, ScAcct: SC_ACCT, ScBal: { Type: '0', Bal: Money.parse('1.00') } });
      expect(classifyInbound(message, OFFER_ALL)).toMatchObject({ kind: 'refuse', returnCode: '2033', reply: { name: 'Acmt.002.01' } });
    });
  });

  describe('F-3.3 B (Acmt.001.01, 11001) and 11010 B', () => {
    const CUSTOMER = { Name: '张三', CertType: '10', CertId: '610103198001012435' } as const;
    const PIN_BLOCK = '0123456789ABCDEF';
    const seal = (clear: string) => ({ sealed: `sealed(${clear.length})` });
    const designation = (body: Omit<MessageBody<'Acmt.001.01'>, 'MsgHdr'>) => fromBank('Acmt.001.01', INSTRUCTION_CODES.DESIGNATE, body);
    const registration = (body: Omit<MessageBody<'Acmt.001.01'>, 'MsgHdr'>) => fromBank('Acmt.001.01', INSTRUCTION_CODES.REGISTER_CURRENCY, body);
    const WITH_PASSWORD = { ...SC_ACCT, Pwd: [{ Type: '1' as const, Enc: '02' as const, Pwd: PIN_BLOCK }] };

    it('profile §4.1: 11001 goes to the account service as DESIGNATE with the customer (ID number sealed), the accounts and the fund password (Pwd Type 1) to verify', () => {
      const request = forwarded(classifyInbound(designation({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: WITH_PASSWORD, Ccy: 'CNY' }), OFFER_ALL));
      expect(request).toMatchObject({ function: 'DESIGNATE', fundPassword: { kind: 'BLOCK', block: PIN_BLOCK } });
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, seal, 'MATCHED');
      expect(bankAccountRequestReceived.schema.parse(payload)).toEqual({
        inboundId: IDS.inboundId,
        bankCode: BANK_CODE,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: BANK_CODE } },
        function: 'DESIGNATE',
        serialNo: 'B2026112100000007',
        businessDate: '2026-11-21',
        receivedAt: RECEIVED_AT.toISOString(),
        fundAccountNo: '880001',
        currency: 'CNY',
        bankAccountNo: '6222021234567890123',
        customer: { name: '张三', idType: '10', idNumber: { sealed: 'sealed(18)' } },
        fundPassword: 'MATCHED',
      });
      expect(JSON.stringify(payload)).not.toContain(CUSTOMER.CertId);
      expect(JSON.stringify(payload)).not.toContain(PIN_BLOCK);
    });

    it('profile §4.1: an 11001 without a fund password, or with only a query password (Type 0), is forwarded MISSING: the owner answers 2001', () => {
      expect(forwarded(classifyInbound(designation({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT }), OFFER_ALL)).fundPassword).toEqual({ kind: 'MISSING' });
      const queryPassword = { ...SC_ACCT, Pwd: [{ Type: '0' as const, Enc: '02' as const, Pwd: PIN_BLOCK }] };
      expect(forwarded(classifyInbound(designation({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: queryPassword }), OFFER_ALL)).fundPassword).toEqual({ kind: 'MISSING' });
    });

    it('profile §4.1: an 11001 without the fund account has no password to check: answered 2044 by the adapter, not forwarded', () => {
      expect(classifyInbound(designation({ Cust: CUSTOMER, BkAcct: BK_ACCT }), OFFER_ALL)).toMatchObject({ kind: 'refuse', returnCode: '2044', reply: { name: 'Acmt.002.01' } });
    });

    it('11001 is not offered (2033) where the fund password cannot be verified, nor without a sealer for its ID number', () => {
      const message = designation({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: WITH_PASSWORD });
      expect(classifyInbound(message, { ...OFFER_ALL, fundPasswords: false })).toMatchObject({ kind: 'refuse', returnCode: '2033' });
      expect(classifyInbound(message, { ...OFFER_ALL, sealing: false })).toMatchObject({ kind: 'refuse', returnCode: '2033' });
    });

    it('profile §4.1: 11010 goes to the account service as REGISTER_CURRENCY with the customer and the accounts, no password', () => {
      const request = forwarded(classifyInbound(registration({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'USD' }), OFFER_ALL));
      expect(request.fundPassword).toBeUndefined();
      const payload = bankAccountRequestReceived.schema.parse(accountRequestReceivedPayload(forAccount(request), IDS, seal));
      expect(payload).toMatchObject({ function: 'REGISTER_CURRENCY', fundAccountNo: '880001', currency: 'USD', bankAccountNo: BK_ACCT.Id, customer: { idNumber: { sealed: 'sealed(18)' } } });
      expect(payload).not.toHaveProperty('fundPassword');
    });

    it.each([
      ['11001', designation({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: WITH_PASSWORD, Ccy: 'CNY' })],
      ['11010', registration({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY' })],
    ])('profile §4.1: the %s reply on 0000 carries ScBal (Type 0), the opening balance the owner gave, with the accounts and Ccy echoed; the library writes it', (_code, message) => {
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      const reply = replyFor(request, bankReplyReadySchema.parse(answer(request, { openingBalance: Money.parse('1520.35') })), BROKER_ID);
      if (reply.name !== 'Acmt.002.01') throw new Error(`answered with ${reply.name}`);
      expect(reply).toMatchObject({ serial: '20261121200000000321', body: { Rst: { Code: '0000' }, BkAcct: { Id: BK_ACCT.Id, Type: '1' }, ScAcct: { Id: SC_ACCT.Id, Type: '3' }, Ccy: 'CNY' } });
      expect([reply.body.ScBal?.Type, reply.body.ScBal?.Bal.toString()]).toEqual(['0', '1520.35']);
      expect(JSON.stringify(reply)).not.toContain(PIN_BLOCK);
      const header = replyHeader(message.body.MsgHdr, { side: 'S', localInstId: BROKER_ID }, '20261121200000000321', new Date());
      expect(() => encodeMessage({ name: reply.name, body: { ...reply.body, MsgHdr: header } } as ProtocolMessage)).not.toThrow();
    });

    it('a refusal (3013 already at another bank) carries no balance', () => {
      const request = forwarded(classifyInbound(designation({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: WITH_PASSWORD }), OFFER_ALL));
      const reply = replyFor(request, answer(request, { returnCode: '3013', returnMessage: '已开通其他银行' }), BROKER_ID);
      expect(reply.body).toMatchObject({ Rst: { Code: '3013' } });
      expect(reply.body).not.toHaveProperty('ScBal');
    });

    it('a 0000 from the owner without the opening balance cannot be sent (the library refuses it): the bank is answered 2041 and does not open', () => {
      const request = forwarded(classifyInbound(designation({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: WITH_PASSWORD }), OFFER_ALL));
      expect(replyFor(request, answer(request), BROKER_ID)).toMatchObject({ name: 'Acmt.002.01', body: { Rst: { Code: '2041' } } });
    });
  });

  describe('F-3.9 B (Acmt.009.01, 11008)', () => {
    const PIN_BLOCK = '0123456789ABCDEF';
    const balanceQuery = (scAcct: MessageBody<'Acmt.009.01'>['ScAcct'], extra: Omit<MessageBody<'Acmt.009.01'>, 'MsgHdr' | 'ScAcct'> = {}) =>
      fromBank('Acmt.009.01', INSTRUCTION_CODES.QUERY_FUND_BALANCE, { ...extra, ...(scAcct ? { ScAcct: scAcct } : {}) });
    const FIGURES = { balance: Money.parse('1000.00'), available: Money.parse('700.00'), withdrawable: Money.parse('700.00') };

    it('profile §4.1: 11008 goes to the transfer service as QUERY_FUND_BALANCE with the fund password (Pwd Type 0, Enc 02) to verify', () => {
      const message = balanceQuery({ ...SC_ACCT, Pwd: [{ Type: '1', Enc: '02', Pwd: '1111111111111111' }, { Type: '0', Enc: '02', Pwd: PIN_BLOCK }] }, { BkAcct: BK_ACCT, Ccy: 'USD' });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      expect(request).toMatchObject({ requestName: 'Acmt.009.01', function: 'QUERY_FUND_BALANCE', fundAccountNo: '880001', currency: 'USD', fundPassword: { kind: 'BLOCK', block: PIN_BLOCK } });
      const payload = bankRequestReceived.schema.parse(requestReceivedPayload(request, IDS, 'MISMATCHED'));
      expect(payload).toMatchObject({ function: 'QUERY_FUND_BALANCE', fundAccountNo: '880001', bankAccountNo: BK_ACCT.Id, fundPassword: 'MISMATCHED' });
      expect(payload).not.toHaveProperty('amount');
      expect(JSON.stringify(payload)).not.toContain(PIN_BLOCK);
    });

    it.each([
      ['no Pwd at all', undefined, { kind: 'MISSING' }],
      ['only a withdrawal password (Type 1)', [{ Type: '1' as const, Enc: '02' as const, Pwd: PIN_BLOCK }], { kind: 'MISSING' }],
      ['a block under another scheme (Enc 01)', [{ Type: '0' as const, Enc: '01' as const, Pwd: PIN_BLOCK }], { kind: 'UNREADABLE', why: 'Enc 01 is not 3DES (02)' }],
    ])('11008 with %s: the verdict input is %j (the owner answers 2001, as on a 12002)', (_case, pwd, expected) => {
      expect(forwarded(classifyInbound(balanceQuery({ ...SC_ACCT, ...(pwd ? { Pwd: pwd } : {}) }), OFFER_ALL)).fundPassword).toEqual(expected);
    });

    it('profile §4.1: an 11008 without the fund account is answered 2044 by the adapter in Acmt.010.01 and not forwarded', () => {
      expect(classifyInbound(balanceQuery(undefined, { BkAcct: BK_ACCT }), OFFER_ALL)).toMatchObject({ kind: 'refuse', returnCode: '2044', reply: { name: 'Acmt.010.01' } });
    });

    it('11008 is not offered (2033) when no account service can verify the fund password', () => {
      const decision = classifyInbound(balanceQuery({ ...SC_ACCT, Pwd: [{ Type: '0', Enc: '02', Pwd: PIN_BLOCK }] }), { ...OFFER_ALL, fundPasswords: false });
      expect(decision).toMatchObject({ kind: 'refuse', returnCode: '2033', reply: { name: 'Acmt.010.01' } });
    });

    it('profile §4.1: the Acmt.010.01 reply carries ScBal Type 0 (balance), 1 (available), 2 (withdrawable), accounts and Ccy echoed, never a password; the library writes it', () => {
      const message = balanceQuery({ ...SC_ACCT, Pwd: [{ Type: '0', Enc: '02', Pwd: PIN_BLOCK }] }, { BkAcct: BK_ACCT, Ccy: 'CNY' });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      const reply = replyFor(request, bankReplyReadySchema.parse(answer(request, { fundBalances: FIGURES })), BROKER_ID);
      if (reply.name !== 'Acmt.010.01') throw new Error(`answered with ${reply.name}`);
      expect(reply.body).toMatchObject({ Rst: { Code: '0000' }, BkAcct: { Id: BK_ACCT.Id, Type: '1' }, ScAcct: { Id: SC_ACCT.Id, Type: '3' }, Ccy: 'CNY' });
      const balances = reply.body.ScBal?.map((entry) => [entry.Type, entry.Bal.toString()]);
      expect(balances).toEqual([
        ['0', '1000.00'],
        ['1', '700.00'],
        ['2', '700.00'],
      ]);
      expect(JSON.stringify(reply)).not.toContain(PIN_BLOCK);
      const header = replyHeader(message.body.MsgHdr, { side: 'S', localInstId: BROKER_ID }, '20261121200000000321', new Date());
      expect(() => encodeMessage({ name: reply.name, body: { ...reply.body, MsgHdr: header } } as ProtocolMessage)).not.toThrow();
    });

    it('a refusal (2001 wrong fund password) carries no balance', () => {
      const request = forwarded(classifyInbound(balanceQuery(SC_ACCT), OFFER_ALL));
      const reply = replyFor(request, answer(request, { returnCode: '2001', returnMessage: '资金密码错误' }), BROKER_ID);
      expect(reply.body).toMatchObject({ Rst: { Code: '2001' } });
      expect(reply.body).not.toHaveProperty('ScBal');
    });

    it.each([
      ['without balances', undefined],
      ['with a figure below zero, which Balance cannot carry', { ...FIGURES, available: Money.parse('-0.01', 'signed') }],
    ])('a successful owner answer %s cannot be sent: the bank is answered 2041, the query failed', (_case, fundBalances) => {
      const request = forwarded(classifyInbound(balanceQuery(SC_ACCT), OFFER_ALL));
      expect(replyFor(request, answer(request, { fundBalances }), BROKER_ID)).toMatchObject({ name: 'Acmt.010.01', body: { Rst: { Code: '2041' } } });
    });
  });

  describe('F-3.11 B (Acmt.009.01, 11007)', () => {
    const CUSTOMER = { Name: '张三', CertType: '10', CertId: '61010319800101243X' } as const;
    const PIN_BLOCK = '0123456789ABCDEF';
    const seal = (clear: string) => ({ sealed: `sealed(${clear.length})` });
    const identityCheck = (body: Omit<MessageBody<'Acmt.009.01'>, 'MsgHdr'>) => fromBank('Acmt.009.01', INSTRUCTION_CODES.IDENTITY_CHECK, body);

    it('11007 goes to the account service as CHECK_IDENTITY with the accounts, currency and customer, the ID number sealed; without a password, none is checked', () => {
      const request = forwarded(classifyInbound(identityCheck({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY' }), OFFER_ALL));
      expect(request).not.toHaveProperty('fundPassword');
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, seal);
      expect(bankAccountRequestReceived.schema.parse(payload)).toEqual({
        inboundId: IDS.inboundId,
        bankCode: BANK_CODE,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: BANK_CODE } },
        function: 'CHECK_IDENTITY',
        serialNo: 'B2026112100000007',
        businessDate: '2026-11-21',
        receivedAt: RECEIVED_AT.toISOString(),
        fundAccountNo: '880001',
        currency: 'CNY',
        bankAccountNo: '6222021234567890123',
        customer: { name: '张三', idType: '10', idNumber: { sealed: 'sealed(18)' } },
      });
      expect(JSON.stringify(payload)).not.toContain(CUSTOMER.CertId);
    });

    it('profile §4.1: a fund password typed at the counter (Pwd Type 0) is verified first and only its verdict travels', () => {
      const request = forwarded(classifyInbound(identityCheck({ Cust: CUSTOMER, ScAcct: { ...SC_ACCT, Pwd: [{ Type: '0', Enc: '02', Pwd: PIN_BLOCK }] } }), OFFER_ALL));
      expect(request.fundPassword).toEqual({ kind: 'BLOCK', block: PIN_BLOCK });
      const payload = bankAccountRequestReceived.schema.parse(accountRequestReceivedPayload(forAccount(request), IDS, seal, 'MISMATCHED'));
      expect(payload).toMatchObject({ function: 'CHECK_IDENTITY', fundPassword: 'MISMATCHED' });
      expect(JSON.stringify(payload)).not.toContain(PIN_BLOCK);
    });

    it.each([
      ['ScAcct (the fund account)', { Cust: CUSTOMER, BkAcct: BK_ACCT }],
      ['Cust (the customer to check)', { BkAcct: BK_ACCT, ScAcct: SC_ACCT }],
    ])('§5.11.4 d, e: an 11007 without %s is answered 2044 by the adapter in Acmt.010.01 and not forwarded', (_missing, body) => {
      expect(classifyInbound(identityCheck(body), OFFER_ALL)).toMatchObject({ kind: 'refuse', returnCode: '2044', reply: { name: 'Acmt.010.01' } });
    });

    it('11007 is not offered (2033) without a sealer for its ID number, nor with a password no account service can verify', () => {
      expect(classifyInbound(identityCheck({ Cust: CUSTOMER, ScAcct: SC_ACCT }), { ...OFFER_ALL, sealing: false })).toMatchObject({ kind: 'refuse', returnCode: '2033' });
      const withPassword = identityCheck({ Cust: CUSTOMER, ScAcct: { ...SC_ACCT, Pwd: [{ Type: '0', Enc: '02', Pwd: PIN_BLOCK }] } });
      expect(classifyInbound(withPassword, { ...OFFER_ALL, fundPasswords: false })).toMatchObject({ kind: 'refuse', returnCode: '2033' });
      expect(forwarded(classifyInbound(identityCheck({ Cust: CUSTOMER, ScAcct: SC_ACCT }), { ...OFFER_ALL, fundPasswords: false })).function).toBe('CHECK_IDENTITY');
    });

    it.each(['0000', '2047'])('the Acmt.010.01 reply to an 11007 answered %s: the code, accounts and Ccy echoed, no balance; the library writes it', (returnCode) => {
      const message = identityCheck({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY' });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      const reply = replyFor(request, answer(request, { returnCode, returnMessage: 'x' }), BROKER_ID);
      expect(reply).toEqual({
        name: 'Acmt.010.01',
        serial: '20261121200000000321',
        body: { Rst: { Code: returnCode, Info: 'x' }, BkAcct: { Id: BK_ACCT.Id, Type: '1' }, ScAcct: { Id: SC_ACCT.Id, Type: '3' }, Ccy: 'CNY' },
      });
      const header = replyHeader(message.body.MsgHdr, { side: 'S', localInstId: BROKER_ID }, '20261121200000000321', new Date());
      expect(() => encodeMessage({ name: reply.name, body: { ...reply.body, MsgHdr: header } } as ProtocolMessage)).not.toThrow();
    });
  });

  describe('11011 B (Acmt.005.01, account status change)', () => {
    const statusChange = (body: Omit<MessageBody<'Acmt.005.01'>, 'MsgHdr'>) => fromBank('Acmt.005.01', INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS, body);

    it.each([
      ['0', 'NORMAL'],
      ['1', 'FROZEN'],
      ['2', 'LOST'],
    ] as const)('profile §4.1: BkAcct/Status %s goes to the account service as CHANGE_ACCOUNT_STATUS %s, with the accounts and no currency', (status, accountStatus) => {
      const request = forwarded(classifyInbound(statusChange({ BkAcct: { ...BK_ACCT, Status: status }, ScAcct: SC_ACCT }), OFFER_ALL));
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, NO_SEAL);
      expect(bankAccountRequestReceived.schema.parse(payload)).toEqual({
        inboundId: IDS.inboundId,
        bankCode: BANK_CODE,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: BANK_CODE } },
        function: 'CHANGE_ACCOUNT_STATUS',
        serialNo: 'B2026112100000007',
        businessDate: '2026-11-21',
        receivedAt: RECEIVED_AT.toISOString(),
        fundAccountNo: '880001',
        bankAccountNo: '6222021234567890123',
        accountStatus,
      });
    });

    it('profile §4.1: an 11011 without ScAcct is forwarded as sent, for the account service to answer 2044 against its serial', () => {
      const request = forwarded(classifyInbound(statusChange({ BkAcct: { ...BK_ACCT, Status: '1' } }), OFFER_ALL));
      expect(accountRequestReceivedPayload(forAccount(request), IDS, NO_SEAL)).toMatchObject({ fundAccountNo: '', accountStatus: 'FROZEN' });
    });

    it('the Acmt.006.01 reply: the owner code, the owner serial, BkAcct (Type 1) and ScAcct (Type 3) echoed; the library writes it', () => {
      const message = statusChange({ BkAcct: { ...BK_ACCT, Status: '1' }, ScAcct: SC_ACCT });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      const reply = replyFor(request, answer(request, { returnCode: '5003', returnMessage: '该客户已冻结' }), BROKER_ID);
      expect(reply).toEqual({
        name: 'Acmt.006.01',
        serial: '20261121200000000321',
        body: { Rst: { Code: '5003', Info: '该客户已冻结' }, BkAcct: { Id: BK_ACCT.Id, Type: '1' }, ScAcct: { Id: SC_ACCT.Id, Type: '3' } },
      });
      const header = replyHeader(message.body.MsgHdr, { side: 'S', localInstId: BROKER_ID }, '20261121200000000321', new Date());
      expect(() => encodeMessage({ name: reply.name, body: { ...reply.body, MsgHdr: header } } as ProtocolMessage)).not.toThrow();
    });
  });

  describe('F-3.4 B (Acmt.007.01, 11006 bank account change)', () => {
    const NEW_ACCT = { Id: '6222029876543210987', Type: '1' as const };
    const CUSTOMER = { Name: '张三', CertType: '10', CertId: '610103198001012435' } as const;
    const seal = (clear: string) => ({ sealed: `sealed(${clear.length})` });
    const change = (body: Omit<MessageBody<'Acmt.007.01'>, 'MsgHdr'>) => fromBank('Acmt.007.01', INSTRUCTION_CODES.CHANGE_BANK_ACCOUNT, body);

    it('11006 goes to the account service as CHANGE_BANK_ACCOUNT with the old account, the new one, the currency and the holder; the ID number sealed', () => {
      const request = forwarded(classifyInbound(change({ Cust: CUSTOMER, BkAcct: BK_ACCT, NewBkAcct: NEW_ACCT, ScAcct: SC_ACCT, Ccy: 'USD' }), OFFER_ALL));
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, seal);
      expect(bankAccountRequestReceived.schema.parse(payload)).toEqual({
        inboundId: IDS.inboundId,
        bankCode: BANK_CODE,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: BANK_CODE } },
        function: 'CHANGE_BANK_ACCOUNT',
        serialNo: 'B2026112100000007',
        businessDate: '2026-11-21',
        receivedAt: RECEIVED_AT.toISOString(),
        fundAccountNo: '880001',
        currency: 'USD',
        bankAccountNo: BK_ACCT.Id,
        newBankAccountNo: NEW_ACCT.Id,
        customer: { name: '张三', idType: '10', idNumber: { sealed: 'sealed(18)' } },
      });
      expect(JSON.stringify(payload)).not.toContain(CUSTOMER.CertId);
    });

    it('profile §4.1: an 11006 without ScAcct or Cust is forwarded as sent (CNY when it names no currency), for the account service to answer 2044 against its serial', () => {
      const request = forwarded(classifyInbound(change({ BkAcct: BK_ACCT, NewBkAcct: NEW_ACCT }), OFFER_ALL));
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, seal);
      expect(payload).toMatchObject({ function: 'CHANGE_BANK_ACCOUNT', fundAccountNo: '', currency: 'CNY', bankAccountNo: BK_ACCT.Id, newBankAccountNo: NEW_ACCT.Id });
      expect(payload).not.toHaveProperty('customer');
    });

    it('11006 is not offered (2033) without a sealer for its ID number', () => {
      const decision = classifyInbound(change({ Cust: CUSTOMER, BkAcct: BK_ACCT, NewBkAcct: NEW_ACCT, ScAcct: SC_ACCT }), { ...OFFER_ALL, sealing: false });
      expect(decision).toMatchObject({ kind: 'refuse', returnCode: '2033', reply: { name: 'Acmt.008.01' } });
    });

    it('§5.10.4 e: the Acmt.008.01 reply shows the new bank account on 0000, the old one on a refusal, with ScAcct and Ccy; the library writes it', () => {
      const message = change({ Cust: CUSTOMER, BkAcct: BK_ACCT, NewBkAcct: NEW_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY' });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      const accepted = replyFor(request, answer(request), BROKER_ID);
      expect(accepted).toEqual({
        name: 'Acmt.008.01',
        serial: '20261121200000000321',
        body: { Rst: { Code: '0000', Info: '交易成功' }, BkAcct: { Id: NEW_ACCT.Id, Type: '1' }, ScAcct: { Id: SC_ACCT.Id, Type: '3' }, Ccy: 'CNY' },
      });
      const refused = replyFor(request, answer(request, { returnCode: '2013', returnMessage: '资金账户与银行方账户未建立对应关系' }), BROKER_ID);
      expect(refused.body).toMatchObject({ Rst: { Code: '2013' }, BkAcct: { Id: BK_ACCT.Id } });
      const header = replyHeader(message.body.MsgHdr, { side: 'S', localInstId: BROKER_ID }, '20261121200000000321', new Date());
      expect(() => encodeMessage({ name: accepted.name, body: { ...accepted.body, MsgHdr: header } } as ProtocolMessage)).not.toThrow();
    });
  });

  describe('F-3.5 B (Acmt.005.01, 11005 customer data change)', () => {
    const seal = (clear: string) => ({ sealed: `sealed(${clear.length})` });
    const change = (body: Omit<MessageBody<'Acmt.005.01'>, 'MsgHdr'>) => fromBank('Acmt.005.01', INSTRUCTION_CODES.CHANGE_CUSTOMER, body);
    const NEW_DATA = { Name: '张三丰', CertType: '10', CertId: '610103198001012435', Mobile: '13800138000', Addr: '北京市西城区金融大街1号', Email: 'zhang@example.com' } as const;

    it('profile §4.1: 11005 goes to the account service as CHANGE_CUSTOMER with the new name, ID document and contact data (Mobile, Addr, Email); the ID number sealed, no currency', () => {
      const request = forwarded(classifyInbound(change({ Cust: { ...NEW_DATA, Fax: '010-1234' }, BkAcct: BK_ACCT, ScAcct: SC_ACCT }), OFFER_ALL));
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, seal);
      expect(bankAccountRequestReceived.schema.parse(payload)).toEqual({
        inboundId: IDS.inboundId,
        bankCode: BANK_CODE,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: BANK_CODE } },
        function: 'CHANGE_CUSTOMER',
        serialNo: 'B2026112100000007',
        businessDate: '2026-11-21',
        receivedAt: RECEIVED_AT.toISOString(),
        fundAccountNo: '880001',
        bankAccountNo: BK_ACCT.Id,
        customer: { name: '张三丰', idType: '10', idNumber: { sealed: 'sealed(18)' }, phone: '13800138000', address: '北京市西城区金融大街1号', email: 'zhang@example.com' },
      });
      expect(JSON.stringify(payload)).not.toContain(NEW_DATA.CertId);
    });

    it('profile §4.1: contact data the bank did not send is absent from the forward (kept as it is), and an 11005 without ScAcct goes on for a 2044', () => {
      const request = forwarded(classifyInbound(change({ Cust: { Name: '张三丰', CertType: '10', CertId: '610103198001012435' } }), OFFER_ALL));
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, seal);
      expect(payload).toMatchObject({ function: 'CHANGE_CUSTOMER', fundAccountNo: '' });
      if (payload.function !== 'CHANGE_CUSTOMER') throw new Error('not an 11005');
      expect(Object.keys(payload.customer)).toEqual(['name', 'idType', 'idNumber']);
    });

    it('11005 is not offered (2033) without a sealer for its ID number; 11011 on the same message still is', () => {
      expect(classifyInbound(change({ Cust: NEW_DATA, ScAcct: SC_ACCT }), { ...OFFER_ALL, sealing: false })).toMatchObject({ kind: 'refuse', returnCode: '2033', reply: { name: 'Acmt.006.01' } });
      const statusChange = fromBank('Acmt.005.01', INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS, { BkAcct: { ...BK_ACCT, Status: '1' }, ScAcct: SC_ACCT });
      expect(classifyInbound(statusChange, { ...OFFER_ALL, sealing: false })).toMatchObject({ kind: 'forward' });
    });

    it('the Acmt.006.01 reply echoes BkAcct and ScAcct with the owner code and serial; the library writes it', () => {
      const message = change({ Cust: NEW_DATA, BkAcct: BK_ACCT, ScAcct: SC_ACCT });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      const reply = replyFor(request, answer(request, { returnCode: '2009', returnMessage: '身份证号码不符' }), BROKER_ID);
      expect(reply).toEqual({
        name: 'Acmt.006.01',
        serial: '20261121200000000321',
        body: { Rst: { Code: '2009', Info: '身份证号码不符' }, BkAcct: { Id: BK_ACCT.Id, Type: '1' }, ScAcct: { Id: SC_ACCT.Id, Type: '3' } },
      });
      const header = replyHeader(message.body.MsgHdr, { side: 'S', localInstId: BROKER_ID }, '20261121200000000321', new Date());
      expect(() => encodeMessage({ name: reply.name, body: { ...reply.body, MsgHdr: header } } as ProtocolMessage)).not.toThrow();
    });
  });

  describe('F-3.8 B (Acmt.003.01, 11004 cancellation)', () => {
    const CUSTOMER = { Name: '张三', CertType: '10', CertId: '610103198001012435' } as const;
    const cancel = (body: Omit<MessageBody<'Acmt.003.01'>, 'MsgHdr'>) => fromBank('Acmt.003.01', INSTRUCTION_CODES.CANCEL_DESIGNATION, body);

    it('11004 goes to the account service as CANCEL_DESIGNATION with the accounts, the currency and ScBal as leavingBalance; Cust stays here (nothing to seal)', () => {
      const request = forwarded(classifyInbound(cancel({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'USD', ScBal: { Type: '0', Bal: Money.parse('0', 'non-negative') } }), { ...OFFER_ALL, sealing: false }));
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, NO_SEAL);
      expect(bankAccountRequestReceived.schema.parse(payload)).toEqual({
        inboundId: IDS.inboundId,
        bankCode: BANK_CODE,
        route: { adapterInstanceId: 'inst-1', sessionId: 's0', requestRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: BANK_CODE } },
        function: 'CANCEL_DESIGNATION',
        serialNo: 'B2026112100000007',
        businessDate: '2026-11-21',
        receivedAt: RECEIVED_AT.toISOString(),
        fundAccountNo: '880001',
        currency: 'USD',
        bankAccountNo: BK_ACCT.Id,
        leavingBalance: Money.parse('0.00', 'non-negative'),
      });
      expect(JSON.stringify(payload)).not.toContain(CUSTOMER.CertId);
    });

    it('profile §4.1 "11004": without BkAcct, ScBal or Ccy it is forwarded as sent (CNY), for the account service to judge (a pre-designated relationship has no bank account)', () => {
      const request = forwarded(classifyInbound(cancel({ Cust: CUSTOMER, ScAcct: SC_ACCT }), OFFER_ALL));
      const payload = accountRequestReceivedPayload(forAccount(request), IDS, NO_SEAL);
      expect(payload).toMatchObject({ function: 'CANCEL_DESIGNATION', fundAccountNo: '880001', currency: 'CNY' });
      expect(payload).not.toHaveProperty('bankAccountNo');
      expect(payload).not.toHaveProperty('leavingBalance');
    });

    it('profile §4.1 "11004": a positive ScBal is forwarded as it came, for the account service to refuse (a change of custodian bank is not a cancellation)', () => {
      const request = forwarded(classifyInbound(cancel({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT, ScBal: { Type: '0', Bal: Money.parse('120.50') } }), OFFER_ALL));
      expect(accountRequestReceivedPayload(forAccount(request), IDS, NO_SEAL)).toMatchObject({ leavingBalance: Money.parse('120.50') });
    });

    it('§5.6.4 e: the Acmt.004.01 reply echoes BkAcct, ScAcct and Ccy with the owner code and serial; the library writes it', () => {
      const message = cancel({ Cust: CUSTOMER, BkAcct: BK_ACCT, ScAcct: SC_ACCT, Ccy: 'CNY' });
      const request = forwarded(classifyInbound(message, OFFER_ALL));
      const reply = replyFor(request, answer(request, { returnCode: '5316', returnMessage: '该股东有资金余额' }), BROKER_ID);
      expect(reply).toEqual({
        name: 'Acmt.004.01',
        serial: '20261121200000000321',
        body: { Rst: { Code: '5316', Info: '该股东有资金余额' }, BkAcct: { Id: BK_ACCT.Id, Type: '1' }, ScAcct: { Id: SC_ACCT.Id, Type: '3' }, Ccy: 'CNY' },
      });
      const header = replyHeader(message.body.MsgHdr, { side: 'S', localInstId: BROKER_ID }, '20261121200000000321', new Date());
      expect(() => encodeMessage({ name: reply.name, body: { ...reply.body, MsgHdr: header } } as ProtocolMessage)).not.toThrow();
    });
  });

  it.each([
    ['11009 bank balance query (the broker asks it, never the bank)', 'Acmt.010.01', fromBank('Acmt.009.01', INSTRUCTION_CODES.QUERY_BANK_BALANCE, { BkAcct: BK_ACCT, ScAcct: SC_ACCT })],
  ] as const)('profile §4.1: a bank-started %s is not wired: answered 2033 in %s, not forwarded', (_function, replyName, message) => {
    const decision = classifyInbound(message, OFFER_ALL);
    expect(decision).toMatchObject({ kind: 'refuse', returnCode: '2033', reply: { name: replyName, body: { Rst: { Code: '2033' } } } });
    if (decision.kind !== 'refuse') return;
    const header = replyHeader(message.body.MsgHdr, { side: 'S', localInstId: BROKER_ID }, '20261121200000000321', new Date());
    expect(() => encodeMessage({ name: decision.reply.name, body: { ...decision.reply.body, MsgHdr: header } } as ProtocolMessage)).not.toThrow();
  });
});
