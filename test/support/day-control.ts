import { randomUUID } from 'node:crypto';
import type { HttpResult, TestContext } from './test-context';

export interface BankDayView {
  bankCode: string;
  phase: string;
  openBreaks: number;
  deferredReason?: string;
  stalledReason?: string;
}

export interface ProposedAdjustment {
  adjustmentId: string;
  kind: 'CREDIT' | 'DEBIT' | 'RESOLVE_UNKNOWN' | 'MANUAL';
  fundAccountNo: string;
  currency: string;
  amount?: string;
  transferId?: string;
  resolveTo?: string;
  status: string;
  approvals: Array<{ by: string; role: string; at: string }>;
}

export interface BreakView {
  breakId: string;
  bankCode: string;
  file: string | null;
  reason: 'B' | 'S' | 'X' | null;
  initiator: 'B' | 'S' | null;
  serialNo: string | null;
  fundAccountNo: string;
  differingFields: string[];
  broker: Record<string, unknown> | null;
  bank: Record<string, unknown> | null;
  status: 'OPEN' | 'RESOLVED';
  proposedAdjustment: ProposedAdjustment | null;
  cause: string | null;
}

export interface ReconciliationView {
  businessDate: string;
  banks: Array<{ bankCode: string; matched: number; summaryCheck: string; bankDifMatches: boolean | null }>;
  breaks: BreakView[];
  nextCursor?: string;
}

/** The day and its reconciliation as operators drive them over the public API (api.md "Clearing and the day"). */
export class DayControl {
  constructor(private readonly ctx: TestContext) {}

  async day(): Promise<{ businessDate: string; banks: BankDayView[] }> {
    const result = await this.ctx.api.call<{ businessDate: string; banks: BankDayView[] }>('GET', '/v1/day', undefined, 'operator');
    if (result.status !== 200) throw new Error(`GET /v1/day: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  /** Waits until every bank's day of the current date is OPEN (after a start or a date switch); returns the date. */
  async open(timeoutMs = 60_000): Promise<string> {
    const day = await this.ctx.eventually(
      () => this.day(),
      (d) => d.banks.length === this.ctx.bankCodes.length && d.banks.every((b) => b.phase === 'OPEN'),
      timeoutMs,
    );
    if (!day.banks.every((b) => b.phase === 'OPEN')) throw new Error(`the banks' days did not open: ${JSON.stringify(day)}`);
    return day.businessDate;
  }

  close(businessDate: string, bankCode?: string): Promise<HttpResult<{ businessDate: string; banks: BankDayView[] }>> {
    const query = bankCode ? `?bankCode=${bankCode}` : '';
    return this.ctx.api.call('POST', `/v1/day/${businessDate}/close${query}`, { requestId: randomUUID() }, 'operator');
  }

  /** Waits until the bank's day of `businessDate` is in one of `phases` (the date may have switched meanwhile). */
  async phase(bankCode: string, businessDate: string, phases: string[], timeoutMs = 90_000): Promise<BankDayView | undefined> {
    const read = async () => {
      const day = await this.day();
      if (day.businessDate !== businessDate) return { bankCode, phase: 'SWITCHED', openBreaks: 0 };
      return day.banks.find((b) => b.bankCode === bankCode);
    };
    return this.ctx.eventually(read, (b) => b !== undefined && (phases.includes(b.phase) || b.phase === 'SWITCHED'), timeoutMs);
  }

  async reconciliation(businessDate: string, bankCode: string): Promise<ReconciliationView> {
    const result = await this.ctx.api.call<ReconciliationView>('GET', `/v1/reconciliation/${businessDate}?bankCode=${bankCode}`, undefined, 'auditor');
    if (result.status !== 200) throw new Error(`GET /v1/reconciliation: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  reject(adjustmentId: string, role: 'operator' | 'supervisor', comment?: string) {
    return this.ctx.api.call<ProposedAdjustment & { code?: string; replacedBy?: string }>('POST', `/v1/adjustments/${adjustmentId}/reject`, { requestId: randomUUID(), ...(comment ? { comment } : {}) }, role);
  }

  approve(adjustmentId: string, role: 'operator' | 'supervisor', comment?: string) {
    return this.ctx.api.call<ProposedAdjustment & { code?: string }>('POST', `/v1/adjustments/${adjustmentId}/approve`, { requestId: randomUUID(), ...(comment ? { comment } : {}) }, role);
  }
}
