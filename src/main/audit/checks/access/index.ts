// The access checks: accounts, sudo, authorized SSH keys. One module per check.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import duplicateUids from './duplicateUids';
import emptyPasswords from './emptyPasswords';
import passwordNotShadowed from './passwordNotShadowed';
import sudoNoAuthenticate from './sudoNoAuthenticate';
import sudoNopasswd from './sudoNopasswd';
import uid0 from './uid0';
import weakAuthorizedKeys from './weakAuthorizedKeys';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  uid0,
  emptyPasswords,
  passwordNotShadowed,
  duplicateUids,
  sudoNopasswd,
  sudoNoAuthenticate,
  weakAuthorizedKeys,
] as ReadonlyArray<CheckDef<SectionName>>;
