import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { bankKustomizations, type GeneratedFiles } from './bank-kustomizations';

/** The deploy/ tree of this repository (or of a copy a test changes). */
export const DEPLOY_DIR = resolve(__dirname, '../../deploy');

export function overlayNames(deployDir = DEPLOY_DIR): string[] {
  return readdirSync(join(deployDir, 'overlays')).filter((name) => statSync(join(deployDir, 'overlays', name)).isDirectory()).sort();
}

/** What `npm run deploy:render` writes into an overlay: its banks/, from its custody.yaml. */
export function generatedBanks(overlayDir: string, deployDir = DEPLOY_DIR): GeneratedFiles {
  // As a bank's kustomization (banks/<code>/) names the template: every bank directory is as deep.
  const template = relative(join(overlayDir, 'banks', '<code>'), join(deployDir, 'bank-adapter'));
  return bankKustomizations(readFileSync(join(overlayDir, 'custody.yaml'), 'utf8'), template);
}

/** The files now under an overlay's banks/, as {@link generatedBanks} names them. */
export function committedBanks(overlayDir: string): GeneratedFiles {
  const files: GeneratedFiles = {};
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(overlayDir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(join(overlayDir, 'banks'));
  return files;
}

/** Replaces an overlay's banks/ with what its configuration yields (a bank removed from it loses its directory). */
export function writeBanks(overlayDir: string, deployDir = DEPLOY_DIR): string[] {
  const files = generatedBanks(overlayDir, deployDir);
  rmSync(join(overlayDir, 'banks'), { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(overlayDir, path)), { recursive: true });
    writeFileSync(join(overlayDir, path), content);
  }
  return Object.keys(files);
}
