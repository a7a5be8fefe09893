import { Inject, Injectable } from '@nestjs/common';
import { CUSTODY_CONFIG, type CustodyConfig, DomainError } from '@custody/service-kit';
import { DataSource } from 'typeorm';
import { DayFileStore } from '../day-files/day-file.store';
import { knownBank } from '../day-files/day-file-http';
import { type BankReconciliationView, BREAKS_PAGE, type BreakView, type DayFilesView, type ReconciliationQueryParams, type ReconciliationView } from './reconciliation.dto';

/** A `YYYY-MM-DD` that is a day of the calendar, or VALIDATION_FAILED. */
export function businessDateParam(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new DomainError('VALIDATION_FAILED', `businessDate must be a date YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

function limitParam(value: string | undefined): number {
  if (value === undefined) return BREAKS_PAGE.default;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > BREAKS_PAGE.max) throw new DomainError('VALIDATION_FAILED', `limit must be 1-${BREAKS_PAGE.max}, got "${value}"`);
  return limit;
}

function statusParam(value: string | undefined): 'OPEN' | 'RESOLVED' | null {
  if (value === undefined) return null;
  if (value !== 'OPEN' && value !== 'RESOLVED') throw new DomainError('VALIDATION_FAILED', `status must be OPEN or RESOLVED, got "${value}"`);
  return value;
}

/** Breaks page by their `seq`, the order they were found in; the cursor names its query so it is not reused for another. */
function cursorScope(businessDate: string, bankCode: string | undefined, status: string | null): string {
  return `${businessDate}|${bankCode ?? '*'}|${status ?? '*'}`;
}

function decodeCursor(cursor: string | undefined, scope: string): string {
  if (cursor === undefined) return '0';
  const text = Buffer.from(cursor, 'base64url').toString();
  const at = text.lastIndexOf('|');
  const seq = text.slice(at + 1);
  if (at < 0 || text.slice(0, at) !== scope || !/^\d{1,19}$/.test(seq)) throw new DomainError('VALIDATION_FAILED', 'cursor is not one this API issued for this businessDate, bankCode and status');
  return seq;
}

interface BreakRow {
  seq: string;
  break_id: string;
  bank_code: string;
  business_date: string;
  file: string | null;
  reason: string | null;
  initiator: string | null;
  serial_no: string | null;
  fund_account_no: string;
  currency: string;
  differing_fields: string[];
  broker: Record<string, unknown> | null;
  bank: Record<string, unknown> | null;
  status: string;
  cause: string | null;
  description: string | null;
  adjustment_id: string | null;
  kind: string | null;
  adjustment_fund_account_no: string | null;
  adjustment_currency: string | null;
  amount: string | null;
  transfer_id: string | null;
  resolve_to: string | null;
  adjustment_reason: string | null;
  adjustment_status: string | null;
  approvals: Array<{ by: string; role: string; at: string; comment?: string }> | null;
}

function breakView(row: BreakRow): BreakView {
  return {
    breakId: row.break_id,
    bankCode: row.bank_code,
    businessDate: row.business_date,
    file: row.file,
    reason: row.reason,
    initiator: row.initiator,
    serialNo: row.serial_no,
    fundAccountNo: row.fund_account_no,
    currency: row.currency,
    differingFields: row.differing_fields,
    broker: row.broker,
    bank: row.bank,
    status: row.status,
    proposedAdjustment:
      row.adjustment_id === null
        ? null
        : {
            adjustmentId: row.adjustment_id,
            kind: row.kind!,
            fundAccountNo: row.adjustment_fund_account_no!,
            currency: row.adjustment_currency!,
            ...(row.amount === null ? {} : { amount: row.amount }),
            ...(row.transfer_id === null ? {} : { transferId: row.transfer_id }),
            ...(row.resolve_to === null ? {} : { resolveTo: row.resolve_to }),
            reason: row.adjustment_reason!,
            status: row.adjustment_status!,
            approvals: row.approvals ?? [],
          },
    cause: row.cause,
    description: row.description,
  };
}

/** `GET /v1/reconciliation/{businessDate}` and the day files' list (api.md "Clearing and the day"). */
@Injectable()
export class ReconciliationViewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: DayFileStore,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
  ) {}

  /** A date with nothing reconciled yet is no error: every bank PENDING, no breaks. */
  async reconciliation(businessDateText: string, query: ReconciliationQueryParams): Promise<ReconciliationView> {
    const businessDate = businessDateParam(businessDateText);
    const bankCode = knownBank(this.config, query.bankCode, false);
    const status = statusParam(query.status);
    const limit = limitParam(query.limit);
    const scope = cursorScope(businessDate, bankCode, status);
    const after = decodeCursor(query.cursor, scope);
    const banks = await this.banks(businessDate, bankCode ? [bankCode] : this.config.banks.map((bank) => bank.code));
    const rows: BreakRow[] = await this.dataSource.query(
      `SELECT b.seq, b.break_id, b.bank_code, b.business_date::text AS business_date, b.file, b.reason, b.initiator, b.serial_no, b.fund_account_no, b.currency,
              b.differing_fields, b.broker, b.bank, b.status, b.cause, b.description,
              a.adjustment_id, a.kind, a.fund_account_no AS adjustment_fund_account_no, a.currency AS adjustment_currency, a.amount::text AS amount,
              a.transfer_id, a.resolve_to, a.reason AS adjustment_reason, a.status AS adjustment_status, a.approvals
         FROM reconciliation.breaks b
         LEFT JOIN LATERAL (SELECT * FROM reconciliation.adjustments x WHERE x.break_id = b.break_id
                             ORDER BY x.status = 'REJECTED', x.proposed_at DESC LIMIT 1) a ON true
        WHERE b.business_date = $1 AND ($2::text IS NULL OR b.bank_code = $2) AND ($3::text IS NULL OR b.status = $3) AND b.seq > $4
        ORDER BY b.seq LIMIT $5`,
      [businessDate, bankCode ?? null, status, after, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      businessDate,
      banks,
      breaks: page.map(breakView),
      ...(rows.length > limit ? { nextCursor: Buffer.from(`${scope}|${page[page.length - 1].seq}`).toString('base64url') } : {}),
    };
  }

  async files(businessDateText: string, bankCodeText: string | undefined): Promise<DayFilesView> {
    const businessDate = businessDateParam(businessDateText);
    const bankCode = knownBank(this.config, bankCodeText, false);
    const files = await this.store.list(businessDate, bankCode);
    return {
      businessDate,
      files: files.map((f) => ({ bankCode: f.bankCode, ...f.descriptor, version: f.version, current: f.current, storedAt: f.storedAt })),
    };
  }

  private async banks(businessDate: string, bankCodes: string[]): Promise<BankReconciliationView[]> {
    const rows: Array<{ bank_code: string; matched: string | null; summary: string | null; dif: boolean | null }> = await this.dataSource.query(
      `SELECT code AS bank_code,
              (SELECT matched FROM reconciliation.comparisons c WHERE c.bank_code = code AND c.business_date = $1) AS matched,
              (SELECT result FROM reconciliation.summary_checks s WHERE s.bank_code = code AND s.business_date = $1) AS summary,
              (SELECT matches FROM reconciliation.dif_checks d WHERE d.bank_code = code AND d.business_date = $1) AS dif
         FROM unnest($2::text[]) WITH ORDINALITY AS banks(code, n) ORDER BY n`,
      [businessDate, bankCodes],
    );
    return rows.map((row) => ({ bankCode: row.bank_code, matched: Number(row.matched ?? 0), summaryCheck: row.summary ?? 'PENDING', bankDifMatches: row.dif }));
  }
}
