import { Injectable } from '@nestjs/common';
import { Money } from '@custody/money';
import { type Clock, type SigningIdentity, TokenSource } from '@custody/service-kit';

/**
 * The opening balance F-3.3 sends to the bank is the fund ledger's balance, which the transfer service
 * owns; the saga asks it through its API (architecture.md: another service's data only via events or API).
 */
export abstract class LedgerClient {
  abstract balance(fundAccountNo: string, currency: string): Promise<Money>;
}

@Injectable()
export class HttpLedgerClient extends LedgerClient {
  constructor(
    private readonly transferUrl: string,
    /** Asked per call: the saga runs for months, a token lasts minutes (TokenSource re-signs it). */
    private readonly bearerToken: () => string,
  ) {
    super();
  }

  /** The saga signs as itself; it only reads a balance, so the read-only role is all it asserts. */
  static signedAs(identity: SigningIdentity, transferUrl: string, clock: Clock): HttpLedgerClient {
    return new HttpLedgerClient(transferUrl, new TokenSource(identity, 'auditor', { clock }).token);
  }

  /** The fund ledger's balance, read as a Money where it enters the saga (the transfer service's answer). */
  async balance(fundAccountNo: string, currency: string): Promise<Money> {
    const response = await fetch(`${this.transferUrl}/v1/fund-accounts/${encodeURIComponent(fundAccountNo)}/balances`, {
      headers: { authorization: `Bearer ${this.bearerToken()}` },
      signal: AbortSignal.timeout(5000),
    });
    // A fund account the ledger has not learned of yet has no money: its opening balance is zero.
    if (response.status === 404) return Money.zero();
    if (!response.ok) throw new Error(`transfer service answered ${response.status} for the balance of ${fundAccountNo}`);
    const balances = (await response.json()) as Array<{ currency: string; balance: string }>;
    const balance = balances.find((b) => b.currency === currency)?.balance;
    // A new fund account's balance is 0.00: never negative (I7), but zero is the usual opening balance.
    return balance === undefined ? Money.zero() : Money.parse(balance, 'non-negative');
  }
}
