// The SSH checks, in catalog order. Keyboard-interactive logins are covered by SSH-PASSWORD-AUTH
// (passwordAuthentication.ts), so there is no separate check for them.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import allowUsers from './allowUsers';
import hostbasedAuth from './hostbasedAuth';
import loginGraceTime from './loginGraceTime';
import maxAuthTries from './maxAuthTries';
import passwordAuthentication from './passwordAuthentication';
import permitEmptyPasswords from './permitEmptyPasswords';
import permitRootLogin from './permitRootLogin';
import permitUserEnvironment from './permitUserEnvironment';
import regresshion from './regresshion';
import terrapin from './terrapin';
import { weakCiphers, weakHostKeys, weakKex, weakMacs } from './weakAlgorithms';
import x11Forwarding from './x11Forwarding';

export const checks = [
  permitRootLogin,
  passwordAuthentication,
  permitEmptyPasswords,
  weakKex,
  weakCiphers,
  weakMacs,
  weakHostKeys,
  maxAuthTries,
  x11Forwarding,
  loginGraceTime,
  terrapin,
  regresshion,
  allowUsers,
  hostbasedAuth,
  permitUserEnvironment,
] as ReadonlyArray<CheckDef<SectionName>>;
