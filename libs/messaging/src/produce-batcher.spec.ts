import type { ProducerBatch } from 'kafkajs';
import { ProduceBatcher } from './produce-batcher';

/** A producer whose requests are answered when the test says so. */
function slowProducer() {
  const requests: Array<{ batch: ProducerBatch; answer: (error?: Error) => void }> = [];
  return {
    requests,
    sendBatch: (batch: ProducerBatch) =>
      new Promise<never[]>((resolve, reject) => requests.push({ batch, answer: (error) => (error ? reject(error) : resolve([])) })),
  };
}

const turn = () => new Promise((r) => setImmediate(r));
const values = (batch: ProducerBatch) => batch.topicMessages!.flatMap((t) => t.messages.map((m) => `${t.topic}:${String(m.value)}`));

describe('ProduceBatcher (issue 9: the adapter batches its completions)', () => {
  it('a lone message leaves at once, in a request of its own', async () => {
    const producer = slowProducer();
    const batcher = new ProduceBatcher(producer);
    const sent = batcher.send('t', { key: 'k', value: 'a' });
    await turn();
    expect(producer.requests).toHaveLength(1);
    expect(values(producer.requests[0].batch)).toEqual(['t:a']);
    expect(producer.requests[0].batch.acks).toBe(-1);
    producer.requests[0].answer();
    await expect(sent).resolves.toBeUndefined();
  });

  it('messages sent while a request is on its way leave together in the next one, in the order they were sent', async () => {
    const producer = slowProducer();
    const batcher = new ProduceBatcher(producer);
    const first = batcher.send('t', { value: '1' });
    await turn();
    const later = [batcher.send('t', { value: '2' }), batcher.send('u', { value: '3' }), batcher.send('t', { value: '4' })];
    await turn();
    expect(producer.requests).toHaveLength(1);
    producer.requests[0].answer();
    await first;
    await turn();
    expect(producer.requests).toHaveLength(2);
    expect(values(producer.requests[1].batch)).toEqual(['t:2', 't:4', 'u:3']);
    producer.requests[1].answer();
    await Promise.all(later);
  });

  it('a failed request rejects every message of it and no other; the next messages still go', async () => {
    const producer = slowProducer();
    const batcher = new ProduceBatcher(producer);
    const failed = batcher.send('t', { value: 'x' });
    await turn();
    const next = batcher.send('t', { value: 'y' });
    producer.requests[0].answer(new Error('not enough replicas'));
    await expect(failed).rejects.toThrow('not enough replicas');
    await turn();
    producer.requests[1].answer();
    await expect(next).resolves.toBeUndefined();
  });

  it('a burst larger than a batch goes out in requests of at most maxBatch messages', async () => {
    const producer = slowProducer();
    const batcher = new ProduceBatcher(producer, 2);
    const sent = ['1', '2', '3'].map((value) => batcher.send('t', { value }));
    await turn();
    expect(values(producer.requests[0].batch)).toEqual(['t:1', 't:2']);
    producer.requests[0].answer();
    await turn();
    expect(values(producer.requests[1].batch)).toEqual(['t:3']);
    producer.requests[1].answer();
    await Promise.all(sent);
  });
});
