import { fixtureSecrets, holdsSecret, LogScan } from './log-scan';

describe('a secret in a log line', () => {
  it('is found as a JSON string value, inside a text, or in a message body', () => {
    expect(holdsSecret('{"bankPassword":"135790"}', '135790')).toBe(true);
    expect(holdsSecret('{"msg":"wrong password 135790 given"}', '135790')).toBe(true);
    expect(holdsSecret('{"body":"<Pwd>135790</Pwd>"}', '135790')).toBe(true);
    expect(holdsSecret('{"idNumber":"110101199012345678"}', '110101199012345678')).toBe(true);
  });

  it('is not found inside a longer number or word, as a JSON number, or as a side of a decimal', () => {
    expect(holdsSecret('{"time":1765101357901}', '135790')).toBe(false);
    expect(holdsSecret('{"trace_id":"ab135790cd00112233445566778899aa"}', '135790')).toBe(false);
    expect(holdsSecret('{"offset":135790,"partition":1}', '135790')).toBe(false);
    expect(holdsSecret('{"offsets":[1,135790]}', '135790')).toBe(false);
    expect(holdsSecret('{"amount":"135790.00"}', '135790')).toBe(false);
  });

  it('a name is found wherever it appears, even inside other text', () => {
    expect(holdsSecret('{"msg":"holder 张三先生 opened"}', '张三')).toBe(true);
    expect(holdsSecret('{"msg":"holder [redacted] opened"}', '张三')).toBe(false);
  });
});

describe('a scan of a run\'s log lines', () => {
  const secrets = [
    { kind: 'a bank password', value: '135790' },
    { kind: 'a customer name', value: '张三' },
  ];

  it('names each line holding a secret by its place and the kind of secret, never the secret itself', () => {
    const scan = new LogScan(secrets);
    scan.line('saga.log:1', '{"level":30,"msg":"fine"}');
    scan.line('bank-simulator-1.log:7', '{"level":30,"msg":"account opened","holder":"张三"}');
    expect(scan.findings()).toMatchObject({ lines: 2, leaks: ['bank-simulator-1.log:7 holds a customer name'] });
  });

  it('wants trace id and correlation id on every line the call handler logs, and counts those lines', () => {
    const scan = new LogScan(secrets);
    scan.line('a.log:1', '{"msg":"bank call not sent","callId":"c1","trace_id":"0af7651916cd43dd8448eb211c80319c","correlationId":"c1"}');
    scan.line('a.log:2', '{"msg":"bank call sent but unanswered (UNKNOWN)","callId":"c2","correlationId":"c2"}');
    scan.line('a.log:3', '{"msg":"redelivered call answered from its completion record; not sent again","callId":"c3"}');
    scan.line('a.log:4', '{"msg":"no completion from the bank adapter by the deadline","callId":"c4"}');
    expect(scan.findings()).toMatchObject({
      handlerLines: 3,
      untraced: ['a.log:2 "bank call sent but unanswered (UNKNOWN)" lacks trace_id', 'a.log:3 "redelivered call answered from its completion record; not sent again" lacks trace_id and correlationId'],
    });
  });
});

describe('a scan of the consumers\' own lines about a message', () => {
  it('wants the correlation id on each (a duplicate skipped, an attempt failed, a dead letter), the trace id only where the message came with one', () => {
    const scan = new LogScan([]);
    scan.line('saga.log:1', '{"msg":"duplicate delivery skipped (inbox)","messageId":"m1","correlationId":"f1"}');
    scan.line('saga.log:2', '{"msg":"attempt failed; nothing of it committed (effect rolled back, offset not committed), retrying","messageId":"m2","trace_id":"0af7651916cd43dd8448eb211c80319c"}');
    scan.line('saga.log:3', '{"msg":"consumer started","groupId":"g"}');
    expect(scan.findings()).toMatchObject({
      handlerLines: 2,
      untraced: ['saga.log:2 "attempt failed; nothing of it committed (effect rolled back, offset not committed), retrying" lacks correlationId'],
    });
  });
});

describe('the fixtures\' secrets', () => {
  it('are every name, ID number and password of the run, with the clear PIN blocks of those passwords, each once', () => {
    const customer = { customerNo: 'C1', name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199012345678' };
    const member = (fundAccountNo: string) => ({ customer, fundAccountNo, bankCode: '1021000', bankAccountNo: '6200000000000000001', bankPassword: '135790', custodyAccountNo: 'X' });
    const secrets = fixtureSecrets([member('100000000010'), member('100000000020')], ['246810']);
    expect(secrets.filter((s) => s.kind === 'a customer name' || s.kind === 'an ID number' || s.kind.endsWith('password')).map((s) => s.value).sort()).toEqual(['110101199012345678', '135790', '246810', '张三'].sort());
    // Format 0: (0, 6, PIN, F…) XOR (0000, the account's 12 digits before its last): 06246810FFFFFFFF ^ 0000010000000001.
    expect(secrets).toContainEqual({ kind: 'a fund password PIN block', value: '06246910FFFFFFFE' });
    expect(secrets.filter((s) => s.kind === 'a fund password PIN block')).toHaveLength(2);
  });
});
