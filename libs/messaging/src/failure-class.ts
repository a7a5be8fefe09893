import { DeadLetterError } from './dead-letter';

/**
 * What retrying a message whose handler failed can bring. `permanent`: the same message against the same
 * state fails the same way every time, so it goes to the dead-letter topic instead of blocking its
 * partition. `transient`: it may succeed later (an outage, a lock, a message it depends on still on its
 * way), so it is retried with backoff and never given up.
 *
 * Dead-lettering means the message's effect never happens unless an operator replays it, so a
 * classifier answers `permanent` only for failures that provably cannot succeed on retry.
 */
export type FailureClass = 'permanent' | 'transient';

/**
 * Supplied by whoever knows the handlers' errors (service-kit knows the domain's refusal codes; this
 * library must not). It is asked about every failure of a handler; when it throws, the failure counts
 * as transient.
 */
export type FailureClassifier = (error: unknown) => FailureClass;

/** `DeadLetterError` is always permanent (its thrower knows); anything else is what `classifier` says, transient by default. */
export function classifyFailure(error: unknown, classifier: FailureClassifier | undefined): FailureClass {
  if (error instanceof DeadLetterError) return 'permanent';
  return classifier?.(error) ?? 'transient';
}

/** A machine-readable code the error carries (a domain code, a SQLSTATE), for the dead-letter record and the logs. */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
