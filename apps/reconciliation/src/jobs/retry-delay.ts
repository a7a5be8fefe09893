/** How long a job waits after its n-th failed try: 1 s, 2 s, 4 s … doubling, at most a minute. */
export function retryDelayMs(failedTries: number, maxMs = 60_000): number {
  const exponent = Math.min(Math.max(failedTries, 1) - 1, 30);
  return Math.min(1000 * 2 ** exponent, maxMs);
}
