// The system checks: updates, reboots, end of life, time. One module per check.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import osEol from './osEol';
import packageLists from './packageLists';
import pendingUpdates from './pendingUpdates';
import rebootRequired from './rebootRequired';
import securityUpdates from './securityUpdates';
import timeSync from './timeSync';
import unattendedUpgrades from './unattendedUpgrades';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  securityUpdates,
  pendingUpdates,
  packageLists,
  unattendedUpgrades,
  rebootRequired,
  osEol,
  timeSync,
] as ReadonlyArray<CheckDef<SectionName>>;
