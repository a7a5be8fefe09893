import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * A fund password (资金密码) is a 6-digit PIN: the customer types it on a bank's PIN pad or our trading app,
 * and the PIN block that carries it holds digits only (ISO 9564 format 0).
 */
export const FUND_PASSWORD_PATTERN = /^\d{6}$/;

/** Consecutive wrong passwords after which the fund password is locked until it is set again. */
export const FUND_PASSWORD_MAX_FAILURES = 5;

/**
 * scrypt cost: N = 2^15, r = 8, p = 1 (the OWASP floor for scrypt), 32 MiB and ~100 ms per hash on one core
 * here. A 6-digit PIN has only 10^6 values, so no hash makes a stolen table safe on its own; this cost turns
 * each customer's PIN into hours of CPU instead of a second, and the online lockout (five tries) is what
 * really protects it. The parameters are stored with each hash, so they can be raised without a migration.
 */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const SCHEME = 'scrypt';

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  // Node refuses by default above 32 MiB, exactly what N=2^15, r=8 needs (128·N·r bytes): allow twice that.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => scrypt(password, salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$salt$hash` (base64): self-describing, so old hashes still verify after the cost rises. */
export async function hashFundPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return [SCHEME, COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time comparison of the derived key; a stored value we cannot read never matches. */
export async function fundPasswordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltText, keyText] = stored.split('$');
  if (scheme !== SCHEME || !saltText || !keyText) return false;
  const expected = Buffer.from(keyText, 'base64');
  const key = await derive(password, Buffer.from(saltText, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
