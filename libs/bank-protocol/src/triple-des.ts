import { createCipheriv, createDecipheriv } from 'node:crypto';
import { KeyMaterialError } from './protocol-errors';

/** Profile §2: `Enc` 02 is 2-key triple DES (K1, K2, K1) in ECB mode, no padding. */
export const TRIPLE_DES_KEY_BYTES = 16;
const BLOCK_BYTES = 8;

function run(kind: 'encrypt' | 'decrypt', key: Buffer, data: Buffer): Buffer {
  if (key.length !== TRIPLE_DES_KEY_BYTES) throw new KeyMaterialError(`a 2-key 3DES key has ${TRIPLE_DES_KEY_BYTES} bytes`);
  if (data.length === 0 || data.length % BLOCK_BYTES !== 0) throw new KeyMaterialError('3DES-ECB data must be whole 8-byte blocks');
  const cipher = kind === 'encrypt' ? createCipheriv('des-ede-ecb', key, null) : createDecipheriv('des-ede-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

export function tripleDesEcbEncrypt(key: Buffer, data: Buffer): Buffer {
  return run('encrypt', key, data);
}

export function tripleDesEcbDecrypt(key: Buffer, data: Buffer): Buffer {
  return run('decrypt', key, data);
}
