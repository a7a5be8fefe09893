import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseDockerfile, type Stage } from './dockerfile';

/**
 * deploy/Dockerfile checked without a container engine (none runs here; CI with one builds it): the stages, what the
 * image runs as and with, and that what it copies from the repository is there.
 */
describe('deploy/Dockerfile', () => {
  const ROOT = resolve(__dirname, '../..');
  const stages = parseDockerfile(join(ROOT, 'deploy/Dockerfile'));
  const stage = (name: string): Stage => stages.find((s) => s.name === name)!;
  const runtime = stages.at(-1)!;
  const runs = (s: Stage) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.text);

  it('is multi-stage: the tool chain builds, production dependencies are installed apart, the runtime holds only their results', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
    expect(runs(stage('build')).join('\n')).toContain('npm run build');
    expect(runs(stage('deps'))).toEqual([expect.stringMatching(/^npm ci --omit=dev\b/)]);
    expect(runs(runtime)).toEqual([]);
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY');
    expect(copies.map((c) => [c.flags.from ?? '', ...c.args])).toEqual([
      ['deps', '/app/node_modules', './node_modules'],
      ['build', '/src/dist', './dist'],
      ['', 'package.json', './'],
    ]);
  });

  it('runs as a numeric non-root user, the one the manifests require', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args[0]);
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0].split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    const pod = parse(readFileSync(join(ROOT, 'deploy/components/workload/pod.yaml'), 'utf8')).spec.template.spec.securityContext;
    expect({ uid, gid }).toEqual({ uid: pod.runAsUser, gid: pod.runAsGroup });
  });

  it('checks its health with node itself on the liveness endpoint, and runs node with the app given as arguments', () => {
    const [healthcheck] = runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck.text).toMatch(/^CMD \["node", "-e", ".*\/health\/live/);
    expect(runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.text).toBe('["node"]');
    expect(runtime.instructions.find((i) => i.keyword === 'ENV')?.text).toContain('NODE_ENV=production');
  });

  it('its health check passes while /health/live answers 200 and fails when it does not or nothing listens', async () => {
    const [healthcheck] = runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
    const [command, ...args] = JSON.parse(healthcheck.text.replace(/^CMD /, '')) as string[];
    expect(command).toBe('node');
    const check = (port: number) => new Promise<number>((done) => execFile(process.execPath, args, { env: { PORT: String(port) } }, (error) => done(error ? Number(error.code) : 0)));
    let status = 200;
    const server: Server = createServer((request, response) => response.writeHead(request.url === '/health/live' ? status : 404).end());
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await check(port)).toBe(0);
      status = 503;
      expect(await check(port)).toBe(1);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
    expect(await check(port)).toBe(1);
    // Three node processes started one after the other: seconds each on a loaded two-core machine.
  }, 30_000);

  it('every file it copies from the build context exists in the repository', () => {
    const sources = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'COPY' && !i.flags.from).flatMap((i) => i.args.slice(0, -1)));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
  });

  it('the build context leaves out dependencies, build output and local state', () => {
    const ignored = readFileSync(join(ROOT, 'deploy/Dockerfile.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', 'dist', '.local']));
  });
});
