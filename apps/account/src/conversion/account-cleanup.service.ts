import { Injectable } from '@nestjs/common';
import { SecretSealer } from '@custody/service-kit';
import { maskIdNumber } from '../customers/customer.service';
import { AccountCleanupRepository, type AccountRow } from './account-cleanup.repository';
import { decodeAccountCursor, encodeAccountCursor } from './conversion-page';
import { type IdentityDefectCode, identityDefects } from './identity-completeness';

export type CleanupReason = IdentityDefectCode | 'DORMANT';
/** The report's filter: an incomplete identity, a dormant relationship, or either. */
export type CleanupCategory = 'INVALID' | 'DORMANT';

export interface CleanupItem {
  fundAccountNo: string;
  customerNo: string;
  currency: string;
  role: string;
  branchId: string;
  customerName: string;
  customerType: string;
  idType: string;
  idNumberMasked: string;
  /** The fund account's live relationship, if any. */
  relationship?: { bankCode: string; status: string; custodyAccountNo?: string; dormant: boolean; dormantSince?: string };
  reasons: Array<{ code: CleanupReason; detail: string }>;
}

export interface CleanupPage {
  items: CleanupItem[];
  /** Present while fund accounts remain to be looked at; a page may hold fewer than `limit` items before it ends. */
  nextCursor?: string;
}

/** Fund accounts read per query, and at most per page: a page ends early rather than reading the whole book. */
const SCAN_CHUNK = 500;
const MAX_SCAN_PER_PAGE = 5000;

/**
 * F-12.1 账户清理 (`GET /v1/conversion/account-cleanup`): the fund accounts to clean before (and during) conversion —
 * those whose customer's identity is incomplete or ill-formed (identity-completeness.ts, judged on the record as it
 * is held, the ID number opened here only) and those whose relationship is DORMANT (F-12.3). Fund accounts in number
 * order; the ID number is shown masked, as everywhere else.
 */
@Injectable()
export class AccountCleanupService {
  constructor(
    private readonly accounts: AccountCleanupRepository,
    private readonly sealer: SecretSealer,
  ) {}

  async report(query: { category?: CleanupCategory; cursor?: string; limit: number }): Promise<CleanupPage> {
    let after = decodeAccountCursor(query.cursor);
    const items: CleanupItem[] = [];
    let scanned = 0;
    for (;;) {
      const rows = await this.accounts.after(after, SCAN_CHUNK);
      for (const row of rows) {
        scanned += 1;
        after = { fundAccountNo: row.fundAccountNo, currency: row.currency };
        const item = this.itemOf(row, query.category);
        if (item) items.push(item);
        if (items.length === query.limit || scanned === MAX_SCAN_PER_PAGE) {
          return { items, ...((await this.accounts.after(after, 1)).length > 0 ? { nextCursor: encodeAccountCursor(after) } : {}) };
        }
      }
      if (rows.length < SCAN_CHUNK) return { items };
    }
  }

  private itemOf(row: AccountRow, category: CleanupCategory | undefined): CleanupItem | undefined {
    const reasons: CleanupItem['reasons'] = [];
    if (category !== 'DORMANT') reasons.push(...this.identityOf(row));
    if (category !== 'INVALID' && row.dormantSince !== null) reasons.push({ code: 'DORMANT', detail: `pre-designated at bank ${row.bankCode}, zero and idle: dormant since ${row.dormantSince}` });
    if (reasons.length === 0) return undefined;
    return {
      fundAccountNo: row.fundAccountNo,
      customerNo: row.customerNo,
      currency: row.currency,
      role: row.role,
      branchId: row.branchId,
      customerName: row.name,
      customerType: row.type,
      idType: row.idType,
      idNumberMasked: maskIdNumber(row.idNumberTail),
      ...(row.bankCode === null || row.status === null
        ? {}
        : {
            relationship: {
              bankCode: row.bankCode,
              status: row.status,
              ...(row.custodyAccountNo === null ? {} : { custodyAccountNo: row.custodyAccountNo }),
              dormant: row.dormantSince !== null,
              ...(row.dormantSince === null ? {} : { dormantSince: row.dormantSince }),
            },
          }),
      reasons,
    };
  }

  private identityOf(row: AccountRow): CleanupItem['reasons'] {
    let idNumber: string;
    try {
      idNumber = this.sealer.open({ sealed: row.idNumberSealed });
    } catch {
      return [{ code: 'ID_NUMBER_ILL_FORMED', detail: "the ID number record cannot be opened with this deployment's key" }];
    }
    return identityDefects({ name: row.name, type: row.type, idType: row.idType, idNumber });
  }
}
