import type { ErrorCode } from '@custody/contracts';
import type { FailureClass } from '@custody/messaging';
import { DomainError } from './domain-error';

/**
 * What a consumer does when applying a message fails with a `DomainError` of each code: `permanent`
 * sends the message to the dead-letter topic at once, `transient` retries it (with backoff, reported
 * stuck after `CONSUMER_STUCK_AFTER_MS`) until it succeeds.
 *
 * Dead-lettering means the message's effect never happens unless an operator replays it, so a code is
 * permanent only when retrying provably cannot succeed: every place that throws it decides from the
 * message alone or from state that can never change back. A refusal that depends on state another
 * message, the clock, configuration or an operator can still change is transient: blocking a partition
 * is loud and heals; a dead letter loses the effect until someone acts. Keyed by every code, so a new
 * code does not compile until someone decides here.
 */
const ON_RETRY: Record<ErrorCode, FailureClass> = {
  // A hold only ever goes ACTIVE → RELEASED | CONSUMED, and a hold's kind never changes. Thrown by
  // LedgerRepository.endHold (a transfer.outcome for a transfer whose hold already ended, or a hold
  // that does not exist: holds are created with their transfer and never deleted) and by
  // HoldsService.release (a transfer's hold is not released by hand).
  HOLD_NOT_ACTIVE: 'permanent',
  // A fund account's currency is fixed when it is opened (account.fund_accounts.currency is never
  // updated, and its ledger is created in that currency only). Thrown by DesignationService.request and
  // InternalTransferService. Revisit if fund accounts ever gain currencies.
  CURRENCY_MISMATCH: 'permanent',
  // The requestId's first use is recorded with its body's digest; the same key with another body is
  // refused every time. (Once the key is pruned a retry would "succeed" as a second resource under a
  // reused requestId: a wrong outcome, so an operator decides.) Thrown by IdempotencyStore and
  // FundPasswordService.verify.
  IDEMPOTENCY_KEY_REUSED: 'permanent',

  // One throw site depends on state: an auxiliary fund account opened before the customer's primary
  // (FundAccountService) succeeds once the primary exists.
  VALIDATION_FAILED: 'transient',
  // Credentials expire and are refreshed; roles are configuration.
  UNAUTHENTICATED: 'transient',
  FORBIDDEN: 'transient',
  // Messages of different topics and partitions arrive in any order: what is missing may be on its way.
  NOT_FOUND: 'transient',
  // Thrown only at the HTTP edge (a fund account number taken); kept retryable as every edge-only code is.
  ALREADY_EXISTS: 'transient',
  // Balances and holds move with every other message of the account.
  INSUFFICIENT_WITHDRAWABLE: 'transient',
  INSUFFICIENT_AVAILABLE: 'transient',
  // Relationships are designated, cancelled and changed by other flows (a designation may be in flight).
  RELATIONSHIP_NOT_ACTIVE: 'transient',
  // The bank unfreezes (11011 back to normal).
  RELATIONSHIP_FROZEN: 'transient',
  // Thrown only at the HTTP edge (a broker-started 11011 or function still awaiting the bank); statuses change and
  // functions settle — a change of the relationship under way (F-3.8: its ledger closed) ends.
  ACCOUNT_STATUS_UNCHANGED: 'transient',
  RELATIONSHIP_CHANGING: 'transient',
  RELATIONSHIP_EXISTS: 'transient',
  // A ledger's balance, holds and transfers move with every other message of the account (F-3.8).
  CANCELLATION_REFUSED: 'transient',
  BANK_CHANGE_REFUSED: 'transient',
  BANK_ALREADY_USED: 'transient',
  // The customer may change which fund account is primary (domain.md §13).
  AUXILIARY_TO_AUXILIARY_FORBIDDEN: 'transient',
  // Thrown only at the HTTP edge (a refused change of primary is recorded, not thrown, by its consumers); were
  // they thrown by a consumer, roles change with make-primary ("customer already has a primary" too) and the old
  // primary's holds end.
  AUXILIARY_HOLD_FORBIDDEN: 'transient',
  PRIMARY_EXISTS: 'transient',
  PRIMARY_CHANGE_REFUSED: 'transient',
  // A change of primary ends.
  PRIMARY_CHANGE_UNDER_WAY: 'transient',
  // Fund accounts can be closed.
  FUND_ACCOUNT_LIMIT_REACHED: 'transient',
  // Banks are configuration, fixed by a deploy.
  UNKNOWN_BANK: 'transient',
  // A customer's data is corrected (PUT /v1/customers); thrown only by a batch conversion's worker, never a consumer.
  IDENTITY_INCOMPLETE: 'transient',
  // Thrown only at the HTTP edge of an upload.
  UNSUPPORTED_MEDIA_TYPE: 'transient',
  PAYLOAD_TOO_LARGE: 'transient',
  // A bank's state and answers are outside; an outcome the saga records is never a thrown refusal.
  BANK_UNAVAILABLE: 'transient',
  BANK_REJECTED: 'transient',
  BANK_OUTCOME_UNKNOWN: 'transient',
  // A fund password is checked at the HTTP edge, never while applying a message; were it, a password is
  // set again and a lock lifted.
  FUND_PASSWORD_INVALID: 'transient',
  FUND_PASSWORD_LOCKED: 'transient',
  FUND_PASSWORD_NOT_SET: 'transient',
  // The account service is back in a moment.
  FUND_PASSWORD_UNVERIFIABLE: 'transient',
  // Thrown only at the HTTP edge (admission); load passes.
  OVERLOADED: 'transient',
  // The clock moves: windows open, days open.
  OUTSIDE_TRANSFER_WINDOW: 'transient',
  DAY_CLOSED: 'transient',
  // Thrown only by the adjustment endpoints and the owners' internal day-file endpoints, never by a consumer;
  // SNAPSHOT_NOT_SETTLED heals by itself once the outcomes in flight are applied.
  SAME_APPROVER: 'transient',
  NOT_REJECTABLE: 'transient',
  ADJUSTMENT_DECIDED: 'transient',
  SNAPSHOT_NOT_SETTLED: 'transient',
  INTERNAL: 'transient',
};

/** The domain codes whose failure is dead-lettered rather than retried. */
export const PERMANENT_DOMAIN_CODES: readonly ErrorCode[] = (Object.keys(ON_RETRY) as ErrorCode[]).filter((code) => ON_RETRY[code] === 'permanent');

/**
 * The classifier every service's consumers use: a `DomainError` whose code is a deterministic refusal
 * is permanent; anything else (a lost database connection, a serialization failure or deadlock, Kafka
 * away, a bug) is transient.
 */
export function classifyMessageFailure(error: unknown): FailureClass {
  // A code outside the table (a string cast to ErrorCode somewhere) is not known to be deterministic.
  return error instanceof DomainError && ON_RETRY[error.code] === 'permanent' ? 'permanent' : 'transient';
}
