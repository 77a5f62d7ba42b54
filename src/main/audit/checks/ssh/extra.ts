// SSH checks added with the network/VPN/mail/CVE work, for the catalog in checks/index.ts to list
// after the existing ssh checks: `...extraSshChecks`. Keyboard-interactive logins are already
// covered by SSH-PASSWORD-AUTH (passwordAuthentication.ts), so there is no separate check for them.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import allowUsers from './allowUsers';
import hostbasedAuth from './hostbasedAuth';
import permitUserEnvironment from './permitUserEnvironment';
import regresshion from './regresshion';
import terrapin from './terrapin';

export const extraSshChecks: ReadonlyArray<CheckDef<SectionName>> = [terrapin, regresshion, allowUsers, hostbasedAuth, permitUserEnvironment] as ReadonlyArray<CheckDef<SectionName>>;
