import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { manualCaseRaised } from '@custody/contracts';
import { Outbox } from '@custody/messaging';

export type ManualCase = z.infer<typeof manualCaseRaised.schema>;

/** The causes the transfer flows raise (stable names for operators and for `caseId`). */
export type ManualCaseCause = 'REVERSAL_REFUSED_FUNDS_USED' | 'CONFLICTING_OUTCOME';

/** RFC 4122 name-based namespace of the transfer service's operator cases (a random UUID, fixed forever). */
const CASE_NAMESPACE = 'a4f1c2e0-5b7d-4c39-9e61-3d2b8f0c7a15';

/**
 * A UUID (version 5, SHA-1 name-based) that is the same every time for the same cause and subject, so a case
 * raised again — a redelivered message, a repeated request — is the same case to its consumers.
 */
export function stableCaseId(cause: ManualCaseCause, ...subject: string[]): string {
  const hash = createHash('sha1')
    .update(Buffer.from(CASE_NAMESPACE.replace(/-/g, ''), 'hex'))
    .update([cause, ...subject].join('|'))
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Cases from the transfer flows only an operator can settle, for the same queue as the day's breaks (the
 * reconciliation service keeps it): announced in the transaction of what raised them, keyed by bank.
 */
@Injectable()
export class ManualCases {
  private readonly logger = new Logger(ManualCases.name);

  constructor(private readonly outbox: Outbox) {}

  async raise(manager: EntityManager, raised: Omit<ManualCase, 'caseId' | 'cause'> & { cause: ManualCaseCause; subject: string[] }): Promise<string> {
    const { subject, ...rest } = raised;
    const caseId = stableCaseId(raised.cause, ...subject);
    await this.outbox.add(manager, manualCaseRaised, { ...rest, caseId }, { key: raised.bankCode, businessDate: raised.businessDate });
    this.logger.log({ caseId, cause: raised.cause, bankCode: raised.bankCode, serialNo: raised.serialNo, transferId: raised.transferId }, `operator case raised: ${raised.description}`);
    return caseId;
  }
}
