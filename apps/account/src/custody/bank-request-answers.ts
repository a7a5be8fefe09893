import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { describeReturnCode } from '@custody/bank-protocol';
import { type bankAccountRequestReceived, bankReplyReadyFor } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DomainError, IdempotencyStore } from '@custody/service-kit';

type AccountRequest = z.infer<typeof bankAccountRequestReceived.schema>;

/** `reused`: the serial again with other content — refused by the caller with its table's 2004. */
export type SerialClaim = { readonly kind: 'first' } | { readonly kind: 'repeat'; readonly firstAnswer: string } | { readonly kind: 'reused' };

/**
 * What every account function the bank starts shares: its serial claimed in the transaction of its effect (an
 * idempotency key per bank and function, the digest over the request as the bank sent it), and an answer to the bank
 * through `bank.reply-ready` (the outbox), which the adapter writes on the session that carried the request.
 */
@Injectable()
export class BankRequestAnswers {
  constructor(
    private readonly idempotency: IdempotencyStore,
    private readonly outbox: Outbox,
  ) {}

  /** `scope` names the function; `content` is what a repeat must carry again to be the same request. */
  async claim(manager: EntityManager, scope: string, message: AccountRequest, content: object): Promise<SerialClaim> {
    try {
      const { replayOf } = await this.idempotency.claim(manager, `${scope}|${message.bankCode}`, message.serialNo, content);
      return replayOf === undefined ? { kind: 'first' } : { kind: 'repeat', firstAnswer: replayOf };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'IDEMPOTENCY_KEY_REUSED') return { kind: 'reused' };
      throw error;
    }
  }

  /** Remembers the first answer to the serial, for its repeats. */
  async settle(manager: EntityManager, scope: string, message: AccountRequest, returnCode: string): Promise<void> {
    await this.idempotency.complete(manager, `${scope}|${message.bankCode}`, message.serialNo, returnCode);
  }

  async reply(manager: EntityManager, message: AccountRequest, returnCode: string): Promise<void> {
    await this.outbox.add(
      manager,
      bankReplyReadyFor(message.bankCode),
      {
        inboundId: message.inboundId,
        bankCode: message.bankCode,
        route: message.route,
        function: message.function,
        returnCode,
        returnMessage: describeReturnCode(returnCode)?.zh ?? '',
      },
      { key: message.bankCode },
    );
  }
}
