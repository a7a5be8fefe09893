import { SagaInitial1732200000003 } from './migrations/1732200000003-saga-initial';
import { SagaTimerFailures1732200000004 } from './migrations/1732200000004-saga-timer-failures';
import { SagaBankStatus1732200000005 } from './migrations/1732200000005-saga-bank-status';
import { SagaReversalCalls1732200000010 } from './migrations/1732200000010-saga-reversal-calls';
import { SagaForgetDoneSecrets1732200000031 } from './migrations/1732200000031-saga-forget-done-secrets';
import { SagaFiredTimersIndex1732200000054 } from './migrations/1732200000054-saga-fired-timers-index';
import { SagaDayCycle1732200000060 } from './migrations/1732200000060-saga-day-cycle';
import { SagaDayClose1732200000062 } from './migrations/1732200000062-saga-day-close';
import { SagaCallTimersIndex1732200000063 } from './migrations/1732200000063-saga-call-timers-index';
import { SagaCustodyFunctions1732200000120 } from './migrations/1732200000120-saga-custody-functions';
import { SagaCustodyCancellation1732200000130 } from './migrations/1732200000130-saga-custody-cancellation';
import { SagaIdentityAndStatusFunctions1732200000151 } from './migrations/1732200000151-saga-identity-and-status-functions';
import { SagaCustodyFunctionKinds1732200000160 } from './migrations/1732200000160-saga-custody-function-kinds';
import { SagaChangesToBanks1732200000165 } from './migrations/1732200000165-saga-changes-to-banks';
import { SagaCustodianBankChanges1732200000170 } from './migrations/1732200000170-saga-custodian-bank-changes';

/** The saga service's own migrations (it reads and writes its tables with SQL, no entities). */
export const SAGA_SCHEMA = {
  schema: 'saga',
  entities: [],
  migrations: [SagaInitial1732200000003, SagaTimerFailures1732200000004, SagaBankStatus1732200000005, SagaReversalCalls1732200000010, SagaForgetDoneSecrets1732200000031, SagaFiredTimersIndex1732200000054, SagaDayCycle1732200000060, SagaDayClose1732200000062, SagaCallTimersIndex1732200000063, SagaCustodyFunctions1732200000120, SagaCustodyCancellation1732200000130, SagaIdentityAndStatusFunctions1732200000151, SagaCustodyFunctionKinds1732200000160, SagaChangesToBanks1732200000165, SagaCustodianBankChanges1732200000170],
};
