import type { AddressInfo } from 'node:net';
import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { Clock, loggingModule, newIssuer, Roles, SERVICE_TOKEN_LIFETIME_MS, startHttpService, TokenVerifier } from '@custody/service-kit';
import { HttpLedgerClient } from './ledger-client';

class ManualClock extends Clock {
  constructor(public at: Date) {
    super();
  }

  override now(): Date {
    return this.at;
  }

  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/** Stands in for the transfer service's balances endpoint, with its roles (apps/transfer BalancesController). */
@Controller('v1/fund-accounts')
class BalancesStandIn {
  @Get(':fundAccountNo/balances')
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  balances(@Param('fundAccountNo') fundAccountNo: string) {
    return [{ currency: 'CNY', balance: fundAccountNo === '100000000001' ? '1234.50' : '0.00' }];
  }
}

@Module({ imports: [loggingModule('transfer-stand-in')], controllers: [BalancesStandIn] })
class TransferStandInModule {}

const MINUTE = 60_000;

/**
 * F-3.3 takes the opening balance from the transfer service over HTTP, behind the real role guard. The saga
 * and the verifier share one clock here, which the test moves forward by hours.
 */
describe('saga → transfer ledger client (HTTP edge with the real role guard)', () => {
  const clock = new ManualClock(new Date('2026-11-23T01:30:00.000Z'));
  // As the trust list has it: the saga's own key, allowed the read-only role only.
  const saga = newIssuer('saga', ['auditor']);
  let transfer: INestApplication;
  let client: HttpLedgerClient;

  beforeAll(async () => {
    transfer = await startHttpService(TransferStandInModule, { name: 'transfer-stand-in', port: 0, tokenVerifier: new TokenVerifier([saga.trusted], clock) });
    const transferUrl = `http://127.0.0.1:${(transfer.getHttpServer().address() as AddressInfo).port}`;
    client = HttpLedgerClient.signedAs(saga.identity, transferUrl, clock);
  });

  afterAll(async () => {
    await transfer?.close();
  });

  it('item 2: the saga still reads balances hours after it started, long past any one token lifetime', async () => {
    expect((await client.balance('100000000001', 'CNY')).toString()).toBe('1234.50');
    clock.advance(SERVICE_TOKEN_LIFETIME_MS + 1000);
    expect((await client.balance('100000000001', 'CNY')).toString()).toBe('1234.50');
    // The lifetime the saga once signed at start (one hour), and well beyond, in steps the size of a slow designation.
    for (let elapsed = 0; elapsed < 3 * 60 * MINUTE; elapsed += 7 * MINUTE) {
      clock.advance(7 * MINUTE);
      expect((await client.balance('100000000001', 'CNY')).toString()).toBe('1234.50');
    }
  });

  it('F-3.3: a fund account with nothing in it opens at the bank with 0.00', async () => {
    expect((await client.balance('100000000002', 'CNY')).toString()).toBe('0.00');
  });
});
