import { TestContext, type Designated } from './support/test-context';

/**
 * docs/design.md "Metrics": every service answers `GET /metrics` on its own HTTP port, without a token, in Prometheus's
 * text format, with the process's metrics and the names and labels the deployment's alerts read (deploy/README.md).
 */
jest.setTimeout(90_000);

const ctx = new TestContext();

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus's text exposition format, as far as prom-client writes it: `name{label="value",…} number`. */
function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

interface Scrape {
  text: string;
  samples: Sample[];
}

async function scrape(service: string): Promise<Scrape> {
  const url = ctx.info.services[service];
  if (!url) throw new Error(`the stack has no service ${service}`);
  // No bearer token: a scraper holds none.
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await response.text();
  return { text, samples: parseSamples(text) };
}

function find(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return scrape.samples.filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
}

const DATABASE_SERVICES = { account: 'account', transfer: 'transfer', saga: 'saga', reconciliation: 'reconciliation' } as const;
const adapterOf = (bankCode: string) => `bank-adapter-${bankCode}`;

describe('GET /metrics on every service', () => {
  let d: Designated;
  let scrapes: Record<string, Scrape>;

  beforeAll(async () => {
    d = await ctx.newDesignation(ctx.bankCodes[0], '5000.00');
    const deposit = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '100.00', bankPassword: d.bankPassword });
    expect(deposit.body).toMatchObject({ status: 'SUCCEEDED' });
    const withdrawal = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '40.00' });
    expect(withdrawal.body).toMatchObject({ status: 'SUCCEEDED' });
    const services = [...Object.keys(DATABASE_SERVICES), ...ctx.bankCodes.map(adapterOf)];
    scrapes = Object.fromEntries(await Promise.all(services.map(async (service) => [service, await scrape(service)] as const)));
  });

  it('every service: process metrics labelled with the service (an adapter also with its bank), and the messaging metrics', () => {
    for (const [service, schema] of Object.entries(DATABASE_SERVICES)) {
      const s = scrapes[service];
      expect(find(s, 'process_cpu_user_seconds_total', { service })).toHaveLength(1);
      expect(find(s, 'nodejs_eventloop_lag_p99_seconds', { service })).toHaveLength(1);
      expect(find(s, 'process_resident_memory_bytes', { service })[0]?.value).toBeGreaterThan(0);
      expect(find(s, 'custody_outbox_unpublished', { service, schema })).toHaveLength(1);
      expect(find(s, 'custody_outbox_oldest_unpublished_age_seconds', { service, schema })[0]?.value).toBeGreaterThanOrEqual(0);
      // Declared where no message was dead-lettered yet: the counter has no series, its name is there for the alert.
      expect(s.text).toContain('# TYPE custody_dead_letters_total counter');
      expect(s.text).toContain('# TYPE custody_consumer_lag gauge');
    }
    for (const bank of ctx.bankCodes) {
      const s = scrapes[adapterOf(bank)];
      expect(find(s, 'process_cpu_user_seconds_total', { service: 'bank-adapter', bank })).toHaveLength(1);
      expect(find(s, 'custody_outbox_unpublished', { bank, schema: 'bank_adapter' })).toHaveLength(1);
      expect(s.text).toContain('# TYPE custody_dead_letters_total counter');
    }
  });

  it('transfer: the withdrawal counted with its bank, type, initiator and outcome, its duration observed; the UNKNOWN gauges per bank', () => {
    const s = scrapes.transfer;
    const labels = { bank: d.bankCode, type: 'SECURITIES_TO_BANK', initiator: 'SECURITIES', outcome: 'SUCCEEDED' };
    expect(find(s, 'custody_transfers_total', labels)[0]?.value).toBeGreaterThanOrEqual(1);
    expect(find(s, 'custody_transfer_duration_seconds_count', labels)[0]?.value).toBeGreaterThanOrEqual(1);
    expect(find(s, 'custody_transfer_duration_seconds_sum', labels)[0]?.value).toBeGreaterThan(0);
    expect(find(s, 'custody_transfer_duration_seconds_bucket', { ...labels, le: '+Inf' })).toHaveLength(1);
    for (const bank of ctx.bankCodes) {
      expect(find(s, 'custody_transfers_unknown', { bank })[0]?.value).toBeGreaterThanOrEqual(0);
      expect(find(s, 'custody_transfers_unknown_oldest_age_seconds', { bank })[0]?.value).toBeGreaterThanOrEqual(0);
    }
    // The transfer service consumed the saga's verdicts: its lag is reported per topic it reads.
    expect(find(s, 'custody_consumer_lag').length).toBeGreaterThan(0);
    for (const lag of find(s, 'custody_consumer_lag')) expect(lag.labels.topic).toMatch(/custody\./);
  });

  it("saga: each bank's day has exactly one current phase, and the first bank's is OPEN", () => {
    const s = scrapes.saga;
    for (const bank of ctx.bankCodes) {
      const phases = find(s, 'custody_day_phase', { bank });
      expect(phases.filter((p) => p.value === 1)).toHaveLength(1);
      expect(phases.every((p) => p.value === 0 || p.value === 1)).toBe(true);
    }
    expect(find(s, 'custody_day_phase', { bank: d.bankCode, phase: 'OPEN' })[0]?.value).toBe(1);
  });

  it('adapters: the breaker closed, a session up, the count of the bank\'s requests shed, and the withdrawal (12002) timed as a bank call answered with success', () => {
    for (const bank of ctx.bankCodes) {
      const s = scrapes[adapterOf(bank)];
      expect(find(s, 'custody_bank_breaker_state', { bank })[0]?.value).toBe(0);
      const up = find(s, 'custody_bank_sessions', { bank, state: 'up' })[0]?.value ?? 0;
      expect(up).toBeGreaterThanOrEqual(1);
      expect(find(s, 'custody_bank_sessions', { bank, state: 'total' })[0]?.value).toBeGreaterThanOrEqual(up);
      expect(find(s, 'custody_bank_requests_shed_total', { bank })).toHaveLength(1);
    }
    const s = scrapes[adapterOf(d.bankCode)];
    expect(find(s, 'custody_bank_call_duration_seconds_count', { bank: d.bankCode, function: '12002', outcome: 'success' })[0]?.value).toBeGreaterThanOrEqual(1);
  });

  it('domain.md §14: no label names an account, a customer or a password', () => {
    const labelValues = Object.values(scrapes).flatMap((s) => s.samples.flatMap((sample) => Object.values(sample.labels)));
    for (const personal of [d.fundAccountNo, d.bankAccountNo, d.customerNo, d.custodyAccountNo, d.bankPassword]) {
      expect(labelValues.filter((value) => value.includes(personal))).toEqual([]);
    }
  });
});
