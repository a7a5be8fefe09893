import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SagaRow } from './saga-store';
import { compensate, CompensationFailed, createStep, type StepContext, StepResponse } from './step';

type Payload = { amount: string };
const saga: SagaRow<Payload> = { saga_id: 'saga-1', kind: 'TRANSFER', subject_id: 'transfer-1', state: 'UNKNOWN', bank_code: '1021000', payload: { amount: '10.00' }, current_call_id: null, attempt: 1 };
const ctx: StepContext<Payload> = { manager: {} as EntityManager, saga };

describe('step toolkit (conventions.md "Sagas")', () => {
  afterEach(() => jest.restoreAllMocks());

  const pay = createStep(
    'pay',
    async (input: { amount: string }) => new StepResponse(`paid ${input.amount}`, { refund: input.amount }),
    async (input: { refund: string }) => `refunded ${input.refund}`,
  );

  it('a step keeps its id, and its invoke answers its output and the typed input of its own compensation', async () => {
    expect(pay.id).toBe('pay');
    const response = await pay.invoke({ amount: '10.00' }, ctx);
    expect(response).toEqual(new StepResponse('paid 10.00', { refund: '10.00' }));
    expect(await compensate(pay, response.compensationInput, ctx)).toBe('refunded 10.00');
  });

  it('a step made without a compensation has none', () => {
    const query = createStep('query', async () => new StepResponse('asked', undefined));
    expect(query).not.toHaveProperty('compensate');
  });

  it('a failed compensation is not swallowed: it is thrown on, naming the saga and the step, and logged at ERROR', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const refuse = createStep(
      'refuse',
      async () => new StepResponse('sent', 'the original'),
      async () => {
        throw new Error('the bank is down');
      },
    );

    const failure = compensate(refuse, 'the original', ctx);
    await expect(failure).rejects.toBeInstanceOf(CompensationFailed);
    await expect(failure).rejects.toMatchObject({ sagaId: 'saga-1', stepId: 'refuse', message: expect.stringMatching(/refuse.*saga-1.*the bank is down/) });
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ sagaId: 'saga-1', step: 'refuse' }), expect.stringContaining('waits for an operator'));
  });
});
