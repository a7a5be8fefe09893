import { randomUUID } from 'node:crypto';
import { type Chk01Record, matchKeyOf } from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { relationshipRecord, transferRecord } from '../testing/day-file-builders';
import { judgeRecord, judgeUnlistedUnknown } from './judge-break';

const day = { bankCode: '1021000', businessDate: '2026-11-23' };

/** What the comparison does, in memory for a small case: match by key, judge every key either side has. */
function compare(broker: Chk01Record[], bank: Chk01Record[], unknowns = new Map()) {
  const byKey = (records: Chk01Record[]) => new Map(records.map((r) => [matchKeyOf('CHK01', r), r]));
  const [s, b] = [byKey(broker), byKey(bank)];
  return [...new Set([...s.keys(), ...b.keys()])].map((key) => judgeRecord(day, 'CHK01', s.get(key) ?? null, b.get(key) ?? null, unknowns)).filter((j) => j !== null);
}

describe('F-6.2 / bank-protocol.md §5: matching and judging one day’s records', () => {
  it('records match by (initiator, the initiator’s serial); a field never compared (name, times, the other side’s serial, branch) never breaks', () => {
    const broker = transferRecord({ initiator: 'S', brokerSerialNo: 'S1' });
    const bank = { ...broker, customerName: '张三丰', tradeTime: '23:59:59', bankSerialNo: '777', branchId: null };
    expect(compare([broker], [bank])).toEqual([]);
  });

  it('the same serial of the other initiator is another record: B and S break, not X', () => {
    const judged = compare([transferRecord({ initiator: 'S', brokerSerialNo: '42' })], [transferRecord({ initiator: 'B', bankSerialNo: '42' })]);
    expect(judged.map((j) => [j.found.reason, j.found.initiator, j.found.serialNo, j.found.matchKey])).toEqual([
      ['S', 'S', '42', 'S:42'],
      ['B', 'B', '42', 'B:42'],
    ]);
  });

  it('a small day: one of each break, its differing fields in layout order and both records, for the API', () => {
    const same = transferRecord({ initiator: 'S', brokerSerialNo: 'S1' });
    const differs = transferRecord({ initiator: 'B', bankSerialNo: 'B2', amount: Money.parse('5.00') });
    const judged = compare(
      [same, differs, transferRecord({ initiator: 'S', brokerSerialNo: 'S3' })],
      [same, { ...differs, amount: Money.parse('6.00'), bankAccountNo: '6222111' }, transferRecord({ initiator: 'B', bankSerialNo: 'B4' })],
    );
    expect(judged.map((j) => ({ reason: j.found.reason, key: j.found.matchKey, fields: j.found.differingFields, kind: j.proposal.kind, inFiles: j.found.inFiles }))).toEqual([
      { reason: 'X', key: 'B:B2', fields: ['bankAccountNo', 'amount'], kind: 'MANUAL', inFiles: true },
      { reason: 'S', key: 'S:S3', fields: [], kind: 'DEBIT', inFiles: true },
      { reason: 'B', key: 'B:B4', fields: [], kind: 'CREDIT', inFiles: true },
    ]);
    expect(judged[0].found).toMatchObject({ broker: { amount: '5.00' }, bank: { amount: '6.00', bankAccountNo: '6222111' }, stage: 'DETAIL', file: 'CHK01' });
  });

  it('a record the bank lists that the broker holds UNKNOWN resolves it; an UNKNOWN the bank does not list is a break of no file record', () => {
    const record = transferRecord({ initiator: 'S', brokerSerialNo: 'S9', functionCode: '12002' });
    const unknown = { transferId: randomUUID(), record };
    const [listed] = compare([], [record], new Map([[matchKeyOf('CHK01', record), unknown]]));
    expect({ reason: listed.found.reason, kind: listed.proposal.kind, resolveTo: listed.proposal.resolveTo, transferId: listed.proposal.transferId }).toEqual({ reason: 'B', kind: 'RESOLVE_UNKNOWN', resolveTo: 'SUCCEEDED', transferId: unknown.transferId });
    const unlisted = judgeUnlistedUnknown(day, unknown);
    expect({ reason: unlisted.found.reason, inFiles: unlisted.found.inFiles, bank: unlisted.found.bank, resolveTo: unlisted.proposal.resolveTo }).toEqual({ reason: 'S', inFiles: false, bank: null, resolveTo: 'FAILED' });
  });

  it('CHK02 matches by (fund account, currency) and compares bank account and status: a difference is a MANUAL X break with no serial', () => {
    const judged = judgeRecord(day, 'CHK02', relationshipRecord(), relationshipRecord({ status: '2' }), new Map());
    expect(judged).toMatchObject({ found: { reason: 'X', differingFields: ['status'], initiator: null, serialNo: null, matchKey: '100000000001:CNY' }, proposal: { kind: 'MANUAL' } });
    expect(judgeRecord(day, 'CHK02', relationshipRecord(), relationshipRecord({ customerName: '李四' }), new Map())).toBeNull();
  });
});
