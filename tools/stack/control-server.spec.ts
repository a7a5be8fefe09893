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
    stop: async (name) => void done.push(`stop ${name}`),
    pause: async (name) => void done.push(`pause ${name}`),
    resume: async (name) => void done.push(`resume ${name}`),
    addReplica: async (name, options) => {
      done.push(`replica ${name} skew ${options?.clockSkewMs ?? 0}`);
      return `${name}-r2`;
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

  it('stop, pause and resume answer 204; a replica is 201 with its name, started with the clock skew asked for', async () => {
    for (const verb of ['stop', 'pause', 'resume']) expect((await fetch(`${base}/services/saga/${verb}`, { method: 'POST' })).status).toBe(204);
    const replica = await fetch(`${base}/services/saga/replicas`, { method: 'POST', body: JSON.stringify({ clockSkewMs: -5000 }) });
    expect(replica.status).toBe(201);
    expect(await replica.json()).toEqual({ name: 'saga-r2' });
    expect(done.slice(-4)).toEqual(['stop saga', 'pause saga', 'resume saga', 'replica saga skew -5000']);
  });

  it('400 for a body that is not JSON or a skew that is not whole milliseconds, and nothing is done', async () => {
    const before = done.length;
    expect((await fetch(`${base}/services/saga/restart`, { method: 'POST', body: 'x' })).status).toBe(400);
    expect((await fetch(`${base}/services/saga/replicas`, { method: 'POST', body: '{"clockSkewMs":1.5}' })).status).toBe(400);
    expect(done.length).toBe(before);
  });

  it('404 for anything else', async () => {
    expect((await fetch(`${base}/services/saga/kill`)).status).toBe(404);
    expect((await fetch(`${base}/services/saga/freeze`, { method: 'POST' })).status).toBe(404);
  });
});
