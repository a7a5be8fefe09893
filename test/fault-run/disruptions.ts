import { setTimeout as sleep } from 'node:timers/promises';
import type { StackControl } from '../support/test-context';
import type { Prng } from './prng';

/**
 * What the run does to the stack's processes (besides the banks' wire faults):
 * - KILL: SIGKILL a service and restart it `restartAfterMs` later (crashes, issue 3);
 * - ADD_REPLICA / STOP_REPLICA: a second replica of one bank's adapter joins mid-run and later leaves with
 *   SIGTERM — a rolling deploy or scale-up; calls it receives may be redeliveries of calls the first replica
 *   wrote (issue 7 item 1);
 * - SKEW: one bank's adapter restarted with its wall clock off by `clockSkewMs` (0: back to the host's), as on a
 *   host whose NTP drifted (issue 7 item 6).
 */
export type Disruption =
  | { readonly kind: 'KILL'; readonly name: string; readonly restartAfterMs: number }
  | { readonly kind: 'ADD_REPLICA'; readonly of: string }
  | { readonly kind: 'STOP_REPLICA' }
  | { readonly kind: 'SKEW'; readonly name: string; readonly clockSkewMs: number };

/** How far an adapter's clock is set off: the most two hosts may disagree (MAX_CLOCK_SKEW_MS). */
const CLOCK_SKEW_MS = 5_000;

/**
 * The adapter disruptions of a run of `transfers`, by the index of the transfer they come before: a replica of
 * one bank's adapter from a quarter to three fifths of the way, the other bank's adapter with a skewed clock from
 * two fifths to four fifths. Drawn from a PRNG of their own, so that the transfers and faults a seed names stay
 * what they were before these existed.
 */
export function planAdapterDisruptions(prng: Prng, adapters: readonly string[], transfers: number): Map<number, Disruption[]> {
  const plan = new Map<number, Disruption[]>();
  if (adapters.length === 0 || transfers < 5) return plan;
  const at = (fraction: number, disruption: Disruption) => {
    const index = Math.floor(transfers * fraction);
    plan.set(index, [...(plan.get(index) ?? []), disruption]);
  };
  const replicated = prng.pick([...adapters]);
  const skewed = adapters.length > 1 ? prng.pick(adapters.filter((a) => a !== replicated)) : replicated;
  const clockSkewMs = prng.chance(0.5) ? CLOCK_SKEW_MS : -CLOCK_SKEW_MS;
  at(0.25, { kind: 'ADD_REPLICA', of: replicated });
  at(0.4, { kind: 'SKEW', name: skewed, clockSkewMs });
  at(0.6, { kind: 'STOP_REPLICA' });
  at(0.8, { kind: 'SKEW', name: skewed, clockSkewMs: 0 });
  return plan;
}

/**
 * Carries the disruptions out one at a time, in the order they come (one process down at a time; a
 * disruption waits for the one before it). A process that does not come back fails the run with its reason
 * and last log lines, instead of surfacing later as violations downstream of a dead service.
 */
export class Disruptor {
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private replica: string | undefined;
  private readonly skewed = new Set<string>();
  /** What was done, by kind and process, for the report. */
  readonly done: Record<string, number> = {};

  constructor(
    private readonly stack: StackControl | undefined,
    private readonly log: (line: string) => void,
  ) {}

  schedule(disruption: Disruption): void {
    if (!this.stack) return;
    this.chain = this.chain
      .then(() => (this.failure ? undefined : this.perform(this.stack!, disruption)))
      .catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
        this.log(`fault run: ${describe(disruption)} FAILED: ${this.failure.message}`);
      });
  }

  /** Waits for what is scheduled, then undoes what is still in place (a replica, a skewed clock). */
  async finish(): Promise<void> {
    await this.chain;
    if (this.replica) this.schedule({ kind: 'STOP_REPLICA' });
    for (const name of this.skewed) this.schedule({ kind: 'SKEW', name, clockSkewMs: 0 });
    await this.chain;
    if (this.failure) throw new Error(`fault run stopped: a process did not come back (${this.failure.message})`);
  }

  private async perform(stack: StackControl, disruption: Disruption): Promise<void> {
    switch (disruption.kind) {
      case 'KILL':
        await stack.kill(disruption.name);
        this.log(`fault run: SIGKILL ${disruption.name}`);
        await sleep(disruption.restartAfterMs);
        // A service killed while its clock was skewed comes back on the host's clock.
        this.skewed.delete(disruption.name);
        await stack.restart(disruption.name);
        this.log(`fault run: ${disruption.name} restarted`);
        break;
      case 'ADD_REPLICA':
        this.replica = await stack.addReplica(disruption.of);
        this.log(`fault run: replica ${this.replica} of ${disruption.of} started`);
        break;
      case 'STOP_REPLICA':
        if (!this.replica) return;
        await stack.stop(this.replica);
        this.log(`fault run: replica ${this.replica} stopped (SIGTERM)`);
        this.replica = undefined;
        break;
      case 'SKEW':
        if (disruption.clockSkewMs === 0 && !this.skewed.has(disruption.name)) return;
        await stack.stop(disruption.name);
        await stack.restart(disruption.name, { clockSkewMs: disruption.clockSkewMs });
        if (disruption.clockSkewMs === 0) this.skewed.delete(disruption.name);
        else this.skewed.add(disruption.name);
        this.log(`fault run: ${disruption.name} restarted with its clock ${disruption.clockSkewMs === 0 ? 'back on the host\'s' : `${disruption.clockSkewMs > 0 ? '+' : ''}${disruption.clockSkewMs} ms off`}`);
        break;
    }
    const key = describe(disruption);
    this.done[key] = (this.done[key] ?? 0) + 1;
  }
}

function describe(disruption: Disruption): string {
  switch (disruption.kind) {
    case 'KILL':
      return `kill ${disruption.name}`;
    case 'ADD_REPLICA':
      return `replica of ${disruption.of} started`;
    case 'STOP_REPLICA':
      return 'replica stopped';
    case 'SKEW':
      return disruption.clockSkewMs === 0 ? `${disruption.name} clock restored` : `${disruption.name} clock ${disruption.clockSkewMs > 0 ? '+' : ''}${disruption.clockSkewMs} ms`;
  }
}
