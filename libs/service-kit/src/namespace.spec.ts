import { TopicNamespace } from './namespace';

describe('a stack namespace and the contract names of its topics', () => {
  it("gives back a topic's contract name only for a topic of its own namespace", () => {
    const ns = new TopicNamespace('sys3');
    expect(ns.contractName(ns.name('custody.internal.transfer.outcome.1'))).toBe('custody.internal.transfer.outcome.1');
    expect(ns.contractName('sys4.custody.internal.transfer.outcome.1')).toBeUndefined();
    expect(ns.contractName('custody.internal.transfer.outcome.1')).toBeUndefined();
  });

  it('the empty namespace (production, the developer stack) keeps every name as it is', () => {
    expect(new TopicNamespace('').contractName('custody.internal.transfer.outcome.1')).toBe('custody.internal.transfer.outcome.1');
  });
});
