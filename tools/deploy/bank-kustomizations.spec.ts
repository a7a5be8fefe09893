import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadCustodyConfig } from '@custody/service-kit';
import { bankKustomizations } from './bank-kustomizations';

const CONFIG = `
broker: { instId: "10000001", name: Demo Securities }
fourEyesThreshold: "80000.00"
banks:
  - { code: "1021000", name: Bank A, lead: true, host: a.example, port: 1, exchangeKey: env:BANK_A_KEY, summaryAccount: "1" }
  - { code: "1051000", name: Bank B, host: b.example, port: 2, exchangeKey: env:BANK_B_KEY, summaryAccount: "2" }
`;

describe('the bank adapters generated from an overlay\'s bank list', () => {
  const files = bankKustomizations(CONFIG, '../../../../bank-adapter');

  it('one kustomization per bank, listed in banks/, nothing else', () => {
    expect(Object.keys(files).sort()).toEqual(['banks/1021000/custody.yaml', 'banks/1021000/kustomization.yaml', 'banks/1051000/custody.yaml', 'banks/1051000/kustomization.yaml', 'banks/kustomization.yaml']);
    expect(parse(files['banks/kustomization.yaml']).resources).toEqual(['1021000', '1051000']);
  });

  it('a bank\'s adapter is named for it, has BANK_CODE, and its keys from its own Secret under the variable its exchangeKey names', () => {
    const kustomization = parse(files['banks/1051000/kustomization.yaml']);
    expect(kustomization.nameSuffix).toBe('-1051000');
    expect(kustomization.labels).toEqual([{ pairs: { 'custody.io/bank': '1051000' }, includeSelectors: true }]);
    const env = parse(kustomization.patches[0].patch).spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'BANK_CODE', value: '1051000' },
      { name: 'BANK_B_KEY', valueFrom: { secretKeyRef: { name: 'bank-adapter-1051000', key: 'exchange-key' } } },
      { name: 'AUTH_SIGNING_KEY', valueFrom: { secretKeyRef: { name: 'bank-adapter-1051000', key: 'auth-signing-key' } } },
    ]);
  });

  it('a bank\'s own configuration is the broker\'s with that bank only, and the adapter loads it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bank-config-')), 'custody.yaml');
    writeFileSync(path, files['banks/1051000/custody.yaml']);
    const config = loadCustodyConfig(path);
    expect(config.banks.map((bank) => bank.code)).toEqual(['1051000']);
    expect(config.broker.instId).toBe('10000001');
    expect(config.fourEyesThreshold.toString()).toBe('80000.00');
  });

  it('an exchange key written into the configuration is refused: it would be a secret in a ConfigMap', () => {
    const inline = CONFIG.replace('env:BANK_B_KEY', '00112233445566778899AABBCCDDEEFF');
    expect(() => bankKustomizations(inline, '../bank-adapter')).toThrow('bank 1051000: exchangeKey must be env:NAME');
  });

  it('a configuration the services would refuse is refused here too', () => {
    expect(() => bankKustomizations(CONFIG.replace('"1051000"', '"1021000"'), '../bank-adapter')).toThrow('duplicate bank code 1021000');
  });
});
