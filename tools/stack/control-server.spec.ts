import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { type ServiceControl, startControlServer, UnknownServiceError } from './control-server';

describe('stack control endpoint (system tests crash and restart services through it)', () => {
  const done: string[] = [];
  const control: ServiceControl = {
    list: () => [{ name: 'saga', pid: 42, running: true }],
    kill: async (name) => {
      if (name !== 'saga') throw new UnknownServiceError(name);
      done.push(`kill ${name}`);
    },
    restart: async (name) => {
      if (name !== 'saga') throw new UnknownServiceError(name);
      throw new Error('saga did not become healthy');
    },
  };
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = await startControlServer(0, control);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((closed) => server.close(closed)));

  it('lists the services', async () => {
    const response = await fetch(`${base}/services`);
    expect(await response.json()).toEqual([{ name: 'saga', pid: 42, running: true }]);
  });

  it('answers 204 once the action is done', async () => {
    const response = await fetch(`${base}/services/saga/kill`, { method: 'POST' });
    expect(response.status).toBe(204);
    expect(done).toEqual(['kill saga']);
  });

  it('404 for a service the stack does not run, 500 with the reason when the action fails', async () => {
    expect((await fetch(`${base}/services/nope/kill`, { method: 'POST' })).status).toBe(404);
    const failed = await fetch(`${base}/services/saga/restart`, { method: 'POST' });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'saga did not become healthy' });
  });

  it('404 for anything else', async () => {
    expect((await fetch(`${base}/services/saga/kill`)).status).toBe(404);
    expect((await fetch(`${base}/services/saga/stop`, { method: 'POST' })).status).toBe(404);
  });
});
