/**
 * Stable problem codes of the public API (spec/api.md "Conventions"), with the HTTP status each maps to.
 * Domain services throw `DomainError(code, …)`; only the edge turns it into HTTP, a bank return code
 * or a dead letter.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  IDEMPOTENCY_KEY_REUSED: 409,
  ALREADY_EXISTS: 409,
  CURRENCY_MISMATCH: 422,
  INSUFFICIENT_WITHDRAWABLE: 422,
  INSUFFICIENT_AVAILABLE: 422,
  RELATIONSHIP_NOT_ACTIVE: 422,
  /** bank-protocol.md §4.1 "11011": the relationship is frozen or reported lost; no transfer until it is normal again. */
  RELATIONSHIP_FROZEN: 422,
  /** bank-protocol.md §4.1 "11011": the status asked for is the one the relationship has; nothing was sent. */
  ACCOUNT_STATUS_UNCHANGED: 409,
  /**
   * api.md: a function that changes the relationship is still awaiting the bank; nothing was sent. domain.md F-3.6 /
   * F-3.8: so is a transfer or hold while the ledger is closed for the bank's decision on the relationship.
   */
  RELATIONSHIP_CHANGING: 409,
  RELATIONSHIP_EXISTS: 409,
  /**
   * domain.md F-3.8: a cancellation is refused while the fund ledger has a balance, a hold or a transfer in flight
   * (`detail` says which); nothing was sent to the bank.
   */
  CANCELLATION_REFUSED: 422,
  /**
   * domain.md F-3.6: a change of custodian bank is refused while the fund ledger has a hold (an order not yet settled)
   * or a transfer in flight (`detail` says which); nothing was sent to either bank.
   */
  BANK_CHANGE_REFUSED: 422,
  AUXILIARY_TO_AUXILIARY_FORBIDDEN: 422,
  /** domain.md §13: a customer holds at most 5 fund accounts in a currency. */
  FUND_ACCOUNT_LIMIT_REACHED: 422,
  /** domain.md §13: a second fund account of the customer at the same bank. */
  BANK_ALREADY_USED: 422,
  /** domain.md §13: the customer has a primary fund account already (another is made primary by make-primary). */
  PRIMARY_EXISTS: 409,
  /** domain.md §13: the old primary has unsettled trading (active trading holds), or a change of primary is under way. */
  PRIMARY_CHANGE_REFUSED: 409,
  /**
   * A fund account's other currency is not opened while a change of its customer's primary is deciding the roles: the
   * new currency takes the role the change leaves (api.md: same role), so it waits for it.
   */
  PRIMARY_CHANGE_UNDER_WAY: 409,
  /** domain.md §13: an auxiliary fund account does not trade, so it takes no trading hold. */
  AUXILIARY_HOLD_FORBIDDEN: 422,
  HOLD_NOT_ACTIVE: 409,
  UNKNOWN_BANK: 422,
  BANK_UNAVAILABLE: 503,
  BANK_REJECTED: 422,
  BANK_OUTCOME_UNKNOWN: 202,
  OUTSIDE_TRANSFER_WINDOW: 422,
  /** The business date, or the bank's day, is closed: no new transfers of it, and no operation on another date. */
  DAY_CLOSED: 409,
  /** `fundPassword` given with a request does not match (counted towards the lockout). */
  FUND_PASSWORD_INVALID: 422,
  /** Too many wrong fund passwords in a row: locked until the password is set again. */
  FUND_PASSWORD_LOCKED: 422,
  /** `fundPassword` given, but the customer has none set. */
  FUND_PASSWORD_NOT_SET: 422,
  /** `fundPassword` given, but the account service gave no verdict: nothing was done. */
  FUND_PASSWORD_UNVERIFIABLE: 503,
  /**
   * More transfers in flight at the request's bank than the hub serves in time: refused at once, nothing was done;
   * the answer's `Retry-After` says when to try again (issue 9: load is shed, not queued).
   */
  OVERLOADED: 503,
  /** An adjustment over `fourEyesThreshold` approved a second time by the principal who approved it first. */
  SAME_APPROVER: 409,
  /** A MANUAL adjustment cannot be rejected: it is already the last resort. */
  NOT_REJECTABLE: 409,
  /** The adjustment is APPLIED or REJECTED already: nothing more can be decided on it. */
  ADJUSTMENT_DECIDED: 409,
  /**
   * F-12.1 / F-12.2.2: the customer's identity is incomplete or ill-formed (name, ID type or number; the clean-up
   * report lists why), so a batch conversion does not send it to a bank.
   */
  IDENTITY_INCOMPLETE: 422,
  /** An upload whose `Content-Type` is none of the formats the endpoint reads. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** An upload larger than the endpoint takes; nothing was read into the books. */
  PAYLOAD_TOO_LARGE: 413,
  /** Internal: the owner's books of a bank's day do not match the saga's snapshot yet (outcomes still in flight); ask again. */
  SNAPSHOT_NOT_SETTLED: 409,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface Failure {
  code: string;
  bankReturnCode?: string;
  message: string;
}
