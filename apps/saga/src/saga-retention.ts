import { expiredRows, qualifiedTable, type RetentionTask } from '@custody/persistence';
import type { RetentionSettings } from '@custody/service-kit';

/**
 * The saga's rows kept only for a while (docs/design.md "Retention"). Sagas and bank calls are the record of
 * what was asked of a bank under which serial: kept. A fired timer did its work (a postponed one is unfired
 * again, and unfired ones are never pruned); it stays a week for investigation. A bank status row is the last
 * report of one adapter process; a process silent for a week is long gone (every restart is a new process).
 */
export const SAGA_RETENTION_DAYS = { SAGA_TIMERS: 7, BANK_STATUS: 7 } as const;

export function sagaRetention(settings: RetentionSettings): RetentionTask[] {
  return [
    expiredRows({ name: 'saga.timers (fired)', table: qualifiedTable('saga', 'timers'), timestampColumn: 'fired_at', retentionMs: settings.keepMs('SAGA_TIMERS', SAGA_RETENTION_DAYS.SAGA_TIMERS) }),
    expiredRows({ name: 'saga.bank_status', table: qualifiedTable('saga', 'bank_status'), timestampColumn: 'reported_at', retentionMs: settings.keepMs('BANK_STATUS', SAGA_RETENTION_DAYS.BANK_STATUS) }),
  ];
}
