/**
 * A transfer's `attempts` (what was tried to end an UNKNOWN) grow with every query while a bank stays silent,
 * and each one rewrote the whole array. Kept: the first ones (how the uncertainty began) and the latest (where
 * it stands), with a count of those dropped in between. Nothing is lost: every query, resend and reversal is
 * also a bank call the saga keeps (saga.bank_calls), with its serial and result.
 */
export const ATTEMPTS_KEPT = { first: 10, latest: 40 } as const;

export interface AttemptLog {
  readonly attempts: string[];
  /** How many attempts were dropped between the first and the latest ones. */
  readonly dropped: number;
}

/** The log with `attempt` appended; past the cap, the oldest of the latest ones makes room and is counted. */
export function withAttempt(log: AttemptLog, attempt: string): AttemptLog {
  const attempts = [...log.attempts, attempt];
  if (attempts.length <= ATTEMPTS_KEPT.first + ATTEMPTS_KEPT.latest) return { attempts, dropped: log.dropped };
  const excess = attempts.length - (ATTEMPTS_KEPT.first + ATTEMPTS_KEPT.latest);
  return { attempts: [...attempts.slice(0, ATTEMPTS_KEPT.first), ...attempts.slice(ATTEMPTS_KEPT.first + excess)], dropped: log.dropped + excess };
}

/** A transfer's `attempts` and `attemptsDropped` columns after one more attempt. */
export function attemptsAfter(columns: { readonly attempts: string[]; readonly attemptsDropped: number }, attempt: string): { attempts: string[]; attemptsDropped: number } {
  const log = withAttempt({ attempts: columns.attempts, dropped: columns.attemptsDropped }, attempt);
  return { attempts: log.attempts, attemptsDropped: log.dropped };
}

/** As the API shows them: in order, with one line standing for the dropped ones. */
export function attemptsView(log: AttemptLog): string[] {
  if (log.dropped === 0) return log.attempts;
  return [
    ...log.attempts.slice(0, ATTEMPTS_KEPT.first),
    `… ${log.dropped} more attempts, not kept here (each bank call is kept by the saga)`,
    ...log.attempts.slice(ATTEMPTS_KEPT.first),
  ];
}
