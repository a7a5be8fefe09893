import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kustomize } from './kustomize';
import { ruleViolations, schemaViolations, type KubeObject } from './manifest-rules';
import { committedBanks, DEPLOY_DIR, generatedBanks, overlayNames, writeBanks } from './overlays';

const SERVICES = ['account', 'reconciliation', 'saga', 'transfer'];
const SCHEMAS = ['account', 'bank_adapter', 'reconciliation', 'saga', 'transfer'];

const named = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
const bankCodes = (overlayDir: string) => (parse(generatedBanks(overlayDir)['banks/kustomization.yaml']).resources as string[]).sort();

describe.each(overlayNames())('deploy/overlays/%s rendered offline (kubectl kustomize)', (overlay) => {
  const overlayDir = join(DEPLOY_DIR, 'overlays', overlay);
  let objects: KubeObject[];
  beforeAll(() => {
    objects = kustomize(overlayDir);
  });

  it('every object is valid against the Kubernetes schema of its kind', () => {
    expect(objects.length).toBeGreaterThan(0);
    expect(schemaViolations(objects)).toEqual([]);
  });

  it('keeps our rules: limits, probes, non-root, a Service and a PodDisruptionBudget for each Deployment, no secret inline', () => {
    expect(ruleViolations(objects)).toEqual([]);
  });

  it('a Deployment per service and per configured bank, a migrations Job per schema and the topic provisioning Job', () => {
    expect(named(objects, 'Deployment')).toEqual([...SERVICES, ...bankCodes(overlayDir).map((code) => `bank-adapter-${code}`)].sort());
    const jobs = objects.filter((o) => o.kind === 'Job');
    expect(jobs.filter((job) => job.metadata.labels?.['app.kubernetes.io/component'] === 'migrations').map((job) => job.metadata.labels?.['custody.io/schema']).sort()).toEqual(SCHEMAS);
    expect(named(objects, 'Job')).toContain('provision-topics');
  });

  it('its services listen beyond the loopback interface, where the probes, the Services and Prometheus reach them', () => {
    const runtime = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('custody-runtime-')) as { data?: Record<string, string> } | undefined;
    expect(runtime?.data?.LISTEN_HOST).toBe('0.0.0.0');
  });

  it('its generated bank adapters are current with its custody.yaml (else: npm run deploy:render)', () => {
    expect(committedBanks(overlayDir)).toEqual(generatedBanks(overlayDir));
  });
});

describe('a bank added to an overlay\'s configuration', () => {
  const NEW_BANK = `  - code: "1031000"
    name: Bank C
    host: fep.bank-c.example
    port: 17103
    exchangeKey: env:BANK_EXCHANGE_KEY
    summaryAccount: "103100000000000001"
`;
  let copy: string;
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'custody-deploy-'));
    cpSync(DEPLOY_DIR, copy, { recursive: true });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('yields exactly one more Deployment, the new bank\'s adapter with its own Secret, and leaves every other adapter\'s pods as they were', () => {
    const overlayDir = join(copy, 'overlays', 'production');
    const before = kustomize(overlayDir);
    appendFileSync(join(overlayDir, 'custody.yaml'), NEW_BANK);
    writeBanks(overlayDir, copy);
    const after = kustomize(overlayDir);

    expect(named(after, 'Deployment')).toEqual([...named(before, 'Deployment'), 'bank-adapter-1031000'].sort());
    const added = after.find((o) => o.kind === 'Deployment' && o.metadata.name === 'bank-adapter-1031000')!;
    expect(JSON.stringify(added.spec!.template.spec.containers[0].env)).toContain('"name":"bank-adapter-1031000"');
    expect(ruleViolations(after)).toEqual([]);
    // Each bank's adapter reads its own configuration: the other banks' pod templates, hence their pods, are unchanged.
    const adapters = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'Deployment' && o.metadata.name.startsWith('bank-adapter-') && o.metadata.name !== 'bank-adapter-1031000');
    expect(adapters(after)).toEqual(adapters(before));
  });
});
