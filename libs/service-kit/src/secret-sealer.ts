import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedSecret } from '@custody/contracts';

/**
 * Seals passwords and ID numbers (AES-256-GCM) at the HTTP edge so they cross Kafka and rest in
 * tables unreadable; only the process that builds or checks a PIN block (or must show the value to a
 * bank) opens them. Domain rule: domain.md §3 "Passwords … never stored or logged in clear", §14.
 */
export class SecretSealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('sealing key must be 32 bytes');
  }

  seal(clear: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return { sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
  }

  open(secret: SealedSecret): string {
    const raw = Buffer.from(secret.sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
