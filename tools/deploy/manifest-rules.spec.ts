import { ruleViolations, schemaViolations, type KubeObject } from './manifest-rules';

/** A service as the manifests make it: Deployment, Service and PodDisruptionBudget; every rule holds. */
function goodService(): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': 'account' };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'account' },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 10001 },
            containers: [
              {
                name: 'app',
                image: 'custody-hub',
                env: [{ name: 'PORT', value: '8080' }, { name: 'SECRET_SEALING_KEY', valueFrom: { secretKeyRef: { name: 'custody-platform', key: 'secret-sealing-key' } } }],
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
                livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
                readinessProbe: { httpGet: { path: '/health', port: 'http' } },
              },
            ],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'account' }, spec: { selector: labels, ports: [{ port: 80, targetPort: 'http' }] } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'account' }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
  ];
}

type Container = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
function withContainer(change: (container: Container, pod: Container) => void): KubeObject[] {
  const objects = goodService();
  const pod = objects[0].spec!.template.spec;
  change(pod.containers[0], pod);
  return objects;
}

describe('the rules every rendered overlay must keep', () => {
  it('a service made as the manifests make it breaks none', () => {
    expect(ruleViolations(goodService())).toEqual([]);
    expect(schemaViolations(goodService())).toEqual([]);
  });

  it('a container without limits, or without requests, is refused', () => {
    expect(ruleViolations(withContainer((c) => delete c.resources.limits))).toEqual(['Deployment/account container app: no limits for cpu and memory']);
    expect(ruleViolations(withContainer((c) => delete c.resources.requests.memory))).toEqual(['Deployment/account container app: no requests for cpu and memory']);
  });

  it('a serving container without its liveness or readiness probe is refused', () => {
    expect(ruleViolations(withContainer((c) => delete c.readinessProbe))).toEqual(['Deployment/account container app: no liveness and readiness probes']);
  });

  it('a container that may run as root is refused: no runAsNonRoot, or user 0', () => {
    expect(ruleViolations(withContainer((_, pod) => delete pod.securityContext))).toEqual(['Deployment/account container app: may run as root (runAsNonRoot must be true)']);
    expect(ruleViolations(withContainer((c) => (c.securityContext = { runAsUser: 0 })))).toEqual(['Deployment/account container app: may run as root (runAsNonRoot must be true)']);
  });

  it('a secret-looking variable given inline is refused', () => {
    expect(ruleViolations(withContainer((c) => c.env.push({ name: 'BANK_EXCHANGE_KEY', value: '00112233445566778899AABBCCDDEEFF' })))).toEqual([
      'Deployment/account container app: BANK_EXCHANGE_KEY given inline; a secret comes from a Secret (valueFrom)',
    ]);
  });

  it('a Secret in the manifests, or secret material in a ConfigMap, is refused', () => {
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bank-adapter-1021000' }, data: { 'exchange-key': 'MDA=' } };
    const config: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'custody-config' }, data: { 'custody.yaml': 'banks:\n  - exchangeKey: 0123456789ABCDEFFEDCBA9876543210\n' } };
    const pem: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys' }, data: { 'signing.pem': '-----BEGIN PRIVATE KEY-----\nMIG...' } };
    expect(ruleViolations([...goodService(), secret, config, pem])).toEqual([
      'Secret/bank-adapter-1021000: a Secret in the manifests; secrets are made apart and only referenced',
      'ConfigMap/custody-config: custody.yaml holds a secret',
      'ConfigMap/keys: signing.pem holds a secret',
    ]);
  });

  it('a Deployment without a PodDisruptionBudget or a Service selecting its pods is refused', () => {
    const [deployment, service] = goodService();
    expect(ruleViolations([deployment, service])).toEqual(['Deployment/account: no PodDisruptionBudget selects its pods']);
    const [, , budget] = goodService();
    expect(ruleViolations([deployment, budget])).toEqual(['Deployment/account: no Service selects its pods']);
  });

  it('an object its Kubernetes schema refuses, or of a kind without a schema here, is reported', () => {
    const [deployment] = goodService();
    expect(schemaViolations([{ ...deployment, spec: { ...deployment.spec, replicas: 'two' } }])).toEqual(['Deployment/account: data/spec/replicas must be integer']);
    expect(schemaViolations([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }])).toEqual(['Widget/w: no schema for example.com/v1 Widget (add it to MODELS)']);
  });
});
