import type { ErrorCode } from '@custody/contracts';

/** One exception type for every domain (conventions.md "Errors"); the edge decides what it becomes. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    /** Extra problem members, e.g. `bankCode` and `bankReturnCode` for BANK_REJECTED. */
    readonly extensions: Record<string, string | number | boolean> = {},
  ) {
    super(`${code}: ${detail}`);
  }
}
