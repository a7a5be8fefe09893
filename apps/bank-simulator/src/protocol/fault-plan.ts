import type { Money } from '@custody/money';

/**
 * Faults an operator or a test arms on purpose (dev/test only). Each provokes one failure the profile's rules
 * exist for.
 *
 * On requests arriving from the broker: a lost request, a lost reply, a late reply, a broken connection, a
 * reply that does not verify, a reply written twice. REFUSE_SESSION is the bank taking no new session: each new
 * connection (one per `times`) is dropped before its sign-in, while sessions already signed in go on.
 *
 * On the bank's side of the day's close (bank-protocol.md §5, §7): a record left out of or altered in its next
 * CHK01 (the broker finds an `S` or `X` break), a bank-initiated request booked but never sent (a `B` break),
 * a file chunk it sends delayed or corrupted (the receiver discards the file and it is sent again), its B files
 * held back until the broker fetches them, its DIF04 late.
 *
 * Every fault that hits is recorded (`applied`), naming what it hit, so a fault run can explain each break.
 */
export const REQUEST_FAULT_KINDS = ['DELAY_REPLY', 'DROP_REPLY', 'DROP_REQUEST', 'CLOSE_CONNECTION', 'CORRUPT_CHECKSUM', 'DUPLICATE_REPLY'] as const;
export const DAY_CLOSE_FAULT_KINDS = ['OMIT_FROM_CHK01', 'ALTER_IN_CHK01', 'LOSE_BANK_REQUEST', 'DELAY_FILE_CHUNK', 'CORRUPT_FILE_CHUNK', 'HOLD_DAY_FILES', 'DELAY_DIF04'] as const;
export const FAULT_KINDS = [...REQUEST_FAULT_KINDS, 'REFUSE_SESSION', ...DAY_CLOSE_FAULT_KINDS] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
type RequestFaultKind = (typeof REQUEST_FAULT_KINDS)[number];

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Only requests with this `InstrCd` (e.g. `12002`): the broker's (request faults) or the bank's own (LOSE_BANK_REQUEST). */
  readonly instrCd?: string;
  /** How many matching requests, chunks or file steps it affects. */
  readonly times: number;
  /** DELAY_REPLY, DELAY_FILE_CHUNK, DELAY_DIF04: how long. */
  readonly delayMs?: number;
  /** OMIT_FROM_CHK01, ALTER_IN_CHK01: the record's serial (the bank's or the broker's). */
  readonly serialNo?: string;
  /** ALTER_IN_CHK01: the amount the bank's CHK01 lists instead. */
  readonly amount?: Money;
}

export interface Fault extends FaultSpec {
  readonly faultId: string;
  readonly remaining: number;
}

/** What a fault hit: the request, the record, the file chunk or the file step. */
export interface FaultTarget {
  readonly instrCd?: string;
  readonly serialNo?: string;
  /**
   * The transfer a request is about when that is not the request itself: a reversal's original (`CnRef`), a
   * query's queried request (`QryRef`). A fault run explains a break of a transfer by any fault on a request about it.
   */
  readonly subjectSerialNo?: string;
  readonly businessDate?: string;
  readonly fileName?: string;
  readonly stPos?: number;
}

export interface AppliedFault extends FaultTarget {
  readonly faultId: string;
  readonly kind: FaultKind;
  readonly appliedAt: string;
}

interface ArmedFault extends FaultSpec {
  readonly faultId: string;
  remaining: number;
}

/** A long fault run keeps the newest; the oldest are dropped beyond this. */
const APPLIED_KEPT = 10_000;

function isRequestFault(kind: FaultKind): kind is RequestFaultKind {
  return (REQUEST_FAULT_KINDS as readonly string[]).includes(kind);
}

export class FaultPlan {
  private readonly armed: ArmedFault[] = [];
  private readonly applied: AppliedFault[] = [];
  private counter = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  arm(spec: FaultSpec): Fault {
    if (!Number.isInteger(spec.times) || spec.times < 1) throw new RangeError('a fault affects at least one request');
    this.counter += 1;
    const fault: ArmedFault = { ...spec, faultId: `fault-${this.counter}`, remaining: spec.times };
    this.armed.push(fault);
    return { ...fault };
  }

  /** The first armed request fault matching this broker request, used up by one; faults apply in the order armed. */
  take(instrCd: string, target: FaultTarget = {}): Fault | undefined {
    return this.takeFirst((f) => isRequestFault(f.kind) && (f.instrCd === undefined || f.instrCd === instrCd), { instrCd, ...target });
  }

  /** An armed REFUSE_SESSION for a new connection, used up by one. */
  takeSessionRefusal(): Fault | undefined {
    return this.takeFirst((f) => f.kind === 'REFUSE_SESSION', {});
  }

  /** OMIT_FROM_CHK01 or ALTER_IN_CHK01 for a CHK01 record known by these serials (either side's). */
  takeChk01Fault(serials: readonly (string | null)[], businessDate: string): Fault | undefined {
    const hit = (f: ArmedFault) => (f.kind === 'OMIT_FROM_CHK01' || f.kind === 'ALTER_IN_CHK01') && f.serialNo !== undefined && serials.includes(f.serialNo);
    const serialNo = this.armed.find(hit)?.serialNo;
    return this.takeFirst(hit, { serialNo, businessDate });
  }

  /** LOSE_BANK_REQUEST for a request the bank is about to send. */
  takeBankRequestLoss(instrCd: string, serialNo: string | undefined): Fault | undefined {
    return this.takeFirst((f) => f.kind === 'LOSE_BANK_REQUEST' && (f.instrCd === undefined || f.instrCd === instrCd), { instrCd, serialNo });
  }

  /** DELAY_FILE_CHUNK or CORRUPT_FILE_CHUNK for a chunk the bank sends (13009) or serves (13007). */
  takeChunkFault(fileName: string, stPos: number): Fault | undefined {
    return this.takeFirst((f) => f.kind === 'DELAY_FILE_CHUNK' || f.kind === 'CORRUPT_FILE_CHUNK', { fileName, stPos });
  }

  /** HOLD_DAY_FILES for a step of the bank's files about to be pushed; named by its first file. */
  takeFileHold(fileName: string, businessDate: string): Fault | undefined {
    return this.takeFirst((f) => f.kind === 'HOLD_DAY_FILES', { fileName, businessDate });
  }

  /** DELAY_DIF04 for the bank's DIF04 of a date. */
  takeDif04Delay(fileName: string, businessDate: string): Fault | undefined {
    return this.takeFirst((f) => f.kind === 'DELAY_DIF04', { fileName, businessDate });
  }

  list(): Fault[] {
    return this.armed.map((f) => ({ ...f }));
  }

  /** Every fault that hit, oldest first, with what it hit. */
  listApplied(): AppliedFault[] {
    return this.applied.map((a) => ({ ...a }));
  }

  /** Disarms every fault; the record of those applied stays. */
  clear(): void {
    this.armed.length = 0;
  }

  private takeFirst(matches: (fault: ArmedFault) => boolean, target: FaultTarget): Fault | undefined {
    const index = this.armed.findIndex(matches);
    if (index < 0) return undefined;
    const fault = this.armed[index];
    fault.remaining -= 1;
    if (fault.remaining === 0) this.armed.splice(index, 1);
    const defined = Object.fromEntries(Object.entries(target).filter(([, value]) => value !== undefined)) as FaultTarget;
    this.applied.push({ faultId: fault.faultId, kind: fault.kind, appliedAt: this.clock().toISOString(), ...defined });
    if (this.applied.length > APPLIED_KEPT) this.applied.shift();
    return { ...fault };
  }
}
