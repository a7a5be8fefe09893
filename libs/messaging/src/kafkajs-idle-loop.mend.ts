import RequestQueue from 'kafkajs/src/network/requestQueue';
import { version as kafkajsVersion } from 'kafkajs/package.json';

/** The kafkajs release whose request queue spins while idle (kafkajs#1556, #1704; fixed upstream only in open PRs). */
export const KAFKAJS_WITH_IDLE_LOOP = '2.2.4';

/** kafkajs's own pause before it looks at queued requests again (its CHECK_PENDING_REQUESTS_INTERVAL). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

let mended = false;

/**
 * Stops kafkajs 2.2.4's idle loop: once a broker connection has answered a request, its queue re-armed a timer with a
 * negative delay after every check, queued request or not — about a thousand wake-ups a second per connection, for
 * as long as the process lives. Every service holds several connections (each consumer group, producer and admin
 * client), so an idle stack spent a third of a core on it (docs/benchmarks.md, seventh session), and a busy one the
 * same share of the cores its transfers need (issue 9).
 *
 * A check is needed only while a request waits in the queue: a request pushed later is sent at once or queued, and
 * queuing schedules the check; an answer checks the queue as it arrives. So the replacement schedules exactly when
 * something waits — after a client-side throttle ends, or kafkajs's own 10 ms — and never otherwise. Applied once per
 * process, to kafkajs 2.2.4 only: a later release is left as it ships, and the spec fails until someone looks again.
 */
export function mendKafkaJsIdleLoop(): void {
  if (mended || kafkajsVersion !== KAFKAJS_WITH_IDLE_LOOP) return;
  mended = true;
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue): void {
    if (this.pending.length === 0 || this.throttleCheckTimeoutId) return;
    const throttledFor = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
}
