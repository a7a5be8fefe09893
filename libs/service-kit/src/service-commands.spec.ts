import { migrationPolicyFrom } from './schema-migrations';
import { serviceCommandFrom } from './service-commands';

describe('a service entry run as a Kubernetes Job', () => {
  it('no argument serves; `migrate` and `provision-topics` are the Jobs\' commands, with the built entry or through run-ts', () => {
    expect(serviceCommandFrom(['node', 'dist/apps/saga/main.js'])).toBe('serve');
    expect(serviceCommandFrom(['node', 'dist/apps/saga/main.js', 'migrate'])).toBe('migrate');
    expect(serviceCommandFrom(['node', 'dist/apps/saga/main.js', 'provision-topics'])).toBe('provision-topics');
    expect(serviceCommandFrom(['node', 'tools/run-ts.js', 'apps/saga/src/main.ts'])).toBe('serve');
    expect(serviceCommandFrom(['node', 'tools/run-ts.js', 'apps/saga/src/main.ts', 'migrate'])).toBe('migrate');
  });

  it('an unknown or extra argument is refused rather than served', () => {
    expect(() => serviceCommandFrom(['node', 'main.js', 'migrations'])).toThrow('unknown command "migrations"');
    expect(() => serviceCommandFrom(['node', 'main.js', 'migrate', 'now'])).toThrow('unknown command "migrate now"');
  });

  it('CUSTODY_MIGRATIONS: unset migrates at start (local stack), `require` waits for the Job, anything else is refused', () => {
    expect(migrationPolicyFrom({})).toBe('migrate');
    expect(migrationPolicyFrom({ CUSTODY_MIGRATIONS: 'require' })).toBe('require');
    expect(() => migrationPolicyFrom({ CUSTODY_MIGRATIONS: 'required' })).toThrow('CUSTODY_MIGRATIONS must be');
  });
});
