import type { DayCallPurpose } from './day-decisions';

/** A bank's day as a saga: the date it is about, and the serial of each day call, issued once and repeated as is. */
export type DayPayload = {
  businessDate: string;
  serials?: Partial<Record<DayCallPurpose, string>>;
};
