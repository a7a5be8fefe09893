import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { custodyProtoDir, loadCustodyGrpc, PROTO_DIR_ENV } from './grpc-protos';

describe('the .proto files are found in one place', () => {
  it('from the sources: libs/contracts/proto', () => {
    expect(custodyProtoDir({})).toBe(resolve(__dirname, '../proto'));
  });

  it(`${PROTO_DIR_ENV} names another directory, and one without custody/v1 is refused with the setting named`, () => {
    expect(custodyProtoDir({ [PROTO_DIR_ENV]: resolve(__dirname, '../proto') })).toBe(resolve(__dirname, '../proto'));
    const empty = mkdtempSync(join(tmpdir(), 'protos-'));
    expect(() => custodyProtoDir({ [PROTO_DIR_ENV]: empty })).toThrow(PROTO_DIR_ENV);
  });

  it('custody.v1.Transfers and custody.v1.Ledger load with the methods api.md mirrors, in camelCase with enums by name', () => {
    const { Transfers, Ledger } = loadCustodyGrpc();
    expect(Object.keys(Transfers.service)).toEqual(['CreateTransfer', 'GetTransfer', 'ListTransfers']);
    expect(Object.keys(Ledger.service)).toEqual(['GetBalances', 'PlaceHold', 'ReleaseHold', 'GetStatement']);
    const create = Transfers.service.CreateTransfer;
    const bytes = create.requestSerialize({ requestId: 'r-1', type: 'SECURITIES_TO_BANK', currency: 'CNY', amount: '1.50', waitMs: 0 });
    expect(create.requestDeserialize(bytes)).toMatchObject({ requestId: 'r-1', type: 'SECURITIES_TO_BANK', currency: 'CNY', amount: '1.50', waitMs: 0 });
    // Without wait_ms, it is absent (the default wait), not 0 (no wait).
    expect(create.requestDeserialize(create.requestSerialize({ requestId: 'r-1' }))).toEqual({ requestId: 'r-1' });
  });
});
