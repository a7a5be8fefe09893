import type { DataSource, EntitySubscriberInterface } from 'typeorm';

const installed = new WeakMap<DataSource, Set<new () => EntitySubscriberInterface>>();

/**
 * Adds one subscriber of `kind` to `dataSource`, the first time it is asked for there (after-commit callbacks, rows
 * written at commit). TypeORM reads `subscribers` at every broadcast, so one added to a running DataSource takes
 * effect at once.
 */
export function subscribeOnce(dataSource: DataSource, kind: new () => EntitySubscriberInterface): void {
  const kinds = installed.get(dataSource) ?? new Set<new () => EntitySubscriberInterface>();
  installed.set(dataSource, kinds);
  if (kinds.has(kind)) return;
  kinds.add(kind);
  dataSource.subscribers.push(new kind());
}
