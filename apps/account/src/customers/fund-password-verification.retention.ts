import { expiredRows, qualifiedTable, type RetentionTask } from '@custody/persistence';
import type { RetentionSettings } from '@custody/service-kit';

/**
 * A verification record lets a bank's repeated 12002 get its first verdict (one wrong password counts once),
 * and is the log of who was verified when (no password in it). A bank repeats within its day; as a security
 * log it is kept six months, the least the PRC Cybersecurity Law (Art. 21) asks of network logs.
 */
export const FUND_PASSWORD_VERIFICATIONS_RETENTION_DAYS = 180;

export function fundPasswordVerificationRetention(settings: RetentionSettings): RetentionTask {
  return expiredRows({
    name: 'account.fund_password_verifications',
    table: qualifiedTable('account', 'fund_password_verifications'),
    timestampColumn: 'verified_at',
    retentionMs: settings.keepMs('FUND_PASSWORD_VERIFICATIONS', FUND_PASSWORD_VERIFICATIONS_RETENTION_DAYS),
  });
}
