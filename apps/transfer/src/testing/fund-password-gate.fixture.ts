import { PinVerifierPublicKey } from '@custody/bank-protocol';
import { readFundPinPublicKey } from '@custody/service-kit';
import { deriveAttemptDigestKey } from '../fund-passwords/fund-password-attempt';
import { FundPasswordGate } from '../fund-passwords/fund-password.gate';

/** The gate with no account service behind it: for tests whose transfers carry no fundPassword. */
export function gateWithoutAccountService(sealingKey: Buffer): FundPasswordGate {
  return new FundPasswordGate(null, new PinVerifierPublicKey(readFundPinPublicKey({})), deriveAttemptDigestKey(sealingKey));
}
