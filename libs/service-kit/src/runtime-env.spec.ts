import { readRuntimeEnv } from './runtime-env';

describe('readRuntimeEnv', () => {
  it('keeps the consumers at their production session timeout unless KAFKA_SESSION_TIMEOUT_MS is set', () => {
    expect(readRuntimeEnv(7000, {}).consumerTuning).toBeUndefined();
  });

  it('KAFKA_SESSION_TIMEOUT_MS sets the session and a heartbeat a third of it', () => {
    expect(readRuntimeEnv(7000, { KAFKA_SESSION_TIMEOUT_MS: '6000' }).consumerTuning).toEqual({ sessionTimeoutMs: 6000, heartbeatIntervalMs: 2000 });
  });

  it.each(['abc', '999', '1500.5', '-6000'])('refuses KAFKA_SESSION_TIMEOUT_MS=%s rather than run with a session the broker or a busy host breaks', (raw) => {
    expect(() => readRuntimeEnv(7000, { KAFKA_SESSION_TIMEOUT_MS: raw })).toThrow('KAFKA_SESSION_TIMEOUT_MS must be a whole number of milliseconds, at least 1000');
  });
});
