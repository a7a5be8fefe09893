/**
 * Draws a V8 CPU profile as a flame graph (flame-graph.ts):
 *
 *   node tools/run-ts.js tools/profiling/draw-flame-graph.ts <profile.cpuprofile> <out.svg> [--title "transfer, S2B at 40/s"]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type CpuProfile, framesOf, renderSvg } from './flame-graph';

const [input, output] = process.argv.slice(3);
if (!input || !output || input.startsWith('--') || output.startsWith('--')) {
  console.error('usage: node tools/run-ts.js tools/profiling/draw-flame-graph.ts <profile.cpuprofile> <out.svg> [--title "…"]');
  process.exit(2);
}
const titleAt = process.argv.indexOf('--title');
const title = titleAt > 0 ? (process.argv[titleAt + 1] ?? input) : input;
writeFileSync(output, renderSvg(framesOf(JSON.parse(readFileSync(input, 'utf8')) as CpuProfile), title));
console.log(`${output} written`);
