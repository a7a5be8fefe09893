/**
 * Faults an operator or a test arms on purpose (dev/test only), applied to requests arriving from the
 * broker. Each provokes one failure the profile's rules exist for: a lost request, a lost reply, a
 * late reply, a broken connection, a reply that does not verify, a reply written twice. REFUSE_SESSION
 * is the bank taking no new session: each new connection (one per `times`) is dropped before its
 * sign-in, while sessions already signed in go on.
 */
export const FAULT_KINDS = ['DELAY_REPLY', 'DROP_REPLY', 'DROP_REQUEST', 'CLOSE_CONNECTION', 'CORRUPT_CHECKSUM', 'DUPLICATE_REPLY', 'REFUSE_SESSION'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  readonly kind: FaultKind;
  /** Only requests with this `InstrCd` (e.g. `12002`); any business request when absent. */
  readonly instrCd?: string;
  /** How many matching requests it affects. */
  readonly times: number;
  /** DELAY_REPLY: how long the processed request's reply is held back. */
  readonly delayMs?: number;
}

export interface Fault extends FaultSpec {
  readonly faultId: string;
  readonly remaining: number;
}

interface ArmedFault extends FaultSpec {
  readonly faultId: string;
  remaining: number;
}

export class FaultPlan {
  private readonly armed: ArmedFault[] = [];
  private counter = 0;

  arm(spec: FaultSpec): Fault {
    if (!Number.isInteger(spec.times) || spec.times < 1) throw new RangeError('a fault affects at least one request');
    this.counter += 1;
    const fault: ArmedFault = { ...spec, faultId: `fault-${this.counter}`, remaining: spec.times };
    this.armed.push(fault);
    return { ...fault };
  }

  /** The first armed fault matching this request, used up by one; faults apply in the order armed. */
  take(instrCd: string): Fault | undefined {
    return this.takeFirst((f) => f.kind !== 'REFUSE_SESSION' && (f.instrCd === undefined || f.instrCd === instrCd));
  }

  /** An armed REFUSE_SESSION for a new connection, used up by one. */
  takeSessionRefusal(): Fault | undefined {
    return this.takeFirst((f) => f.kind === 'REFUSE_SESSION');
  }

  private takeFirst(matches: (fault: ArmedFault) => boolean): Fault | undefined {
    const index = this.armed.findIndex(matches);
    if (index < 0) return undefined;
    const fault = this.armed[index];
    fault.remaining -= 1;
    if (fault.remaining === 0) this.armed.splice(index, 1);
    return { ...fault };
  }

  list(): Fault[] {
    return this.armed.map((f) => ({ ...f }));
  }

  clear(): void {
    this.armed.length = 0;
  }
}
