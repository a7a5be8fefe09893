import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { Money } from '@custody/money';

/** spec/api.md "Configuration (fixed keys)". Unknown keys are refused so that a typo never goes unnoticed. */
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
/** A window's end may be `24:00`, the end of the day (the end is exclusive). */
const hhmmEnd = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected HH:MM or 24:00');

const secretRef = z
  .string()
  .regex(/^(env:[A-Z_][A-Z0-9_]*|[0-9A-Fa-f]{32})$/, 'expected 32 hex characters or env:NAME');

export const bankConfigSchema = z
  .object({
    code: z.string().regex(/^\d{7}$/, 'a bank code is the 7-digit bank InstId (JR/T 0046 §7.24)'),
    name: z.string().min(1),
    lead: z.boolean().default(false),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    sessions: z.number().int().min(1).max(64).default(2),
    maxInFlightPerSession: z.number().int().min(1).max(1000).default(8),
    checksum: z.enum(['SUM256', 'HMAC-SM3']).default('SUM256'),
    exchangeKey: secretRef,
    requestTimeoutMs: z.number().int().positive().default(30_000),
    replyDeadlineMs: z.number().int().positive().default(20_000),
    interestComputedBy: z.enum(['BROKER', 'BANK']).default('BANK'),
    acceptsSecuritiesToBankReversal: z.boolean().default(false),
    transferWindow: z.object({ start: hhmm, end: hhmmEnd }).default({ start: '09:00', end: '16:00' }),
    summaryAccount: z.string().min(1),
    simulate: z.boolean().default(false),
  })
  .strict();

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a date');

export const custodyConfigSchema = z
  .object({
    broker: z.object({ instId: z.string().regex(/^\d{8}$/, 'the broker InstId is the 8-digit CSDC member code'), name: z.string().min(1) }).strict(),
    banks: z.array(bankConfigSchema).min(1),
    /** Adjustments over this amount need a second approver, a supervisor (api.md "Clearing and the day"). */
    fourEyesThreshold: z
      .string()
      .regex(/^\d{1,16}(\.\d{1,2})?$/, 'expected a decimal amount, e.g. "50000.00"')
      .default('50000.00')
      .transform((amount) => Money.parse(amount, 'non-negative')),
    /** How long the broker waits for a bank's B_DIF04 before the bank's day counts as reconciled (bank-protocol.md §7 step 7). */
    dif04WaitMs: z.number().int().nonnegative().default(600_000),
    /** Weekdays that are no business days; the date switch skips them and weekends. */
    holidays: z.array(isoDate).default([]),
    /**
     * F-12.3: a pre-designated relationship whose fund ledger is zero and saw no activity (movement, account
     * function) for this many days is marked DORMANT by an operator's marking (docs/design.md "Customer conversion").
     */
    dormantAfterDays: z.number().int().nonnegative().max(36_500).default(365),
  })
  .strict()
  .superRefine((config, ctx) => {
    const codes = new Set<string>();
    config.banks.forEach((bank, i) => {
      if (codes.has(bank.code)) ctx.addIssue({ code: 'custom', path: ['banks', i, 'code'], message: `duplicate bank code ${bank.code}` });
      codes.add(bank.code);
    });
    if (config.banks.filter((b) => b.lead).length > 1) ctx.addIssue({ code: 'custom', path: ['banks'], message: 'at most one lead bank' });
  });

export type BankConfig = z.infer<typeof bankConfigSchema>;
export type CustodyConfig = z.infer<typeof custodyConfigSchema>;

export class ConfigError extends Error {}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CUSTODY_CONFIG ?? 'config/custody.local.yaml');
}

export function loadCustodyConfig(path = configPath()): CustodyConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read custody configuration ${path}: ${(e as Error).message}`);
  }
  const parsed = custodyConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid custody configuration ${path}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Resolves `env:NAME` references so that secrets live in the environment, not in the YAML. */
export function resolveSecret(ref: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const value = ref.startsWith('env:') ? env[ref.slice(4)] : ref;
  if (!value || !/^[0-9A-Fa-f]{32}$/.test(value)) {
    throw new ConfigError(`secret ${ref.startsWith('env:') ? ref : '(inline)'} is missing or not 32 hex characters`);
  }
  return Buffer.from(value, 'hex');
}

export function findBank(config: CustodyConfig, bankCode: string): BankConfig | undefined {
  return config.banks.find((b) => b.code === bankCode);
}

/** Injection token for the loaded CustodyConfig. */
export const CUSTODY_CONFIG = Symbol('CUSTODY_CONFIG');
