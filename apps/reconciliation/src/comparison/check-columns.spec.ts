import { COMPARED_FIELDS } from '@custody/bank-protocol';
import { accountFunctionRecord, relationshipRecord, transferRecord } from '../testing/day-file-builders';
import { CHECK_COLUMNS, COMPARED_COLUMNS, comparedValues, DETAIL_FILES } from './check-columns';

describe('bank-protocol.md §5: the compared fields are what PostgreSQL compares', () => {
  it('every compared field of CHK01–03 has a column, and a record fills exactly its file’s compared fields', () => {
    for (const type of DETAIL_FILES) for (const field of COMPARED_FIELDS[type]) expect(COMPARED_COLUMNS).toHaveProperty(field);
    const byColumn = (values: Array<string | null>) => Object.fromEntries(CHECK_COLUMNS.map((column, i) => [column, values[i]]));
    expect(byColumn(comparedValues('CHK01', transferRecord({ initiator: 'S' })))).toEqual({ bank_account_no: '6222000000000001', fund_account_no: '100000000001', function_code: '12001', currency: 'CNY', amount: '100.00', status: null });
    expect(byColumn(comparedValues('CHK02', relationshipRecord({ bankAccountNo: null })))).toEqual({ bank_account_no: null, fund_account_no: null, function_code: null, currency: null, amount: null, status: '0' });
    expect(byColumn(comparedValues('CHK03', accountFunctionRecord({ initiator: 'B' }))).function_code).toBe('11001');
  });
});
