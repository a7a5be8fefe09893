// Preloaded (`node -r`) into a process the system tests start with CUSTODY_TEST_CLOCK_SKEW_MS: its wall clock
// runs that many milliseconds ahead (or, negative, behind) of the host's, as on a machine whose NTP has drifted.
// Only the wall clock moves (Date); timers and the monotonic clock (performance.now) are untouched, as on such a
// machine. Test-only: the stack passes it to no process unless a test asks for a skew.
'use strict';

const skewMs = Number(process.env.CUSTODY_TEST_CLOCK_SKEW_MS);
if (!Number.isInteger(skewMs)) throw new Error('CUSTODY_TEST_CLOCK_SKEW_MS must be a whole number of milliseconds');

const RealDate = Date;
class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + skewMs);
    else super(...args);
  }

  static now() {
    return RealDate.now() + skewMs;
  }
}
globalThis.Date = SkewedDate;
