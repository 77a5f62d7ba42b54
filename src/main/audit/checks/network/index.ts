// The network checks: host firewall (ufw, iptables/nft), exposed databases and legacy services, the
// Docker API, Docker bypassing ufw, SSH on VPN-only hosts, and fail2ban. One module per check.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import dataPortsPublic from './dataPortsPublic';
import dockerApiExposed from './dockerApiExposed';
import dockerBypassesUfw from './dockerBypassesUfw';
import { fail2banInactive, fail2banMissing, fail2banNoSshdJail } from './fail2ban';
import firewallDefaultIncoming from './firewallDefaultIncoming';
import firewallInactive from './firewallInactive';
import insecureServices from './insecureServices';
import sshBeyondVpn from './sshBeyondVpn';
import { ufwIpv6Off, ufwLoggingOff } from './ufwExtras';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  firewallInactive,
  firewallDefaultIncoming,
  dataPortsPublic,
  dockerApiExposed,
  insecureServices,
  dockerBypassesUfw,
  sshBeyondVpn,
  fail2banMissing,
  fail2banInactive,
  fail2banNoSshdJail,
  ufwIpv6Off,
  ufwLoggingOff,
] as ReadonlyArray<CheckDef<SectionName>>;
