import { readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * CPU seconds and peak memory of each process of a local stack, read from /proc. Processes are named as the stack
 * names them (CUSTODY_INSTANCE in their environment: `transfer`, `bank-adapter-1021000`, …); the others that serve
 * the stack are grouped: `postgres` (every backend, plus what exited backends left in the postmaster's children
 * time), `kafka`, `redis`, `launcher` (`npm start`: the ingress and the stack). The services and the launcher are
 * this checkout's (their working directory is its root): another checkout's stack on the machine is not counted.
 */
export type CpuSnapshot = Map<string, number>;

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const ROOT = realpathSync(resolve(__dirname, '../..'));

interface ProcStat {
  comm: string;
  ppid: number;
  /** utime + stime, seconds */
  own: number;
  /** cutime + cstime, seconds: children that exited and were waited for */
  children: number;
}

function readStat(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields are counted after its closing one.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    const at = (field: number) => Number(fields[field - 3]);
    return { comm, ppid: at(4), own: (at(14) + at(15)) / TICKS_PER_SECOND, children: (at(16) + at(17)) / TICKS_PER_SECOND };
  } catch {
    return undefined; // gone meanwhile
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Which part of the stack a process is, or undefined for a process that is none of it. */
function nameOf(pid: string, stat: ProcStat): string | undefined {
  if (stat.comm === 'postgres') return 'postgres';
  if (stat.comm.startsWith('redis-server')) return 'redis';
  const cmdline = readText(`/proc/${pid}/cmdline`).split('\0');
  if (cmdline.some((arg) => arg === 'kafka.Kafka')) return 'kafka';
  if (workingDirectory(pid) !== ROOT) return undefined;
  if (cmdline.some((arg) => arg.endsWith('tools/stack/start.js'))) return 'launcher';
  if (!cmdline.some((arg) => /apps\/[a-z-]+\/src\/main\.(ts|js)$/.test(arg) || /dist\/apps\//.test(arg))) return undefined;
  const instance = readText(`/proc/${pid}/environ`)
    .split('\0')
    .find((entry) => entry.startsWith('CUSTODY_INSTANCE='));
  return instance?.slice('CUSTODY_INSTANCE='.length);
}

function workingDirectory(pid: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined; // gone meanwhile, or not ours to look at
  }
}

function* stackProcesses(): Generator<{ pid: string; name: string; stat: ProcStat }> {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    const name = nameOf(pid, stat);
    if (name) yield { pid, name, stat };
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  const add = (name: string, seconds: number) => snapshot.set(name, (snapshot.get(name) ?? 0) + seconds);
  for (const { name, stat } of stackProcesses()) {
    add(name, stat.own);
    // The postmaster collects its exited backends' time; a backend's own children are none of ours.
    if (name === 'postgres' && readStat(String(stat.ppid))?.comm !== 'postgres') add(name, stat.children);
  }
  return snapshot;
}

/** CPU seconds per name between two snapshots (a process that started meanwhile counts from zero). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Array<{ name: string; seconds: number }> {
  return [...after]
    .map(([name, seconds]) => ({ name, seconds: seconds - (before.get(name) ?? 0) }))
    .filter((row) => row.seconds > 0)
    .sort((a, b) => b.seconds - a.seconds);
}

const isShared = (name: string) => name === 'postgres' || name === 'kafka' || name === 'redis';

/**
 * Starts each Node process's peak resident memory (VmHWM) afresh from what it holds now, so that a run's peak is
 * its own, not an earlier run's on the same stack (Linux: "5" to /proc/<pid>/clear_refs). False when the kernel
 * refused it: the peaks are then since each process started.
 */
export function resetPeakRss(): boolean {
  let reset = true;
  for (const { pid, name } of stackProcesses()) {
    if (isShared(name)) continue;
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      reset = false;
    }
  }
  return reset;
}

/**
 * The peak resident memory (VmHWM) of each Node process of the stack (the services and the launcher) since it
 * started or since resetPeakRss, in MB; the shared PostgreSQL, Kafka and Redis are left out.
 */
export function peakRssMb(): Map<string, number> {
  const peaks = new Map<string, number>();
  for (const { pid, name } of stackProcesses()) {
    if (isShared(name)) continue;
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readText(`/proc/${pid}/status`))?.[1];
    if (kb !== undefined) peaks.set(name, Math.max(peaks.get(name) ?? 0, Number(kb) / 1024));
  }
  return peaks;
}
