/** Injection token for the running simulator's settings (they hold the exchange key: never serialise them). */
export const SIMULATOR_SETTINGS = Symbol('SIMULATOR_SETTINGS');
