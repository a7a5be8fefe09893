import { Client, type QueryResult } from 'pg';

/** A statement text run this often on one connection is prepared there (pgjdbc's `prepareThreshold` is also 5). */
export const PREPARE_AFTER_RUNS = 5;
/** Prepared statements kept per connection (pgjdbc's `preparedStatementCacheQueries` is 256); later texts run unprepared. */
export const MAX_PREPARED_PER_CONNECTION = 256;
/** Texts counted per connection towards {@link PREPARE_AFTER_RUNS}; past it, a new text is no longer counted. */
const MAX_COUNTED_TEXTS = 1_024;
/** `cached plan must not change result type`: a prepared `SELECT *` met a table a migration has since changed. */
const FEATURE_NOT_SUPPORTED = '0A000';

type Counted = { runs: number } | { name: string } | { unprepared: true };

/**
 * The pool's connections (`extra.Client`): a parameterised statement this connection has run
 * {@link PREPARE_AFTER_RUNS} times is from then on a named statement, which PostgreSQL parses and plans once
 * and afterwards only binds and executes. Every statement of the money paths is a fixed text run thousands of
 * times an hour, and parsing and planning them again each time was about half of PostgreSQL's CPU for a short
 * statement on this machine (issue 9; docs/benchmarks.md). Nothing changes for the caller: TypeORM's
 * `manager.query(text, parameters)` reaches here unchanged, and what it gets back is the same result.
 *
 * Bounded: at most {@link MAX_PREPARED_PER_CONNECTION} statements per connection, so text built at run time
 * (a list of n values) cannot fill the server's memory. A prepared statement whose result columns a migration
 * changed fails once with 0A000; that text then runs unprepared on this connection (the failure itself reaches
 * the caller, whose transaction is retried as after any aborted statement).
 */
export class PreparingClient extends Client {
  private readonly texts = new Map<string, Counted>();
  private prepared = 0;

  // pg's overloads (callbacks, config objects, streams) pass through untouched; only (text, values) is named.
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (typeof text !== 'string' || !Array.isArray(values) || callback !== undefined) return (super.query as (...a: unknown[]) => never)(...args);
    const name = this.nameFor(text);
    if (name === undefined) return (super.query as (...a: unknown[]) => never)(text, values);
    return (super.query({ name, text, values }) as Promise<QueryResult>).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === FEATURE_NOT_SUPPORTED) this.texts.set(text, { unprepared: true });
      throw error;
    }) as never;
  }

  private nameFor(text: string): string | undefined {
    const counted = this.texts.get(text);
    if (counted === undefined) {
      if (this.texts.size < MAX_COUNTED_TEXTS) this.texts.set(text, { runs: 1 });
      return undefined;
    }
    if ('name' in counted) return counted.name;
    if ('unprepared' in counted) return undefined;
    counted.runs += 1;
    if (counted.runs < PREPARE_AFTER_RUNS || this.prepared >= MAX_PREPARED_PER_CONNECTION) return undefined;
    this.prepared += 1;
    // Names are per connection; a fresh one for each text, never reused, so a text marked unprepared cannot meet it.
    const name = `custody_${this.prepared}`;
    this.texts.set(text, { name });
    return name;
  }
}
