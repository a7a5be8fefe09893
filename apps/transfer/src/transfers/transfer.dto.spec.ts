import { Money } from '@custody/money';
import { DomainError, validationPipe } from '@custody/service-kit';
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

  it('api.md: the amount is read as Money from the request on', async () => {
    const body = await validate({ ...valid, amount: '1000.5' });
    expect(body.amount).toBeInstanceOf(Money);
    expect(body.amount.toString()).toBe('1000.50');
  });

  it.each([
    ['abc', 'NOT_A_NUMBER', 'amount "abc" is not a decimal number'],
    ['1.234', 'TOO_MANY_DECIMALS', 'amount "1.234" has more than 2 decimals'],
    ['12345678901234567', 'TOO_MANY_DIGITS', 'amount "12345678901234567" has more than 18 digits'],
    ['0.00', 'NOT_POSITIVE', 'amount "0.00" must be greater than 0'],
  ])('api.md: an amount %p is VALIDATION_FAILED naming its defect %s', async (amount, defect, detail) => {
    const refused = validate({ ...valid, amount });
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'VALIDATION_FAILED', detail, extensions: { field: 'amount', defect } });
  });

  it('an amount that is not a string is refused as the other fields are', async () => {
    await expect(validate({ ...valid, amount: 1000 })).rejects.toMatchObject({ response: { message: ['amount: amount must be a string'] } });
  });
});
