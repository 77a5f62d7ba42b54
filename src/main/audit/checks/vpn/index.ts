// The VPN checks (WireGuard): config modes and owners, interfaces down, broad AllowedIPs on a
// server, always-on peers without handshakes, SaveConfig. One module per check.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import broadAllowedIps from './broadAllowedIps';
import configOwner from './configOwner';
import configReadable from './configReadable';
import interfaceDown from './interfaceDown';
import saveConfig from './saveConfig';
import staleHandshake from './staleHandshake';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  configReadable,
  configOwner,
  interfaceDown,
  broadAllowedIps,
  staleHandshake,
  saveConfig,
] as ReadonlyArray<CheckDef<SectionName>>;
