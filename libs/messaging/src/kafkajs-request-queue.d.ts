/**
 * The part of kafkajs's internal request queue (one per broker connection) that `mendKafkaJsIdleLoop` replaces and its
 * spec drives; kafkajs ships no types for its internals.
 */
declare module 'kafkajs/src/network/requestQueue' {
  import type { EventEmitter } from 'node:events';

  interface RequestEntry {
    correlationId: number;
    apiName: string;
    apiKey: number;
    apiVersion: number;
    resolve(response: unknown): void;
    reject(error: unknown): void;
  }

  class RequestQueue extends EventEmitter {
    constructor(options: {
      maxInFlightRequests: number | null;
      requestTimeout: number;
      enforceRequestTimeout: boolean;
      clientId: string;
      broker: string;
      logger: { debug(...args: unknown[]): void; warn(...args: unknown[]): void };
    });
    pending: unknown[];
    throttledUntil: number;
    throttleCheckTimeoutId: NodeJS.Timeout | null;
    push(request: { entry: RequestEntry; expectResponse: boolean; sendRequest(): void; requestTimeout?: number }): void;
    fulfillRequest(response: { correlationId: number; payload: unknown; size: number }): void;
    maybeThrottle(clientSideThrottleTime: number | null): void;
    checkPendingRequests(): void;
    scheduleCheckPendingRequests(): void;
    destroy(): void;
  }

  export = RequestQueue;
}
