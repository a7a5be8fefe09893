import type { EventEnvelope } from '@custody/contracts';
import type { EntityManager } from 'typeorm';
import type { AdapterLogger } from '../platform/adapter-logger';
import type { FileStepRequest } from './file-step.rules';
import type { FileStepRepository } from './file-steps.repository';

/**
 * The edge behind the `bank.file-step-requested` consumer (its own group, so a step that runs for minutes never
 * holds the calls): the step is recorded in the transaction of the consumer's inbox entry and the worker runs
 * it (it looks for due steps every `pollMs`). Recording is all a delivery does, so it is quick, and a repeat of the request — the same `stepId` — is
 * a no-op however late it comes.
 */
export class FileStepRequestedHandler {
  constructor(
    private readonly bankCode: string,
    private readonly steps: FileStepRepository,
    private readonly logger: AdapterLogger,
  ) {}

  async handle(envelope: EventEnvelope<FileStepRequest>, manager: EntityManager): Promise<void> {
    const request = envelope.payload;
    // Every adapter reads the one topic; steps with other banks are theirs.
    if (request.bankCode !== this.bankCode) return;
    const fresh = await this.steps.record(manager, request, envelope.id);
    this.logger.info({ stepId: request.stepId, mode: request.mode, businessDate: request.businessDate, fileNames: request.fileNames, fresh }, fresh ? 'file step recorded' : 'file step requested again; already recorded');
  }
}
