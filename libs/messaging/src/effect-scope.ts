/**
 * Where messages' effects are applied: for the transactional consumer one database transaction (what runs in
 * one `run` commits together or not at all), for the at-least-once consumer nothing but the call itself.
 */
export interface EffectScope<S> {
  run<T>(work: (scope: S) => Promise<T>): Promise<T>;
}
