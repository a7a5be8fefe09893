import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { pemOf, readPrivateKey, readPublicKey, type SigningIdentity, type TrustedIssuer } from './bearer-tokens';
import { CALLER_ROLES, type CallerRole } from './roles';

/**
 * Whom a process believes and, if it calls other services, who it is (docs/design.md "Secrets"):
 *
 * - `AUTH_TRUST_FILE` (every service): a YAML trust list, per issuer its public key (SPKI PEM) and the roles
 *   it may assert. Public keys are no secret: in Kubernetes a ConfigMap; `npm start` writes one per start.
 * - `AUTH_SIGNING_KEY` (the services that call another: the saga, each bank adapter): this process's own
 *   private key (PKCS#8 PEM; `\n` escapes are accepted for environments that cannot hold newlines). Its
 *   issuer name is the service's name, which the trust list must carry with the role the service asserts.
 *
 * There are no development defaults in any mode: a built-in key would be a key everyone holds.
 */
export interface AuthSettings {
  trustedIssuers: TrustedIssuer[];
  signingKey?: SigningIdentity['privateKey'];
}

export class AuthSettingsError extends Error {}

const trustFileSchema = z
  .object({
    issuers: z
      .array(
        z
          .object({
            issuer: z.string().min(1),
            roles: z.array(z.enum(CALLER_ROLES as [CallerRole, ...CallerRole[]])).min(1),
            publicKey: z.string().min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export function readAuthSettings(env: NodeJS.ProcessEnv = process.env): AuthSettings {
  const trustFile = env.AUTH_TRUST_FILE;
  if (!trustFile) throw new AuthSettingsError('AUTH_TRUST_FILE must name the trust list (issuers, their public keys and roles)');
  let text: string;
  try {
    text = readFileSync(trustFile, 'utf8');
  } catch (e) {
    throw new AuthSettingsError(`cannot read AUTH_TRUST_FILE ${trustFile}: ${(e as Error).message}`);
  }
  const signingPem = env.AUTH_SIGNING_KEY?.replace(/\\n/g, '\n');
  return {
    trustedIssuers: parseTrustList(text, trustFile),
    signingKey: signingPem ? readPrivateKey(signingPem, 'AUTH_SIGNING_KEY') : undefined,
  };
}

/** The identity a calling service signs with; refuses to start without its key rather than fail every call. */
export function signingIdentity(settings: AuthSettings, issuer: string): SigningIdentity {
  if (!settings.signingKey) throw new AuthSettingsError(`${issuer} calls other services: AUTH_SIGNING_KEY must hold its private key`);
  return { issuer, privateKey: settings.signingKey };
}

export function parseTrustList(text: string, source: string): TrustedIssuer[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new AuthSettingsError(`trust list ${source} is not YAML: ${(e as Error).message}`);
  }
  const parsed = trustFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new AuthSettingsError(`invalid trust list ${source}:\n${lines.join('\n')}`);
  }
  return parsed.data.issuers.map((entry) => ({
    issuer: entry.issuer,
    roles: entry.roles,
    publicKey: readPublicKey(entry.publicKey, `the public key of issuer ${entry.issuer} in ${source}`),
  }));
}

/** The YAML `parseTrustList` reads (the local stack writes its trust list with it). */
export function trustListText(issuers: readonly TrustedIssuer[]): string {
  return stringify({ issuers: issuers.map((i) => ({ issuer: i.issuer, roles: [...i.roles], publicKey: pemOf(i.publicKey) })) });
}
