import { validationPipe } from '@custody/service-kit';
import { DesignateBody } from './designation.dto';

const valid = { requestId: 'd-1', fundAccountNo: '100000000001', currency: 'CNY', bankCode: '1021000', bankAccountNo: '6222000000000001', bankPassword: '135790' };
const validate = (body: Record<string, unknown>) => validationPipe().transform(body, { type: 'body', metatype: DesignateBody });

describe('POST /v1/custody/designations body (api.md)', () => {
  it('bank-protocol.md §5: a fund account number of 1-14 digits passes', async () => {
    await expect(validate(valid)).resolves.toBeInstanceOf(DesignateBody);
  });

  it.each(['F0001', '123456789012345', '1234-5678'])('bank-protocol.md §5: fund account number %p (not 1-14 digits) is refused: 11001 and the day files carry it', async (fundAccountNo) => {
    await expect(validate({ ...valid, fundAccountNo })).rejects.toMatchObject({ response: { message: ['fundAccountNo: fundAccountNo must be 1-14 digits (bank-protocol.md §5)'] } });
  });
});
