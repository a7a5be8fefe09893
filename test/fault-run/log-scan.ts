import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ClearPin, formatZeroPinBlock } from '@custody/bank-protocol';
import type { PoolMember } from './transfer-pool';

/**
 * Issue 11 "Logs": a whole run's logs hold none of its fixtures' secrets, and what is logged while a message is
 * handled can be found by its trace and its flow. Pure rules here (unit-tested in log-scan.spec.ts); the fault run
 * feeds them every line of its stack's logs.
 */
export interface Secret {
  /** What it is, for the finding (the value itself is not repeated there). */
  readonly kind: string;
  readonly value: string;
}

export interface LogScanFindings {
  readonly lines: number;
  /** `file:line holds <kind>`, one per secret found. */
  readonly leaks: string[];
  /** Lines logged while a bank call or a message was handled that lack the `trace_id` or `correlationId` they must carry. */
  readonly untraced: string[];
  /** How many lines were held to that: a run that logged none checked nothing. */
  readonly handlerLines: number;
}

/**
 * What the bank adapter's call handler logs, inside the consumer span of the call's message: each names the call
 * (`callId`). Which of them a run writes depends on its faults (a lost reply, a redelivery).
 */
const HANDLER_LINES = [/^bank call /, /^redelivered call /, /^completion record /];

/**
 * What every service's consumer logs about one message outside its handler (a redelivery skipped, a failed attempt,
 * a dead letter): each names the message (`messageId`) and must name its flow. Its trace id only when the message
 * came with one: a message published outside any trace (a timer's) gets its trace in its handler's span.
 */
const CONSUMER_LINES = [/^duplicate delivery skipped/, /^attempt failed/, /^MESSAGE STALLED/, /^MESSAGE DEAD-LETTERED/];

const alphanumeric = (c: string | undefined): boolean => c !== undefined && /[0-9A-Za-z]/.test(c);
const digit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Whether `secret` appears in `line` as itself. A secret of letters and digits (a password, an ID number, a PIN
 * block in hex) counts only where it is not part of a longer word or number — a 6-digit password is in many a
 * trace id, offset or amount by chance: not inside letters or digits, not as a JSON number (`:135790,`, a count or
 * an offset), not as a side of a decimal (`135790.00`). A name (any other text) counts wherever it appears.
 */
export function holdsSecret(line: string, secret: string): boolean {
  if (secret === '') return false;
  const word = /^[0-9A-Za-z]+$/.test(secret);
  for (let at = line.indexOf(secret); at >= 0; at = line.indexOf(secret, at + 1)) {
    if (!word) return true;
    const before = line[at - 1];
    const after = line[at + secret.length];
    if (alphanumeric(before) || alphanumeric(after)) continue;
    if ((before === ':' || before === ',' || before === '[') && (after === ',' || after === '}' || after === ']')) continue;
    if ((after === '.' && digit(line[at + secret.length + 1])) || (before === '.' && digit(line[at - 2]))) continue;
    return true;
  }
  return false;
}

export class LogScan {
  private lines = 0;
  private handlerLines = 0;
  private readonly leaks: string[] = [];
  private readonly untraced: string[] = [];

  constructor(private readonly secrets: readonly Secret[]) {}

  line(where: string, text: string): void {
    this.lines += 1;
    for (const secret of this.secrets) if (holdsSecret(text, secret.value)) this.leaks.push(`${where} holds ${secret.kind}`);
    const entry = parsed(text);
    if (!entry || typeof entry.msg !== 'string') return;
    const msg = entry.msg;
    if (typeof entry.callId === 'string' && HANDLER_LINES.some((pattern) => pattern.test(msg))) this.want(where, entry, msg, ['trace_id', 'correlationId']);
    else if (typeof entry.messageId === 'string' && CONSUMER_LINES.some((pattern) => pattern.test(msg))) this.want(where, entry, msg, ['correlationId']);
  }

  private want(where: string, entry: Record<string, unknown>, msg: string, fields: string[]): void {
    this.handlerLines += 1;
    const missing = fields.filter((field) => typeof entry[field] !== 'string' || entry[field] === '');
    if (missing.length > 0) this.untraced.push(`${where} "${msg}" lacks ${missing.join(' and ')}`);
  }

  findings(): LogScanFindings {
    return { lines: this.lines, leaks: [...this.leaks], untraced: [...this.untraced], handlerLines: this.handlerLines };
  }
}

function parsed(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Every line of every `*.log` in `dir` (the stack's services, one file each), streamed: a run's logs are large. */
export async function scanLogDirectory(dir: string, secrets: readonly Secret[]): Promise<LogScanFindings> {
  const scan = new LogScan(secrets);
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.log')).sort()) {
    let n = 0;
    for await (const text of createInterface({ input: createReadStream(join(dir, file), 'utf8'), crlfDelay: Infinity })) {
      n += 1;
      scan.line(`${file}:${n}`, text);
    }
  }
  return scan.findings();
}

/**
 * What the run's fixtures hold that no log may: every customer's name and ID number, every bank and fund password
 * used, and the clear format-0 PIN blocks of those passwords on their accounts (the encrypted ones are under session
 * keys the run does not know).
 */
export function fixtureSecrets(members: readonly PoolMember[], fundPasswords: readonly string[]): Secret[] {
  const pinBlock = (pin: string, accountNo: string): string => formatZeroPinBlock(ClearPin.of(pin), accountNo).toString('hex').toUpperCase();
  const secrets = members.flatMap((m): Secret[] => [
    { kind: 'a customer name', value: m.customer.name },
    { kind: 'an ID number', value: m.customer.idNumber },
    { kind: 'a bank password', value: m.bankPassword },
    { kind: 'a bank password PIN block', value: pinBlock(m.bankPassword, m.bankAccountNo) },
    ...fundPasswords.map((pin) => ({ kind: 'a fund password PIN block', value: pinBlock(pin, m.fundAccountNo) })),
  ]);
  secrets.push(...fundPasswords.map((value) => ({ kind: 'a fund password', value })));
  const unique = new Map(secrets.map((s) => [s.value, s]));
  return [...unique.values()];
}
