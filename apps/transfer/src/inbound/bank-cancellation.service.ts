import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { describeReturnCode } from '@custody/bank-protocol';
import { bankReplyReadyFor, type relationshipCancellationAccepted, relationshipLedgerClosed } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DomainError, IdempotencyStore } from '@custody/service-kit';
import { bankCancellationLedgerVerdict } from '../ledger/cancellation-rules';
import { LedgerRepository } from '../ledger/ledger.repository';
import { TransferRepository } from '../transfers/transfer.repository';
import { BROKER_CODES } from './bank-initiated-transfer.service';

type CancellationAccepted = z.infer<typeof relationshipCancellationAccepted.schema>;

/** The ledger's answers to the bank's 11004s, per bank, keyed by the bank's serial. */
const SCOPE = 'bank-cancellation';

/** Custody states of a ledger that a cancellation closes (a pre-designated one too: profile §4.1 "11004"). */
const OPEN_STATES = ['DESIGNATED', 'PRE_DESIGNATED'];

/**
 * F-3.8 B, the ledger's half: account accepted the relationship the bank's 11004 names (`relationship.cancellation-
 * accepted`); here, under the ledger's row lock, the ledger decides (cancellation-rules.ts) and answers the bank. On
 * 0000 it closes in the same transaction as the reply, and tells account (`relationship.ledger-closed`), which marks
 * the relationship CANCELLED: from the moment the bank can read our 0000, no transfer of either side takes the
 * ledger (POST /v1/transfers is RELATIONSHIP_NOT_ACTIVE, the bank's 12001/12002 2013). A refusal changes nothing.
 *
 * The answer is kept against the bank's serial: a repeat gets the first one — a refusal even after the customer
 * has since emptied the ledger, a 0000 without closing anything twice.
 */
@Injectable()
export class BankCancellationService {
  private readonly logger = new Logger(BankCancellationService.name);

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly transfers: TransferRepository,
    private readonly idempotency: IdempotencyStore,
    private readonly outbox: Outbox,
  ) {}

  async decide(manager: EntityManager, event: CancellationAccepted): Promise<void> {
    const log = { bankCode: event.bankCode, serialNo: event.bankSerialNo, fundAccountNo: event.fundAccountNo, currency: event.currency, relationshipId: event.relationshipId };
    const claim = await this.claim(manager, event);
    if (claim.kind === 'reused') {
      this.logger.warn(log, 'bank serial reused for a different 11004; refused as a duplicate serial, nothing changed');
      return this.reply(manager, event, BROKER_CODES.DUPLICATE_BANK_SERIAL);
    }
    if (claim.kind === 'repeat') {
      this.logger.log({ ...log, returnCode: claim.firstAnswer }, 'bank cancellation repeated; answered as the first time');
      return this.reply(manager, event, claim.firstAnswer);
    }
    const account = await this.ledger.lock(manager, event.fundAccountNo, event.currency);
    // Account publishes fund-account.opened before any relationship of it, on the same partition key: retry loudly if not.
    if (!account) throw new Error(`cancellation of ${event.fundAccountNo}/${event.currency} arrived before its ledger`);
    const verdict =
      account.bankCode !== event.bankCode || !OPEN_STATES.includes(account.custodyStatus)
        ? // Account found it live at this bank; only another 11004, which closed it first, has ended it since.
          { allowed: false as const, code: BROKER_CODES.NO_RELATIONSHIP, detail: `the ledger is ${account.custodyStatus} at bank ${account.bankCode ?? '(none)'}` }
        : account.closedFor !== null
          ? // The broker's own cancellation (F-3.8 S) holds the ledger closed while its 11004 awaits this bank's answer:
            // the relationship is being changed; the bank learns how from that answer.
            { allowed: false as const, code: BROKER_CODES.RELATIONSHIP_CHANGING, detail: `the ledger is closed for the broker's change ${account.closedFor}` }
          : bankCancellationLedgerVerdict({
              accountStatus: account.accountStatus,
              transfersInFlight: await this.transfers.countInFlight(manager, event.fundAccountNo, event.currency),
              tradingHeld: await this.ledger.tradingHeld(manager, event.fundAccountNo, event.currency),
              balance: this.ledger.figures(account).balance,
            });
    const code = verdict.allowed ? BROKER_CODES.OK : verdict.code;
    await this.idempotency.complete(manager, this.scope(event), event.bankSerialNo, code);
    if (!verdict.allowed) {
      this.logger.warn({ ...log, returnCode: code, why: verdict.detail }, 'bank cancellation refused by the ledger; nothing changed');
      return this.reply(manager, event, code);
    }
    await this.ledger.cancel(manager, account);
    await this.outbox.add(
      manager,
      relationshipLedgerClosed,
      {
        relationshipId: event.relationshipId,
        fundAccountNo: event.fundAccountNo,
        currency: event.currency,
        bankCode: event.bankCode,
        bankSerialNo: event.bankSerialNo,
        businessDate: event.businessDate,
      },
      { key: event.fundAccountNo },
    );
    this.logger.log(log, 'ledger closed on the bank\'s cancellation; account marks the relationship CANCELLED');
    return this.reply(manager, event, code);
  }

  /** The serial claimed in this transaction (`first`, to be completed in it), or the answer it had before. */
  private async claim(manager: EntityManager, event: CancellationAccepted): Promise<{ kind: 'first' } | { kind: 'repeat'; firstAnswer: string } | { kind: 'reused' }> {
    try {
      const { replayOf } = await this.idempotency.claim(manager, this.scope(event), event.bankSerialNo, { fundAccountNo: event.fundAccountNo, currency: event.currency });
      return replayOf === undefined ? { kind: 'first' } : { kind: 'repeat', firstAnswer: replayOf };
    } catch (error) {
      // Account keys the serial on everything the bank sent and refuses a reuse itself; here one could only follow that
      // outlived account's key. Answering the first result would tell the bank this other request was decided.
      if (error instanceof DomainError && error.code === 'IDEMPOTENCY_KEY_REUSED') return { kind: 'reused' };
      throw error;
    }
  }

  private scope(event: CancellationAccepted): string {
    return `${SCOPE}|${event.bankCode}`;
  }

  private async reply(manager: EntityManager, event: CancellationAccepted, returnCode: string): Promise<void> {
    await this.outbox.add(
      manager,
      bankReplyReadyFor(event.bankCode),
      {
        inboundId: event.reply.inboundId,
        bankCode: event.bankCode,
        route: event.reply.route,
        function: 'CANCEL_DESIGNATION',
        returnCode,
        returnMessage: describeReturnCode(returnCode)?.zh ?? '',
      },
      { key: event.bankCode },
    );
  }
}
