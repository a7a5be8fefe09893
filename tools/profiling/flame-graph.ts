/**
 * A V8 CPU profile (`node --cpu-prof`, or `CUSTODY_CPU_PROF_DIR=dir npm start`) drawn as a flame graph in one
 * self-contained SVG, for docs/benchmarks.md (issue 9); draw-flame-graph.ts is the command. Width is time on the
 * CPU (idle left out), each box a function in its call path, the root at the bottom. Colours say whose code it is:
 * ours (apps/, libs/), a dependency (node_modules), Node itself, or native (a syscall, GC). Frames narrower than
 * 0.1 % of the width are left out, so a graph stays a few hundred kilobytes.
 *
 * V8 samples the thread, not the CPU: a syscall that is descheduled (a socket write that wakes PostgreSQL on the
 * same core) counts for as long as it waits. Read the native boxes with that in mind; /proc's CPU seconds (the
 * benchmark's table) are the measure.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A function in its call path with the time spent in it and below it (µs). */
export interface Frame {
  name: string;
  kind: 'ours' | 'dependency' | 'node' | 'native';
  totalUs: number;
  children: Frame[];
}

const LEFT_OUT = new Set(['(idle)', '(root)']);

/** The call tree with each frame's total time; `(idle)` is not time on the CPU and is left out. */
export function framesOf(profile: CpuProfile): Frame {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const childIds = new Set(profile.nodes.flatMap((node) => node.children ?? []));
  const root = profile.nodes.find((node) => !childIds.has(node.id));
  if (!root) throw new Error('the profile has no root node');

  const build = (node: ProfileNode): Frame => {
    const children = (node.children ?? [])
      .map((id) => byId.get(id)!)
      .filter((child) => child.callFrame.functionName !== '(idle)')
      .map(build)
      .filter((child) => child.totalUs > 0)
      .sort((a, b) => a.name.localeCompare(b.name));
    const own = node.callFrame.functionName === '(idle)' ? 0 : (selfUs.get(node.id) ?? 0);
    return { name: nameOf(node), kind: kindOf(node.callFrame.url), totalUs: own + children.reduce((sum, c) => sum + c.totalUs, 0), children };
  };
  return { ...build(root), name: 'all' };
}

function nameOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = functionName || '(anonymous)';
  if (!url || LEFT_OUT.has(fn)) return fn;
  const where = url.includes('node_modules/')
    ? url.slice(url.lastIndexOf('node_modules/') + 'node_modules/'.length)
    : url.replace(/^file:\/\/.*?\/(apps|libs|tools|bench)\//, '$1/');
  return `${fn} ${where}:${lineNumber + 1}`;
}

function kindOf(url: string): Frame['kind'] {
  if (!url) return 'native';
  if (url.startsWith('node:')) return 'node';
  if (url.includes('node_modules/')) return 'dependency';
  return 'ours';
}

const COLOURS: Record<Frame['kind'], [number, number]> = { ours: [24, 90], dependency: [205, 60], node: [120, 35], native: [0, 65] };
const WIDTH = 1200;
const ROW = 16;
const MIN_FRACTION = 0.001;

/** The SVG of `root`: one rectangle and, where it fits, one label per frame at least 0.1 % wide. */
export function renderSvg(root: Frame, title: string): string {
  const shown = (frame: Frame): boolean => frame.totalUs / root.totalUs >= MIN_FRACTION;
  const depthOf = (frame: Frame): number => 1 + Math.max(0, ...frame.children.filter(shown).map(depthOf));
  const height = depthOf(root) * ROW + 28;
  const boxes: string[] = [];
  // The root sits on the bottom row, callees above their callers.
  const place = (frame: Frame, x: number, level: number): void => {
    if (!shown(frame)) return;
    boxes.push(box(frame, x, height - (level + 1) * ROW, (frame.totalUs / root.totalUs) * WIDTH, root.totalUs));
    let childX = x;
    for (const child of frame.children) {
      place(child, childX, level + 1);
      childX += (child.totalUs / root.totalUs) * WIDTH;
    }
  };
  place(root, 0, 0);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="monospace" font-size="11">`,
    `<text x="4" y="16" font-size="14">${escape(title)} — ${(root.totalUs / 1e6).toFixed(1)} s on the CPU (hover a box for its share)</text>`,
    ...boxes,
    '</svg>',
  ].join('\n');
}

function box(frame: Frame, x: number, y: number, width: number, totalUs: number): string {
  const [hue, saturation] = COLOURS[frame.kind];
  const lightness = 55 + (hash(frame.name) % 20);
  const share = ((100 * frame.totalUs) / totalUs).toFixed(2);
  const label = width > 40 ? `<text x="${(x + 3).toFixed(1)}" y="${y + 12}">${escape(clip(frame.name, width))}</text>` : '';
  return (
    `<g><title>${escape(frame.name)}: ${share} %</title>` +
    `<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(width - 0.5, 0.5).toFixed(1)}" height="${ROW - 1}" fill="hsl(${hue},${saturation}%,${lightness}%)"/>` +
    `${label}</g>`
  );
}

function clip(text: string, width: number): string {
  const fits = Math.floor((width - 6) / 6.6);
  return text.length <= fits ? text : `${text.slice(0, Math.max(fits - 1, 0))}…`;
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}

function escape(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
