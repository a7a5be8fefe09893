/*
 * A process for the windowed consumer's crash test (windowed.consumer.int-spec.ts), run with
 * `node tools/run-ts.js <this file>` and killed with SIGKILL by the test: a real crash, with no stop()
 * and no last commit. It consumes WINDOWED_FIXTURE.topic in a window, finishes every credit at once
 * except those listed in `hang`, whose handlers never return, and reports each start and finish as a
 * JSON line on stdout. Settings come as JSON in the WINDOWED_FIXTURE environment variable.
 */
import { createTestKafka, testConsumerTimings } from '@custody/testing';
import { AtLeastOnceConsumer } from '../at-least-once.consumer';
import { quietLogger } from '../messaging.logger';
import { creditTopicNamed } from './credit.fixture';

export interface WindowedCrashFixtureSettings {
  topic: string;
  groupId: string;
  maxInFlight: number;
  /** creditIds whose handler never finishes. */
  hang: string[];
}

export interface WindowedCrashFixtureEvent {
  event: 'ready' | 'started' | 'finished';
  creditId?: string;
}

function report(event: WindowedCrashFixtureEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env['WINDOWED_FIXTURE'] ?? '') as WindowedCrashFixtureSettings;
  const consumer = new AtLeastOnceConsumer({
    kafka: createTestKafka('windowed-crash-fixture'),
    groupId: settings.groupId,
    logger: quietLogger,
    windowed: { maxInFlight: settings.maxInFlight },
    ...testConsumerTimings,
  }).subscribe(creditTopicNamed(settings.topic), async (envelope) => {
    const creditId = envelope.payload.creditId;
    report({ event: 'started', creditId });
    if (settings.hang.includes(creditId)) await new Promise<never>(() => undefined);
    report({ event: 'finished', creditId });
  });
  await consumer.start({ waitForJoinMs: 20_000 });
  report({ event: 'ready' });
}

// A process of its own: loading this file runs it (tests import its types only).
main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
