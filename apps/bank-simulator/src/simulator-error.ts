/**
 * The simulator's one error type (conventions.md "Errors"): books and services throw it with a stable
 * code; only the control edge turns it into HTTP. Bank refusals on the protocol are not errors but
 * return codes in replies, so they never pass through here.
 */
export const SIMULATOR_ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  NO_BROKER_SESSION: 409,
  /** The transaction is not in a state the operation applies to (e.g. reversing a FAILED transfer). */
  WRONG_STATE: 409,
  BANK_REFUSED: 422,
  /** A day file held that does not read as its type (e.g. one the broker sent malformed). */
  FILE_UNREADABLE: 422,
  INTERNAL: 500,
  NOT_LISTENING: 503,
} as const;

export type SimulatorErrorCode = keyof typeof SIMULATOR_ERROR_STATUS;

export class SimulatorError extends Error {
  constructor(
    readonly code: SimulatorErrorCode,
    readonly detail: string,
    /** Extra problem members, e.g. the bank `returnCode` of a refusal. */
    readonly extensions: Readonly<Record<string, string>> = {},
  ) {
    super(`${code}: ${detail}`);
  }
}
