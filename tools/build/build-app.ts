import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { transformSync, type Options } from '@swc/core';

/**
 * `npm run build` (each app's Nx `build` target): compiles one app, and the library files it reaches, to plain
 * CommonJS under dist/apps/<app>/, so that a service runs with `node dist/apps/<app>/main.js` and nothing of the
 * TypeScript tool chain (docs/design.md "Build"). The compiled files keep the repository's layout below that
 * directory (apps/<app>/src/…, libs/<lib>/src/…): SWC rewrites an `@custody/*` alias to a relative require from the
 * source file, which then holds in the output too. Type checking is `npm run typecheck`'s, not this build's.
 */

const ROOT = resolve(__dirname, '../..');

export interface BuildOptions {
  /** Where the app's files go; dist/apps/<app> unless a test builds elsewhere. */
  outDir?: string;
}

export interface BuildResult {
  outDir: string;
  /** The compiled or copied source files, relative to the repository. */
  files: string[];
}

/**
 * Files a module reads at run time rather than requires, by the module that reads them: the build copies them to the
 * same place below dist/apps/<app>/ when it compiles that module (a require would find a missing module at once; a
 * missing .proto would only show when the service starts).
 */
export const RUNTIME_ASSETS: Readonly<Record<string, string>> = {
  // custodyProtoDir() looks for `../proto` beside the compiled grpc-protos.js.
  'libs/contracts/src/grpc-protos.ts': 'libs/contracts/proto',
};

/** A require the production image could not satisfy (a dev dependency, an unresolved alias, a missing file). */
export class UnresolvableRequireError extends Error {}

export function buildApp(app: string, options: BuildOptions = {}): BuildResult {
  const entry = join(ROOT, 'apps', app, 'src', 'main.ts');
  if (!existsSync(entry)) throw new Error(`no app "${app}": ${relative(ROOT, entry)} does not exist`);
  const outDir = resolve(options.outDir ?? join(ROOT, 'dist', 'apps', app));
  // A file left from an earlier build (a module since deleted) must not be found at run time.
  rmSync(outDir, { recursive: true, force: true });
  const productionPackages = new Set(Object.keys(readJson<{ dependencies: Record<string, string> }>('package.json').dependencies));
  const aliases = readJson<{ compilerOptions: { paths: Record<string, string[]> } }>('tsconfig.base.json').compilerOptions.paths;

  const seen = new Set<string>([entry]);
  const pending = [entry];
  while (pending.length > 0) {
    const source = pending.pop()!;
    const code = emit(source, outDir, aliases);
    const assets = RUNTIME_ASSETS[relative(ROOT, source)];
    if (assets) cpSync(join(ROOT, assets), join(outDir, assets), { recursive: true });
    for (const request of requiresIn(code)) {
      const target = resolveRequire(source, request, productionPackages);
      if (target && !seen.has(target)) {
        seen.add(target);
        pending.push(target);
      }
    }
  }
  writeFileSync(join(outDir, 'main.js'), entryModule(app));
  return { outDir, files: [...seen].map((file) => relative(ROOT, file)).sort() };
}

/**
 * The entry a container runs. Source maps stay off by default: on, they cost each service ~10 MB of its 200 MB
 * (docs/benchmarks.md "Built output: memory"); `node --enable-source-maps dist/apps/<app>/main.js` has a stack
 * trace name the TypeScript line.
 */
function entryModule(app: string): string {
  return `'use strict';\n// ${app}: the compiled sources keep the repository's layout below this directory (tools/build/build-app.ts).\nrequire('./apps/${app}/src/main.js');\n`;
}

/** Writes the compiled (or, for JavaScript and JSON, copied) file under outDir and returns the code it requires from. */
function emit(source: string, outDir: string, aliases: Record<string, string[]>): string {
  const path = relative(ROOT, source);
  const text = readFileSync(source, 'utf8');
  const kind = extname(source);
  if (kind !== '.ts') {
    writeOut(join(outDir, path), text);
    return kind === '.js' ? text : '';
  }
  const target = join(outDir, path.replace(/\.ts$/, '.js'));
  const output = transformSync(text, swcOptions(source, target, aliases));
  writeOut(target, `${output.code}\n//# sourceMappingURL=${relative(dirname(target), `${target}.map`)}\n`);
  writeOut(`${target}.map`, output.map!);
  return output.code;
}

/**
 * The options the services' development loader (@swc-node/register, from tsconfig.base.json) compiles with, so that
 * the built service behaves as the one `npm start` runs: legacy decorators with their design-time metadata (Nest's
 * dependency injection reads the constructor parameter types from it), class fields defined as ES2022 defines them,
 * class names kept (Nest and the logs name providers by them) and the path aliases rewritten.
 */
function swcOptions(source: string, target: string, aliases: Record<string, string[]>): Options {
  return {
    filename: source,
    swcrc: false,
    configFile: false,
    sourceMaps: true,
    // The map points at the TypeScript file from the compiled one, without a copy of it.
    sourceFileName: relative(dirname(target), source),
    inlineSourcesContent: false,
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: ROOT,
      paths: aliases,
    },
  };
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;
}

function writeOut(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** The module names SWC's CommonJS output requires (it writes every import, static or dynamic, as `require("…")`). */
export function requiresIn(code: string): string[] {
  return [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
}

/**
 * The repository file a relative require names (to compile next), or undefined for a Node built-in or a production
 * package. Anything else would fail in the production image, so the build fails now and says why.
 */
export function resolveRequire(from: string, request: string, productionPackages: ReadonlySet<string>): string | undefined {
  if (request.startsWith('.')) {
    const base = resolve(dirname(from), request);
    const file = [base, `${base}.ts`, `${base}.js`, `${base}.json`, join(base, 'index.ts'), join(base, 'index.js')].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (!file) throw new UnresolvableRequireError(`${relative(ROOT, from)} requires "${request}", which is no file of the repository`);
    return file;
  }
  if (request.startsWith('node:') || builtinModules.includes(request)) return undefined;
  const name = packageName(request);
  if (name === '@custody') throw new UnresolvableRequireError(`${relative(ROOT, from)} requires "${request}", an alias tsconfig.base.json does not map`);
  if (!productionPackages.has(name)) {
    throw new UnresolvableRequireError(`${relative(ROOT, from)} requires "${request}", but "${name}" is not among package.json's dependencies (the production image installs only those)`);
  }
  return undefined;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; a bare `@custody` scope stays itself. */
function packageName(request: string): string {
  const parts = request.split('/');
  return request.startsWith('@') && parts.length > 1 && parts[0] !== '@custody' ? `${parts[0]}/${parts[1]}` : parts[0];
}
