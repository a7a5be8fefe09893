import { BANK_RETURN_CODES as RC } from './bank-return-codes';

/**
 * The bank's side of the day (bank-protocol.md §7): its business date D, agreed with the broker by 13012 and
 * stamped as the clearing date of every transfer, and whether 13011 has ended it. A bank that never received
 * a 13012 keeps its calendar date and does not refuse transfers for that reason.
 */
export class BankDay {
  private ended = false;

  constructor(private current: string) {}

  get date(): string {
    return this.current;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /**
   * 13012: `0000` for the same D while it is open (again), or for a later D — even without a 13011 for the one
   * before, since the broker may have deferred this bank; `1032` for an older D or for the same D after its 13011.
   */
  start(date: string): string {
    if (date < this.current || (date === this.current && this.ended)) return RC.DATE_MISMATCH;
    if (date > this.current) {
      this.current = date;
      this.ended = false;
    }
    return RC.SUCCESS;
  }

  /** 13011: from now on the broker starts no transfer of D here (refused 5215); a repeat answers 0000 again. */
  end(): string {
    this.ended = true;
    return RC.SUCCESS;
  }
}
