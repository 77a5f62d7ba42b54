// Host-hardening checks (issue 16 items 3, 7, 8 and CIS 5.1.3): mounts and system settings,
// package ownership of SUID programs and listeners, key rotation, encryption at rest, restore
// tests, service accounts and home folders. One module per check; each names its own category.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import apparmor from './apparmor';
import auditd from './auditd';
import containerUid from './containerUid';
import coreDumps from './coreDumps';
import cronPermissions from './cronPermissions';
import encryptionAtRest from './encryptionAtRest';
import homeDirs from './homeDirs';
import hostPubKeys from './hostPubKeys';
import journald from './journald';
import keyRotation from './keyRotation';
import listenerUnowned from './listenerUnowned';
import passwordPolicy from './passwordPolicy';
import restoreTested from './restoreTested';
import suidUnowned from './suidUnowned';
import systemAccounts from './systemAccounts';
import tmpMounts from './tmpMounts';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  tmpMounts,
  coreDumps,
  apparmor,
  auditd,
  journald,
  suidUnowned,
  encryptionAtRest,
  listenerUnowned,
  cronPermissions,
  homeDirs,
  hostPubKeys,
  passwordPolicy,
  systemAccounts,
  keyRotation,
  restoreTested,
  containerUid,
] as ReadonlyArray<CheckDef<SectionName>>;
