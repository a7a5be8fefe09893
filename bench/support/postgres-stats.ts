import { execFileSync } from 'node:child_process';
import { Client } from 'pg';

/**
 * What PostgreSQL did for a run: committed transactions of the stack's database (`pg_stat_database`) and, when
 * the server loads `pg_stat_statements`, the statements executed in it. Both are cumulative counters; a run
 * reads them before and after.
 */
export interface PostgresCounters {
  commits: number;
  /** undefined: pg_stat_statements is not loaded (shared_preload_libraries), so statements are not counted */
  statements: number | undefined;
}

export const STATEMENTS_HOWTO =
  "statements not counted: load pg_stat_statements (ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'; restart PostgreSQL)";

export async function postgresCounters(databaseUrl: string): Promise<PostgresCounters> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'bench-counters' });
  await client.connect();
  try {
    const [{ commits }] = (await client.query('SELECT xact_commit::text AS commits FROM pg_stat_database WHERE datname = current_database()')).rows as Array<{ commits: string }>;
    let statements: number | undefined;
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      const [row] = (await client.query('SELECT coalesce(sum(calls), 0)::text AS calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())')).rows as Array<{ calls: string }>;
      statements = Number(row.calls);
    } catch {
      statements = undefined; // the extension exists only when the server preloads its library
    }
    return { commits: Number(commits), statements };
  } finally {
    await client.end();
  }
}

/**
 * `pgbench -b tpcb-like` against a database of its own on the same server, for scale: what PostgreSQL alone does
 * on this machine with fsync and synchronous_commit as configured. Returns transactions per second.
 */
export function pgbenchTps(adminUrl: string, seconds: number, clients: number): number {
  const database = 'custody_pgbench';
  const url = new URL(adminUrl);
  const connection = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
  execFileSync('psql', [...connection, '-d', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${database}`, '-c', `CREATE DATABASE ${database}`], { stdio: 'ignore' });
  try {
    execFileSync('pgbench', [...connection, '-i', '-q', '-s', '10', database], { stdio: 'ignore' });
    const out = execFileSync('pgbench', [...connection, '-b', 'tpcb-like', '-c', String(clients), '-j', '2', '-T', String(seconds), '-n', database], { encoding: 'utf8' });
    const tps = /tps = ([\d.]+)/.exec(out);
    if (!tps) throw new Error(`pgbench printed no tps:\n${out}`);
    return Number(tps[1]);
  } finally {
    execFileSync('psql', [...connection, '-d', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${database}`], { stdio: 'ignore' });
  }
}
