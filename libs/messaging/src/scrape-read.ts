/**
 * A read behind several gauges, done once per scrape. prom-client collects every metric of a registry at once, so
 * the gauges that show two figures of one query (a count and the age of the oldest) call for it together: a call made
 * while a read is under way shares it, and the next scrape reads afresh. A failed read fails every gauge that shared it
 * and is not kept.
 */
export function readOncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= read().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
