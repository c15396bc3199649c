import { CreateIssuer1763942400000 } from './1763942400000-CreateIssuer.js';
import { CreateLedger1763942500000 } from './1763942500000-CreateLedger.js';
import { CreateKeys1763942600000 } from './1763942600000-CreateKeys.js';
import { CreateLedgerAlarm1763942700000 } from './1763942700000-CreateLedgerAlarm.js';
import { CreateCredentialRecord1763942800000 } from './1763942800000-CreateCredentialRecord.js';
import { CreateStatusList1763942950000 } from './1763942950000-CreateStatusList.js';
import { AddLedgerEntryKindIndex1763943050000 } from './1763943050000-AddLedgerEntryKindIndex.js';
import { AddLedgerAlarmClearedAt1763943150000 } from './1763943150000-AddLedgerAlarmClearedAt.js';
import { CreateCredentialAnchor1763943250000 } from './1763943250000-CreateCredentialAnchor.js';
import { CreateDatabaseOwner1763943260000 } from './1763943260000-CreateDatabaseOwner.js';
import { LedgerAlarmOnePerKind1763943270000 } from './1763943270000-LedgerAlarmOnePerKind.js';
import { CreateOid4vpRequest1763943280000 } from './1763943280000-CreateOid4vpRequest.js';
import { CreateOid4vci1763943290000 } from './1763943290000-CreateOid4vci.js';
import { CreateWitnessState1763943295000 } from './1763943295000-CreateWitnessState.js';
import { AddCredentialRecordOfferId1763943300000 } from './1763943300000-AddCredentialRecordOfferId.js';

/** Every migration, oldest first. Listed as classes: a glob of .ts files breaks under Vitest. */
export const MIGRATIONS = [CreateIssuer1763942400000, CreateLedger1763942500000, CreateKeys1763942600000, CreateLedgerAlarm1763942700000, CreateCredentialRecord1763942800000, CreateStatusList1763942950000, AddLedgerEntryKindIndex1763943050000, AddLedgerAlarmClearedAt1763943150000, CreateCredentialAnchor1763943250000, CreateDatabaseOwner1763943260000, LedgerAlarmOnePerKind1763943270000, CreateOid4vpRequest1763943280000, CreateOid4vci1763943290000, CreateWitnessState1763943295000, AddCredentialRecordOfferId1763943300000];
