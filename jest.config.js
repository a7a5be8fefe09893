// Three tiers (spec/conventions.md "Tests"): unit = pure rules; integration = one service or library
// against the real PostgreSQL, Redis and Kafka; system = the whole stack through its public edges.
const { compilerOptions } = require('./tsconfig.base.json');
// SWC rewrites the @custody/* aliases itself, so code jest compiles outside the test runtime (global setup) resolves them too.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: __dirname,
      paths: compilerOptions.paths,
    },
  },
];
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);
const common = { rootDir: __dirname, transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,test}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
      setupFiles: ['<rootDir>/libs/testing/src/quiet-nest-logs.js'],
    },
    // deploy/ checked offline: the overlays rendered with `kubectl kustomize`, the Dockerfile's health check run with
    // node (tools of the machine, so no pure rules, but no infrastructure either): deploy/README.md "Checks".
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/tools/deploy/**/*.deploy-spec.ts'] },
    {
      ...common,
      displayName: 'system',
      testMatch: ['<rootDir>/test/**/*.system-spec.ts'],
      globalSetup: '<rootDir>/test/support/stack-setup.js',
      globalTeardown: '<rootDir>/test/support/stack-teardown.js',
    },
  ],
};
