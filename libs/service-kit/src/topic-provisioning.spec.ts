import { bankCallRequestedFor, bankCallCompleted, bankReplyReadyFor, deadLetterTopic, transferOutcome, transferRequested } from '@custody/contracts';
import { loadCustodyConfig } from './custody-config';
import { TopicNamespace } from './namespace';
import { clusterTopics } from './topic-provisioning';

describe('the topic provisioning Job (main.js provision-topics)', () => {
  const config = loadCustodyConfig('config/custody.local.yaml');

  it('creates every contract topic, each configured bank\'s calls and replies topics and the dead-letter topic', () => {
    const topics = clusterTopics(config, new TopicNamespace(''));
    expect(topics).toEqual(expect.arrayContaining([transferRequested.name, transferOutcome.name, bankCallCompleted.name, deadLetterTopic]));
    expect(topics).toEqual(expect.arrayContaining(config.banks.flatMap((bank) => [bankCallRequestedFor(bank.code).name, bankReplyReadyFor(bank.code).name])));
    expect(new Set(topics).size).toBe(topics.length);
  });

  it('a bank added to the configuration adds exactly its calls and replies topics', () => {
    const withBank = { ...config, banks: [...config.banks, { ...config.banks[0], code: '1031000' }] };
    const added = clusterTopics(withBank, new TopicNamespace('')).filter((topic) => !clusterTopics(config, new TopicNamespace('')).includes(topic));
    expect(added).toEqual([bankCallRequestedFor('1031000').name, bankReplyReadyFor('1031000').name]);
  });

  it('a namespaced stack gets its own names', () => {
    expect(clusterTopics(config, new TopicNamespace('ns1')).every((topic) => topic.startsWith('ns1.'))).toBe(true);
  });
});
