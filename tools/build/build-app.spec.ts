import { resolve } from 'node:path';
import { requiresIn, resolveRequire, UnresolvableRequireError } from './build-app';

const ROOT = resolve(__dirname, '../..');
const FROM = resolve(ROOT, 'apps/bank-simulator/src/main.ts');
const PRODUCTION = new Set(['@nestjs/common', 'pg']);

describe('what a built app may require', () => {
  it('follows a relative require to the TypeScript file or directory index it names', () => {
    expect(resolveRequire(FROM, './simulator-settings', PRODUCTION)).toBe(resolve(ROOT, 'apps/bank-simulator/src/simulator-settings.ts'));
    expect(resolveRequire(FROM, '../../../libs/service-kit/src', PRODUCTION)).toBe(resolve(ROOT, 'libs/service-kit/src/index.ts'));
  });

  it('leaves Node built-ins and production packages (with their subpaths) to node_modules', () => {
    expect(resolveRequire(FROM, 'node:fs', PRODUCTION)).toBeUndefined();
    expect(resolveRequire(FROM, 'crypto', PRODUCTION)).toBeUndefined();
    expect(resolveRequire(FROM, '@nestjs/common/decorators', PRODUCTION)).toBeUndefined();
    expect(resolveRequire(FROM, 'pg', PRODUCTION)).toBeUndefined();
  });

  it('refuses a dev dependency, which the production image does not install', () => {
    expect(() => resolveRequire(FROM, '@swc-node/register', PRODUCTION)).toThrow(UnresolvableRequireError);
    expect(() => resolveRequire(FROM, 'typescript', PRODUCTION)).toThrow(/not among package.json's dependencies/);
  });

  it('refuses an @custody alias left unresolved and a relative require of no file', () => {
    expect(() => resolveRequire(FROM, '@custody/service-kit', PRODUCTION)).toThrow(/alias/);
    expect(() => resolveRequire(FROM, './no-such-module', PRODUCTION)).toThrow(/no file of the repository/);
  });

  it('reads the requires of SWC CommonJS output, dynamic imports included', () => {
    const code = 'const _a = require("./a");\nPromise.resolve().then(() => _interop_require_wildcard(require("pg")));\nrequire.resolve("x");';
    expect(requiresIn(code)).toEqual(['./a', 'pg']);
  });
});
