import { validationPipe } from '@custody/service-kit';
import { OpenFundAccountBody } from './fund-account.dto';

const valid = { requestId: 'f-1', fundAccountNo: '100000000001', customerNo: 'C1', currency: 'CNY', role: 'PRIMARY', branchId: '0001' };
const validate = (body: Record<string, unknown>) => validationPipe().transform(body, { type: 'body', metatype: OpenFundAccountBody });

describe('POST /v1/fund-accounts body (api.md)', () => {
  it.each(['1', '0001', 'SH01'])('api.md: a branch of 1-4 characters (%p) passes: 证券机构分支号 is CHAR(4) in the day files', async (branchId) => {
    await expect(validate({ ...valid, branchId })).resolves.toBeInstanceOf(OpenFundAccountBody);
  });

  it.each(['00001', '', '00 1', '0|01', '分支'])('api.md: branch %p (not 1-4 characters the day files can carry) is refused', async (branchId) => {
    await expect(validate({ ...valid, branchId })).rejects.toMatchObject({ response: { message: ['branchId: branchId must be 1-4 characters, no spaces or | (证券机构分支号, api.md)'] } });
  });
});
