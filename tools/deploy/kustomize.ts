import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './manifest-rules';

export class KubectlMissingError extends Error {}

/** `kubectl kustomize <dir>`: the overlay rendered offline, as objects. Without kubectl it says so and throws. */
export function kustomize(dir: string): KubeObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.error) throw new KubectlMissingError(`kubectl (with kustomize) is needed to render ${dir} and is not on this machine's PATH: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((document) => document.toJSON() as KubeObject);
}
