import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Lets an HTTP caller wait (bounded by `waitMs`) for a resource that a saga moves to a final state.
 * Waiting is only a courtesy to the caller: the outcome is decided and persisted elsewhere, so a
 * caller that stops waiting loses nothing and reads the resource later.
 */
export async function awaitState<T>(
  read: () => Promise<T>,
  isFinal: (value: T) => boolean,
  waitMs: number,
  /**
   * Resolves when the state may have changed (e.g. SettledNotifications.changed), or after the given time; defaults
   * to a short sleep. It is called before each read, so a change between the read and the wait is not missed (the
   * caller would otherwise sleep until the fallback time: issue 9 found a third of the reads were such retries).
   * What it resolves with, when not undefined, is the resource as the change wrote it: it stands for the next read.
   */
  changed: (maxMs: number) => Promise<T | undefined | void> = (maxMs) => sleep(Math.min(25, maxMs)),
  /**
   * The resource as the caller's own transaction has just written it, standing for the first read (a statement per
   * request saved, issue 9). Only for a resource that cannot change before the first wait is armed — e.g. one whose
   * next change needs a message its commit wrote to go out and come back.
   */
  written?: T,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  let known = written;
  for (;;) {
    const next = changed(Math.max(1, deadline - Date.now()));
    const value = known ?? (await read());
    known = undefined;
    if (isFinal(value) || Date.now() >= deadline) return value;
    const woken: T | undefined | void = await next;
    if (woken !== undefined) known = woken as T;
  }
}

/** `waitMs` as callers pass it: bounded so one request cannot hold a connection for long. */
export function parseWaitMs(raw: string | undefined, fallback: number, max = 30_000): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,6}$/.test(raw)) return fallback;
  return Math.min(Number(raw), max);
}
