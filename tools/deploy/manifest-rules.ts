import { Service, ConfigMap, Secret } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';

/** A rendered Kubernetes object, as `kubectl kustomize` prints it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any kind's spec; the schemas check it
  data?: Record<string, string>;
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = { // eslint-disable-line @typescript-eslint/no-explicit-any
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

const nameOf = (object: KubeObject) => `${object.kind}/${object.metadata.name}`;

/** Each object against the Kubernetes API schema of its kind (kubernetes-models); a kind without one is refused. */
export function schemaViolations(objects: readonly KubeObject[]): string[] {
  return objects.flatMap((object) => {
    const Model = MODELS[`${object.apiVersion}/${object.kind}`];
    if (!Model) return [`${nameOf(object)}: no schema for ${object.apiVersion} ${object.kind} (add it to MODELS)`];
    try {
      new Model(object).validate();
      return [];
    } catch (error) {
      return [`${nameOf(object)}: ${(error as Error).message}`];
    }
  });
}

/** An environment variable or ConfigMap key whose value would be a secret. */
const SECRET_NAME = /KEY|PASSWORD|SECRET|TOKEN|DATABASE_URL|REDIS_URL/i;
/** Secret material in a ConfigMap's text: a private key, or an exchange key given as the key itself. */
const SECRET_TEXT = [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, /exchangeKey:\s*["']?[0-9A-Fa-f]{32}/];

/**
 * Our own rules for every rendered overlay (deploy/README.md): every container has requests and limits, runs as
 * non-root; every serving container has liveness and readiness probes; every Deployment has a Service and a
 * PodDisruptionBudget selecting its pods; no secret is in the manifests (no Secret object, no secret-looking value
 * inline, no key in a ConfigMap). Returns one line per broken rule.
 */
export function ruleViolations(objects: readonly KubeObject[]): string[] {
  const violations: string[] = [];
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');
  for (const workload of workloads) {
    const pod = workload.spec?.template?.spec ?? {};
    for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const where = `${nameOf(workload)} container ${container.name}`;
      for (const kind of ['requests', 'limits']) {
        const given = container.resources?.[kind] ?? {};
        if (!given.cpu || !given.memory) violations.push(`${where}: no ${kind} for cpu and memory`);
      }
      if (workload.kind === 'Deployment' && (!container.livenessProbe || !container.readinessProbe)) violations.push(`${where}: no liveness and readiness probes`);
      const nonRoot = container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      const user = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      if (nonRoot !== true || user === 0) violations.push(`${where}: may run as root (runAsNonRoot must be true)`);
      for (const env of container.env ?? []) {
        if (env.value !== undefined && SECRET_NAME.test(env.name)) violations.push(`${where}: ${env.name} given inline; a secret comes from a Secret (valueFrom)`);
      }
    }
  }
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const labels: Record<string, string> = deployment.spec?.template?.metadata?.labels ?? {};
    const selects = (selector: Record<string, string> | undefined) => selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
    if (!objects.some((o) => o.kind === 'Service' && selects(o.spec?.selector))) violations.push(`${nameOf(deployment)}: no Service selects its pods`);
    if (!objects.some((o) => o.kind === 'PodDisruptionBudget' && selects(o.spec?.selector?.matchLabels))) violations.push(`${nameOf(deployment)}: no PodDisruptionBudget selects its pods`);
  }
  for (const object of objects) {
    if (object.kind === 'Secret') violations.push(`${nameOf(object)}: a Secret in the manifests; secrets are made apart and only referenced`);
    if (object.kind !== 'ConfigMap') continue;
    for (const [key, value] of Object.entries(object.data ?? {})) {
      if (SECRET_NAME.test(key) || SECRET_TEXT.some((pattern) => pattern.test(value))) violations.push(`${nameOf(object)}: ${key} holds a secret`);
    }
  }
  return violations;
}
