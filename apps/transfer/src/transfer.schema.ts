import { Hold } from './holds/hold.entity';
import { LedgerAccount } from './ledger/ledger-account.entity';
import { TransferInitial1732200000002 } from './migrations/1732200000002-transfer-initial';
import { TransferBankAccount1732200000006 } from './migrations/1732200000006-transfer-bank-account';
import { TransferBankReversals1732200000007 } from './migrations/1732200000007-transfer-bank-reversals';
import { TransferInternalTransfers1732200000008 } from './migrations/1732200000008-transfer-internal-transfers';
import { TransferPagingIndexes1732200000051 } from './migrations/1732200000051-transfer-paging-indexes';
import { TransferAttemptsDropped1732200000053 } from './migrations/1732200000053-transfer-attempts-dropped';
import { TransferBankDays1732200000061 } from './migrations/1732200000061-transfer-bank-days';
import { TransferStatementIndex1732200000070 } from './migrations/1732200000070-transfer-statement-index';
import { TransferDayClose1732200000080 } from './migrations/1732200000080-transfer-day-close';
import { TransferDayFileIndexes1732200000081 } from './migrations/1732200000081-transfer-day-file-indexes';
import { TransferActiveTradingHolds1732200000090 } from './migrations/1732200000090-transfer-active-trading-holds';
import { TransferLedgerAccountStatus1732200000105 } from './migrations/1732200000105-transfer-ledger-account-status';
import { TransferLedgerDormant1732200000125 } from './migrations/1732200000125-transfer-ledger-dormant';
import { TransferLedgerClosings1732200000130 } from './migrations/1732200000130-transfer-ledger-closings';
import { TransferOpenTransfersIndex1732200000131 } from './migrations/1732200000131-transfer-open-transfers-index';
import { TransferBankOpenings1732200000131 } from './migrations/1732200000131-transfer-bank-openings';
import { TransferBankChanges1732200000170 } from './migrations/1732200000170-transfer-bank-changes';
import { Transfer } from './transfers/transfer.entity';

/** The transfer service's own tables and migrations, for the service and for its integration tests. */
export const TRANSFER_SCHEMA = {
  schema: 'transfer',
  entities: [LedgerAccount, Hold, Transfer],
  migrations: [TransferInitial1732200000002, TransferBankAccount1732200000006, TransferBankReversals1732200000007, TransferInternalTransfers1732200000008, TransferPagingIndexes1732200000051, TransferAttemptsDropped1732200000053, TransferBankDays1732200000061, TransferStatementIndex1732200000070, TransferDayClose1732200000080, TransferDayFileIndexes1732200000081, TransferActiveTradingHolds1732200000090, TransferLedgerAccountStatus1732200000105, TransferLedgerDormant1732200000125, TransferLedgerClosings1732200000130, TransferOpenTransfersIndex1732200000131, TransferBankOpenings1732200000131, TransferBankChanges1732200000170],
};
