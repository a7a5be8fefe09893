import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadCustodyConfig, resolveSecret } from './custody-config';

function configFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'custody-config-')), 'custody.yaml');
  writeFileSync(path, yaml);
  return path;
}

const bank = (extra = '') => `
  - code: "1021000"
    name: Bank A
    host: 127.0.0.1
    port: 17101
    exchangeKey: env:BANK_A_KEY
    summaryAccount: "1"${extra}`;

describe('custody configuration (api.md fixed keys)', () => {
  it('loads the local stack configuration', () => {
    const config = loadCustodyConfig(resolve(__dirname, '../../../config/custody.local.yaml'));
    expect(config.banks.map((b) => b.code)).toEqual(['1021000', '1051000']);
    expect(config.banks[0]).toMatchObject({ lead: true, checksum: 'SUM256', transferWindow: { start: '00:00', end: '24:00' } });
  });

  it('fills the documented defaults', () => {
    const config = loadCustodyConfig(configFile(`broker: { instId: "10000001", name: B }\nbanks:${bank()}`));
    expect(config.banks[0]).toMatchObject({ sessions: 2, requestTimeoutMs: 30000, replyDeadlineMs: 20000, checksum: 'SUM256', acceptsSecuritiesToBankReversal: false, simulate: false });
  });

  it('the day keys: four-eyes threshold (a Money), DIF04 wait and holidays, with their defaults', () => {
    const defaults = loadCustodyConfig(configFile(`broker: { instId: "10000001", name: B }\nbanks:${bank()}`));
    expect(defaults.fourEyesThreshold.toString()).toBe('50000.00');
    expect(defaults).toMatchObject({ dif04WaitMs: 600_000, holidays: [] });
    const set = loadCustodyConfig(configFile(`broker: { instId: "10000001", name: B }\nfourEyesThreshold: "100000"\ndif04WaitMs: 5000\nholidays: ["2026-10-01"]\nbanks:${bank()}`));
    expect(set.fourEyesThreshold.toString()).toBe('100000.00');
    expect(set).toMatchObject({ dif04WaitMs: 5000, holidays: ['2026-10-01'] });
  });

  it('F-12.3: dormantAfterDays, a whole number of days, a year unless set', () => {
    expect(loadCustodyConfig(configFile(`broker: { instId: "10000001", name: B }\nbanks:${bank()}`)).dormantAfterDays).toBe(365);
    expect(loadCustodyConfig(configFile(`broker: { instId: "10000001", name: B }\ndormantAfterDays: 0\nbanks:${bank()}`)).dormantAfterDays).toBe(0);
  });

  it.each([
    ['a dormancy period that is no whole number of days', 'dormantAfterDays: 1.5', /dormantAfterDays/],
    ['a holiday that is no date', 'holidays: ["2026-02-30"]', /not a date/],
    ['a four-eyes threshold that is no amount', 'fourEyesThreshold: "50k"', /decimal amount/],
  ])('refuses %s', (_, line, message) => {
    expect(() => loadCustodyConfig(configFile(`broker: { instId: "10000001", name: B }\n${line}\nbanks:${bank()}`))).toThrow(message);
  });

  it.each([
    ['an unknown key (a typo is never ignored)', bank('\n    requestTimeout: 5'), /requestTimeout/],
    ['a bank code that is not 7 digits', bank().replace('"1021000"', '"ICBC"'), /7-digit/],
    ['an exchange key that is neither 32 hex nor env:NAME', bank().replace('env:BANK_A_KEY', 'secret'), /32 hex/],
    ['a transfer window end of 24:30', bank('\n    transferWindow: { start: "09:00", end: "24:30" }'), /HH:MM or 24:00/],
    ['the same bank twice', bank() + bank(), /duplicate bank code/],
  ])('refuses %s, naming the key', (_, banks, message) => {
    expect(() => loadCustodyConfig(configFile(`broker: { instId: "10000001", name: B }\nbanks:${banks}`))).toThrow(message);
  });

  it('secrets come from the environment and are checked, without echoing them', () => {
    expect(resolveSecret('env:K', { K: '00112233445566778899AABBCCDDEEFF' })).toHaveLength(16);
    expect(() => resolveSecret('env:K', {})).toThrow(ConfigError);
    expect(() => resolveSecret('env:K', { K: 'not-a-key' })).toThrow(ConfigError);
    expect(() => resolveSecret('env:K', { K: 'not-a-key' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('not-a-key') }));
  });
});
