import { CustodyFunctionRequest } from './custody/custody-function-request.entity';
import { CustodyRelationship } from './custody/custody-relationship.entity';
import { Customer } from './customers/customer.entity';
import { FundPasswordVerificationRecord } from './customers/fund-password-verification.entity';
import { FundAccount } from './fund-accounts/fund-account.entity';
import { PrimaryChange } from './fund-accounts/primary-change.entity';
import { AccountInitial1732200000001 } from './migrations/1732200000001-account-initial';
import { AccountFundPasswordLockout1732200000009 } from './migrations/1732200000009-account-fund-password-lockout';
import { AccountFundPasswordVerifications1732200000011 } from './migrations/1732200000011-account-fund-password-verifications';
import { AccountFundPasswordPinBlocks1732200000030 } from './migrations/1732200000030-account-fund-password-pin-blocks';
import { AccountFundAccountNumberDigits1732200000050 } from './migrations/1732200000050-account-fund-account-number-digits';
import { AccountFundPasswordVerificationsAgeIndex1732200000055 } from './migrations/1732200000055-account-fund-password-verifications-age-index';
import { AccountFunctions1732200000070 } from './migrations/1732200000070-account-functions';
import { AccountPrimaryChanges1732200000090 } from './migrations/1732200000090-account-primary-changes';
import { AccountRelationshipAccountStatus1732200000105 } from './migrations/1732200000105-account-relationship-account-status';
import { AccountBankDays1732200000110 } from './migrations/1732200000110-account-bank-days';
import { AccountFunctionJournal1732200000117 } from './migrations/1732200000117-account-function-journal';
import { AccountCustodyFunctionRequests1732200000120 } from './migrations/1732200000120-account-custody-function-requests';
import { AccountCustodyCancellation1732200000130 } from './migrations/1732200000130-account-custody-cancellation';
import { AccountIdentityAndStatusFunctions1732200000150 } from './migrations/1732200000150-account-identity-and-status-functions';
import { AccountFunctionRequestsRequestedBy1732200000152 } from './migrations/1732200000152-account-function-requests-requested-by';
import { AccountConversion1732200000125 } from './migrations/1732200000125-account-conversion';
import { AccountCustodyFunctions1732200000160 } from './migrations/1732200000160-account-custody-functions';
import { AccountChangesToBanks1732200000165 } from './migrations/1732200000165-account-changes-to-banks';
import { AccountCustodianBankChanges1732200000170 } from './migrations/1732200000170-account-custodian-bank-changes';
import { AccountBankOpenings1732200000131 } from './migrations/1732200000131-account-bank-openings';
import { AccountFundAccountCurrencies1732200000132 } from './migrations/1732200000132-account-fund-account-currencies';

/** The account service's own tables and migrations, for the service and for its integration tests. */
export const ACCOUNT_SCHEMA = {
  schema: 'account',
  entities: [Customer, FundAccount, CustodyRelationship, FundPasswordVerificationRecord, PrimaryChange, CustodyFunctionRequest],
  migrations: [AccountInitial1732200000001, AccountFundPasswordLockout1732200000009, AccountFundPasswordVerifications1732200000011, AccountFundPasswordPinBlocks1732200000030, AccountFundAccountNumberDigits1732200000050, AccountFundPasswordVerificationsAgeIndex1732200000055, AccountFunctions1732200000070, AccountPrimaryChanges1732200000090, AccountRelationshipAccountStatus1732200000105, AccountBankDays1732200000110, AccountFunctionJournal1732200000117, AccountCustodyFunctionRequests1732200000120, AccountConversion1732200000125, AccountCustodyCancellation1732200000130, AccountBankOpenings1732200000131, AccountFundAccountCurrencies1732200000132, AccountIdentityAndStatusFunctions1732200000150, AccountFunctionRequestsRequestedBy1732200000152, AccountCustodyFunctions1732200000160, AccountChangesToBanks1732200000165, AccountCustodianBankChanges1732200000170],
};
