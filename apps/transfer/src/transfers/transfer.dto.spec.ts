import { validationPipe } from '@custody/service-kit';
import { RequestTransferBody } from './transfer.dto';

const valid = { requestId: 'r-1', type: 'INTERNAL', fundAccountNo: '100000000001', counterpartFundAccountNo: '100000000002', currency: 'CNY', amount: '1.00' };
const validate = (body: Record<string, unknown>) => validationPipe().transform(body, { type: 'body', metatype: RequestTransferBody });

describe('POST /v1/transfers body (api.md)', () => {
  it('bank-protocol.md §5: fund account numbers of 1-14 digits pass', async () => {
    await expect(validate(valid)).resolves.toBeInstanceOf(RequestTransferBody);
    await expect(validate({ ...valid, fundAccountNo: '1', counterpartFundAccountNo: '12345678901234' })).resolves.toBeInstanceOf(RequestTransferBody);
  });

  it.each([
    ['fundAccountNo', 'F0001'],
    ['fundAccountNo', '123456789012345'],
    ['counterpartFundAccountNo', 'F0002'],
    ['counterpartFundAccountNo', ''],
  ])('bank-protocol.md §5: %s %p (not 1-14 digits) is refused, naming the field', async (field, value) => {
    await expect(validate({ ...valid, [field]: value })).rejects.toMatchObject({ response: { message: [`${field}: ${field} must be 1-14 digits (bank-protocol.md §5)`] } });
  });
});
