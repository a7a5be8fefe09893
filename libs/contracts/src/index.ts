export * from './envelope';
export * from './primitives';
export * from './topics';
export * from './error-codes';
export * from './fund-password-verification';
export * from './fund-password-check';
export * from './day-close-topics';
export * from './bank-day';
