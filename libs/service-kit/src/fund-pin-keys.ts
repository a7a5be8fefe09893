import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { DEV_ONLY_FUND_PIN_PRIVATE_KEY } from './dev-fund-pin-key';

/**
 * The fund-PIN verifier's key pair (docs/design.md "Secrets"). The account service, which checks fund
 * passwords, holds the private key (`FUND_PIN_PRIVATE_KEY`); the bank adapters and the transfer service,
 * which hand it PIN blocks, hold only the public key (`FUND_PIN_PUBLIC_KEY`). Each is PEM, kept in the
 * process's environment like every other secret (a Kubernetes secret per deployment), so no process is
 * given the half it does not need. Outside production an unset key falls back to the development pair.
 */
export const FUND_PIN_PRIVATE_KEY_ENV = 'FUND_PIN_PRIVATE_KEY';
export const FUND_PIN_PUBLIC_KEY_ENV = 'FUND_PIN_PUBLIC_KEY';

const DEV_PRIVATE_KEY = createPrivateKey(DEV_ONLY_FUND_PIN_PRIVATE_KEY);
const DEV_PUBLIC_DER = createPublicKey(DEV_PRIVATE_KEY).export({ type: 'spki', format: 'der' });

/** A configuration mistake whose message is safe to show (it never quotes the value). */
class FundPinKeyError extends Error {}

/** Environment files often carry a PEM on one line with `\n` escapes. */
function pemFrom(raw: string): string {
  return raw.includes('\\n') ? raw.replace(/\\n/g, '\n') : raw;
}

function isDevKey(publicKey: KeyObject): boolean {
  return publicKey.export({ type: 'spki', format: 'der' }).equals(DEV_PUBLIC_DER);
}

function read<T extends KeyObject>(name: string, env: NodeJS.ProcessEnv, parse: (pem: string) => T, publicHalf: (key: T) => KeyObject, devKey: T): T {
  const production = env.NODE_ENV === 'production';
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (production) throw new FundPinKeyError(`${name} must be set in production (PEM)`);
    return devKey;
  }
  let key: T;
  try {
    key = parse(pemFrom(raw));
  } catch (error) {
    if (error instanceof FundPinKeyError) throw error;
    // The parser's message may quote the value.
    throw new FundPinKeyError(`${name} is not a readable PEM key`);
  }
  if (production && isDevKey(publicHalf(key))) throw new FundPinKeyError(`${name} is the development key, which production refuses`);
  return key;
}

/** The verifier's private key (the account service only). */
export function readFundPinPrivateKey(env: NodeJS.ProcessEnv = process.env): KeyObject {
  return read(FUND_PIN_PRIVATE_KEY_ENV, env, (pem) => createPrivateKey(pem), (key) => createPublicKey(key), DEV_PRIVATE_KEY);
}

/** The verifier's public key (whoever sends it PIN blocks). */
export function readFundPinPublicKey(env: NodeJS.ProcessEnv = process.env): KeyObject {
  const publicOnly = (pem: string) => {
    // createPublicKey would accept a private key too, handing this process the half it must not hold.
    if (pem.includes('PRIVATE KEY')) throw new FundPinKeyError(`${FUND_PIN_PUBLIC_KEY_ENV} holds a private key; this process may hold only the public key`);
    return createPublicKey(pem);
  };
  return read(FUND_PIN_PUBLIC_KEY_ENV, env, publicOnly, (key) => key, createPublicKey(DEV_PRIVATE_KEY));
}
