import { relative } from 'node:path';
import { buildApp } from './build-app';

/** An app's Nx `build` target: `node tools/run-ts.js tools/build/build.ts <app>` (run-ts.js is argv[1], this file argv[2]). */
const app = process.argv[3];
if (!app) {
  console.error('usage: node tools/run-ts.js tools/build/build.ts <app>');
  process.exit(2);
}
const { outDir, files } = buildApp(app);
console.log(`${app}: ${files.length} files compiled → ${relative(process.cwd(), outDir)}/main.js`);
