// The SSH checks, in catalog order. Keyboard-interactive logins are covered by SSH-PASSWORD-AUTH
// (passwordAuthentication.ts), so there is no separate check for them.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import agentForwarding from './agentForwarding';
import allowUsers from './allowUsers';
import banner from './banner';
import clientAlive from './clientAlive';
import gatewayPorts from './gatewayPorts';
import gssapiAuthentication from './gssapiAuthentication';
import hostbasedAuth from './hostbasedAuth';
import logLevel from './logLevel';
import loginGraceTime from './loginGraceTime';
import maxAuthTries from './maxAuthTries';
import maxSessions from './maxSessions';
import maxStartups from './maxStartups';
import passwordAuthentication from './passwordAuthentication';
import permitEmptyPasswords from './permitEmptyPasswords';
import permitRootLogin from './permitRootLogin';
import permitTunnel from './permitTunnel';
import permitUserEnvironment from './permitUserEnvironment';
import regresshion from './regresshion';
import strictModes from './strictModes';
import tcpForwarding from './tcpForwarding';
import terrapin from './terrapin';
import usePam from './usePam';
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
  // CIS Debian 12 section 5.1 and the Lynis SSH-7408 settings beyond the ones above.
  logLevel,
  strictModes,
  gatewayPorts,
  tcpForwarding,
  agentForwarding,
  permitTunnel,
  clientAlive,
  maxSessions,
  maxStartups,
  usePam,
  gssapiAuthentication,
  banner,
] as ReadonlyArray<CheckDef<SectionName>>;
