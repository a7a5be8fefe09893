import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startControlServer, type ServiceControl } from './control-server';
import { type ReceivedSpan, SpanStore } from './span-receiver';

/**
 * An export as @opentelemetry/exporter-trace-otlp-http sends it (captured from the exporter; it cannot run inside
 * jest, whose VM refuses the dynamic imports it loads `http` with — the system test runs it for real).
 */
function otlpExport(traceId: string, service: string, name: string): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }, { key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } }], droppedAttributesCount: 0 },
        scopeSpans: [
          {
            scope: { name: 'custody.messaging' },
            spans: [
              {
                traceId,
                spanId: '218ffbb5b95f4f2f',
                parentSpanId: '0102030405060708',
                name,
                kind: 3,
                startTimeUnixNano: '1796637942589000000',
                endTimeUnixNano: '1796637942589198817',
                attributes: [
                  { key: 'custody.bank.return_code', value: { stringValue: '0000' } },
                  { key: 'attempt', value: { intValue: 2 } },
                  { key: 'resend', value: { boolValue: false } },
                ],
                droppedAttributesCount: 0,
                events: [],
                status: { code: 0 },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('the test stack\'s trace collector (control server, OTLP/HTTP JSON)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = await startControlServer(0, { list: () => [] } as unknown as ServiceControl, new SpanStore(2));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((closed) => server.close(closed));
  });

  const post = (body: unknown) => fetch(`${base}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const trace = async (traceId: string) => (await (await fetch(`${base}/traces/${traceId}`)).json()) as ReceivedSpan[];

  it('keeps what the exporter sends and gives a trace\'s spans back by its id, with service, parent and attributes', async () => {
    const traceId = '5b18fd8754ec316dfd3dbbe5dcbf3cea';
    expect((await post(otlpExport(traceId, 'bank-adapter-1021000', 'bank call TRANSFER_TO_BANK'))).status).toBe(200);
    expect(await trace(traceId)).toEqual([
      {
        traceId,
        spanId: '218ffbb5b95f4f2f',
        parentSpanId: '0102030405060708',
        name: 'bank call TRANSFER_TO_BANK',
        kind: 3,
        service: 'bank-adapter-1021000',
        attributes: { 'custody.bank.return_code': '0000', attempt: 2, resend: false },
      },
    ]);
  });

  it('forgets the oldest traces beyond its bound, answers an unknown trace with none and refuses what is not JSON', async () => {
    const ids = ['1'.repeat(32), '2'.repeat(32), '3'.repeat(32)];
    for (const id of ids) await post(otlpExport(id, 'saga', 'x'));
    expect(await trace(ids[0]!)).toEqual([]);
    expect(await trace(ids[2]!)).toHaveLength(1);
    expect(await trace('0'.repeat(32))).toEqual([]);
    expect((await fetch(`${base}/v1/traces`, { method: 'POST', body: 'not json' })).status).toBe(400);
  });
});
