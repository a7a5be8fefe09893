import { bankCallRequestedFor, bankOfCallTopic, bankReplyReadyFor, designationRequested, type BankCallRequest } from './topics';
import { Money } from '@custody/money';

const call = (bankCode: string): BankCallRequest => ({
  callId: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
  bankCode,
  function: 'SECURITIES_TO_BANK',
  serialNo: '20261121200000000001',
  businessDate: '2026-11-21',
  resend: false,
  sendWithinMs: 2_000,
  fundAccountNo: '880001',
  currency: 'CNY',
  amount: Money.parse('300.00'),
  bankAccountNo: '6222021234567890123',
});

describe('issue 9: the calls to a bank go to a topic of its own', () => {
  it('names one topic per bank, each carrying the same event (type and version)', () => {
    const [a, b] = [bankCallRequestedFor('1021000'), bankCallRequestedFor('1051000')];
    expect(a.name).toBe('custody.internal.bank.call-requested.1021000.1');
    expect(b.name).toBe('custody.internal.bank.call-requested.1051000.1');
    expect([a.type, a.version]).toEqual([b.type, b.version]);
  });

  it("refuses a call that names another bank than its topic's, so a misrouted call is dead-lettered, never made", () => {
    const topic = bankCallRequestedFor('1021000');
    expect(topic.schema.safeParse(call('1021000')).success).toBe(true);
    const refused = topic.schema.safeParse(call('1051000'));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues).toEqual([expect.objectContaining({ path: ['bankCode'], message: "a call on bank 1021000's topic must name bank 1021000" })]);
  });

  it('refuses a bank code that cannot be part of a topic name', () => {
    expect(() => bankCallRequestedFor('10.21')).toThrow('cannot name a topic');
    expect(() => bankCallRequestedFor('')).toThrow('cannot name a topic');
  });

  it("issue 9: an owner's replies to a bank's requests go to that bank's own topic, and a reply naming another bank is refused there", () => {
    const reply = (bankCode: string) => ({
      inboundId: '7d3b5c1e-8f4a-4b2c-9d6e-1a2b3c4d5e6f',
      bankCode,
      route: { adapterInstanceId: 'adapter-1', sessionId: 'session-1', requestRef: { serialNo: 'B2026112100000007', issuerType: 'B', issuerId: bankCode } },
      function: 'BANK_TO_SECURITIES',
      returnCode: '0000',
      returnMessage: '交易成功',
    });
    const topic = bankReplyReadyFor('1021000');
    expect(topic.name).toBe('custody.internal.bank.reply-ready.1021000.1');
    expect(bankReplyReadyFor('1051000').name).toBe('custody.internal.bank.reply-ready.1051000.1');
    expect(topic.schema.safeParse(reply('1021000')).success).toBe(true);
    expect(topic.schema.safeParse(reply('1051000')).error?.issues).toEqual([expect.objectContaining({ path: ['bankCode'], message: "a reply on bank 1021000's topic must name bank 1021000" })]);
    expect(bankOfCallTopic(topic.name)).toBeUndefined();
  });

  it('tells a call topic, and its bank, from any other topic', () => {
    expect(bankOfCallTopic(bankCallRequestedFor('1021000').name)).toBe('1021000');
    expect(bankOfCallTopic('custody.internal.bank.call-completed.1')).toBeUndefined();
    expect(bankOfCallTopic('custody.internal.bank.call-requested.1')).toBeUndefined();
    expect(bankOfCallTopic('sys3.custody.internal.bank.call-requested.1021000.1')).toBeUndefined();
  });
});

describe('designation.requested: a designation (11001) or a pre-designation (11002)', () => {
  const request = {
    relationshipId: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
    serialNo: '20261121100000000001',
    fundAccountNo: '880001',
    currency: 'CNY',
    bankCode: '1021000',
    customer: { customerNo: 'C1', name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: { sealed: 'x' } },
  };
  const bankAccount = { bankAccountNo: '6222021234567890123', bankPassword: { sealed: 'y' } };

  it('a request from before pre-designation existed (no mode) is a designation', () => {
    expect(designationRequested.schema.parse({ ...request, ...bankAccount }).mode).toBe('DESIGNATE');
  });

  it('F-3.3 S: a designation without the bank account and its password is refused', () => {
    expect(designationRequested.schema.safeParse({ ...request, mode: 'DESIGNATE' }).success).toBe(false);
  });

  it('F-3.1, profile §4.1: a pre-designation carries no bank account, and one that does is refused', () => {
    expect(designationRequested.schema.safeParse({ ...request, mode: 'PRE_DESIGNATE' }).success).toBe(true);
    expect(designationRequested.schema.safeParse({ ...request, mode: 'PRE_DESIGNATE', ...bankAccount }).success).toBe(false);
  });
});
