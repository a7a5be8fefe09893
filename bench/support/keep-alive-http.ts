import http from 'node:http';
import type { HttpResult, HttpSend } from '../../test/support/test-context';

/**
 * The benchmark's HTTP client: node:http over kept-alive connections. The load generator runs on the two cores it
 * measures, and `fetch` (undici, WHATWG streams) cost it 2–2.5 ms of CPU per request there — as much as a hub
 * service's share of a transfer. An idle connection is dropped after 4 s (the agent also honours a shorter
 * `Keep-Alive: timeout` from the server), before the server's own 5 s, so a request never lands on a socket the
 * server is closing.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: 4_000 });

export const keepAliveHttp: HttpSend = <T>(url: string, method: string, body?: unknown, headers: Record<string, string> = {}) =>
  new Promise<HttpResult<T>>((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const contentHeaders = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) };
    const req = http.request(url, { method, agent, headers: { ...contentHeaders, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : {}) as T, contentType: res.headers['content-type'] ?? '' });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
