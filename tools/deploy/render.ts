import { join } from 'node:path';
import { DEPLOY_DIR, overlayNames, writeBanks } from './overlays';

/** `npm run deploy:render`: every overlay's bank adapters, from its custody.yaml (tools/deploy/bank-kustomizations.ts). */
for (const overlay of overlayNames()) {
  const written = writeBanks(join(DEPLOY_DIR, 'overlays', overlay));
  console.log(`deploy/overlays/${overlay}: ${written.length} files under banks/`);
}
