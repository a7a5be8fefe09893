import { readFileSync } from 'node:fs';

/** One instruction of a Dockerfile: `COPY --from=deps /app/node_modules ./node_modules` → COPY, its flags and arguments. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  args: string[];
  /** The text after the keyword and its flags, continuation lines joined. */
  text: string;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/**
 * The stages of a Dockerfile, enough to check what it builds without a container engine (none runs on these
 * machines): comments dropped, continuation lines joined, `--flag=value` options parsed.
 */
export function parseDockerfile(path: string): Stage[] {
  const lines = readFileSync(path, 'utf8').replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword, ...rest] = line.split(/\s+/);
    const flags: Record<string, string> = {};
    while (rest[0]?.startsWith('--')) {
      const [flag, value = ''] = rest.shift()!.slice(2).split('=');
      flags[flag] = value;
    }
    const instruction = { keyword: keyword.toUpperCase(), flags, args: rest, text: rest.join(' ') };
    if (instruction.keyword === 'FROM') stages.push({ from: rest[0], name: rest[2] ?? String(stages.length), instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}
