// The backup checks: presence, age, encryption, access. One module per check.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import noBackup from './noBackup';
import readableBackup from './readableBackup';
import staleBackup from './staleBackup';
import unencryptedBackup from './unencryptedBackup';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [noBackup, staleBackup, unencryptedBackup, readableBackup] as ReadonlyArray<CheckDef<SectionName>>;
