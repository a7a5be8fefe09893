import { Injectable } from '@nestjs/common';
import { awaitState, parseWaitMs, SettledNotifications } from '@custody/service-kit';
import { InternalTransferService } from '../internal/internal-transfer.service';
import type { ListTransfersQuery, RequestTransferBody, TransferPageView, TransferView } from './transfer.dto';
import { FINAL_STATUSES, Transfer } from './transfer.entity';
import { TransferAdmission } from './transfer-admission';
import { TransferQueryService, transferView } from './transfer-query.service';
import { TransferService } from './transfer.service';

/** How long a caller waits for a transfer to be final unless it says otherwise (api.md `waitMs`). */
const DEFAULT_WAIT_MS = 5_000;
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

/**
 * What a caller of the transfer API asks, whichever edge it comes through (HTTP's TransfersController, gRPC's
 * custody.v1.Transfers): admission, the request, and the bounded wait for its outcome; reads and pages.
 */
@Injectable()
export class TransferRequests {
  constructor(
    private readonly transfers: TransferService,
    private readonly internalTransfers: InternalTransferService,
    private readonly queries: TransferQueryService,
    private readonly settled: SettledNotifications,
    private readonly admission: TransferAdmission,
  ) {}

  /** Answers once the transfer is final or `waitMs` (as the caller wrote it) passed; the transfer goes on either way. */
  async request(body: RequestTransferBody, waitMs: string | undefined): Promise<TransferView> {
    // F-4.7 calls no bank: nothing to shed it for.
    const admission = body.type === 'INTERNAL' ? undefined : await this.admission.admit(body.fundAccountNo, body.currency);
    let started: { transferId: string; written?: Transfer };
    try {
      started = body.type === 'INTERNAL' ? { transferId: await this.internalTransfers.request(body) } : await this.transfers.start(body);
    } catch (error) {
      admission?.refused();
      throw error;
    }
    const { transferId, written } = started;
    const transfer = await awaitState(
      () => this.queries.get(transferId),
      (t) => FINAL_STATUSES.includes(t.status),
      parseWaitMs(waitMs, DEFAULT_WAIT_MS),
      // Woken after the settling commit (through Redis from another replica); the 1 s bound is the fallback for a lost
      // wake. Settled in this process, the wake brings the row as the settling transaction wrote it.
      (maxMs) => this.settled.settlement(transferId, Math.min(maxMs, 1000)).then((settled) => (settled instanceof Transfer ? settled : undefined)),
      // A transfer this call wrote is PENDING as written: its outcome needs the saga to read the message its commit wrote.
      written,
    );
    // A replayed request of a final transfer, or one that ended while the caller waited, holds nothing further.
    if (FINAL_STATUSES.includes(transfer.status)) admission?.settled();
    else admission?.releaseWhenSettled(transferId);
    return transferView(transfer);
  }

  async get(transferId: string): Promise<TransferView> {
    return transferView(await this.queries.get(transferId));
  }

  list(query: ListTransfersQuery): Promise<TransferPageView> {
    return this.queries.list({ ...query, limit: Math.min(Number(query.limit ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE) || DEFAULT_PAGE_SIZE });
  }
}
