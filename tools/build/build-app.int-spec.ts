import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { waitFor } from '@custody/testing';
import { buildApp } from './build-app';

const ROOT = resolve(__dirname, '../..');

/** A port nothing listens on now (the simulated bank's protocol port and its control port). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => done(port));
      });
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The production image holds dist/, the production node_modules and package.json, and runs `node
 * dist/apps/<app>/main.js`: no TypeScript loader, no tsconfig to resolve an `@custody/*` alias, no sources. The bank
 * simulator (no database) is built and started exactly so; a module the build left out, an alias left unresolved or
 * a decorator compiled without its metadata (Nest could not inject) stops it before it answers.
 */
describe('an app built by npm run build', () => {
  let dir: string;
  let service: ChildProcess | undefined;
  let output = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'custody-build-'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  });

  afterAll(() => {
    service?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs with node alone from a directory holding only its dist, node_modules and package.json', async () => {
    buildApp('bank-simulator', { outDir: join(dir, 'dist/apps/bank-simulator') });
    const config = parse(readFileSync(join(ROOT, 'config/custody.local.yaml'), 'utf8')) as { banks: Array<{ code: string; port: number }> };
    const bank = config.banks[0];
    bank.port = await freePort();
    const configPath = join(dir, 'custody.yaml');
    writeFileSync(configPath, stringify(config));
    const controlPort = await freePort();

    // Only what a container gives it: no NODE_OPTIONS (no preloaded loader), the working directory the image's.
    service = spawn(process.execPath, ['dist/apps/bank-simulator/main.js'], {
      cwd: dir,
      env: { PATH: process.env.PATH, BANK_CODE: bank.code, PORT: String(controlPort), CUSTODY_CONFIG: configPath, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    service.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const exited = new Promise<never>((_, fail) => service!.once('exit', (code) => fail(new Error(`the built bank simulator exited with ${code}:\n${output}`))));
    const answering = waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${controlPort}/health`, { signal: AbortSignal.timeout(1000) });
        return response.ok && ((await response.json()) as { status: string });
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'the built bank simulator to answer /health' },
    );
    const health = await Promise.race([exited, answering]);

    expect(health.status).toBe('ok');
    expect(filesUnder(join(dir, 'dist')).filter((file) => file.endsWith('.ts'))).toEqual([]);
  }, 60_000);

  it('the transfer service finds its gRPC .proto files in its own build output, where no repository is beside it', () => {
    buildApp('transfer', { outDir: join(dir, 'dist/apps/transfer') });
    const protos = join(dir, 'dist/apps/transfer/libs/contracts/src/grpc-protos.js');
    // The same function the service calls at start, from the compiled file: it looks beside itself only.
    const loaded = execFileSync(process.execPath, ['-e', `const p = require(${JSON.stringify(protos)}); p.loadCustodyGrpc(); console.log(p.custodyProtoDir())`], {
      cwd: dir,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(loaded.trim()).toBe(join(dir, 'dist/apps/transfer/libs/contracts/proto'));
  }, 60_000);
});
