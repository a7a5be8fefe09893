import type { EventEnvelope } from '@custody/contracts';
import type { AdapterLogger } from '../platform/adapter-logger';
import type { SessionRegistry } from '../sessions/session-registry';
import type { InboundRequestBridge } from './inbound-request.bridge';
import type { BankReplyReady } from './inbound-request.mapper';
import type { OrphanedReplies } from './orphaned-replies';

/** How long an orphaned reply stays claimed, so replicas report it once. */
const ORPHAN_CLAIM_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The edge behind this instance's `bankReplyReady` consumer. Every replica of the bank reads every
 * reply (one consumer group per instance), writes those routed to itself, and leaves the others to
 * their instance — unless the registry says that instance is gone, in which case one replica reports
 * the reply as lost, because no one else will.
 */
export class BankReplyHandler {
  constructor(
    private readonly bankCode: string,
    private readonly instanceId: string,
    private readonly bridge: InboundRequestBridge,
    private readonly registry: SessionRegistry,
    private readonly orphans: OrphanedReplies,
    private readonly logger: AdapterLogger,
  ) {}

  async handle(envelope: EventEnvelope<BankReplyReady>): Promise<void> {
    const answer = envelope.payload;
    if (answer.bankCode !== this.bankCode) return;
    if (answer.route.adapterInstanceId === this.instanceId) {
      this.bridge.deliver(answer);
      return;
    }
    if ((await this.registry.isAlive(answer.route.adapterInstanceId)) !== false) return;
    const first = await this.orphans.claim(answer.inboundId, ORPHAN_CLAIM_TTL_MS).catch(() => false);
    if (!first) return;
    this.logger.error(
      {
        inboundId: answer.inboundId,
        adapterInstanceId: answer.route.adapterInstanceId,
        sessionId: answer.route.sessionId,
        bankSerialNo: answer.route.requestRef.serialNo,
        returnCode: answer.returnCode,
        serialNo: answer.serialNo,
      },
      'REPLY CANNOT REACH THE BANK: the adapter instance holding the request is gone; the bank will treat it as unknown and reverse it (F-4.3 B)',
    );
  }
}
