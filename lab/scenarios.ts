// Lab scenarios: the sshd configuration each kind of lab host runs.
//
// Data only: a scenario is the sshd_config text for its settings, the host keys to generate, and
// the values `sshd -T` is expected to print for it. Everything host-specific (host key paths,
// PidFile, AuthorizedKeysFile, UsePAM from `usePam`) is added by `renderSshdConfig` in front of the scenario
// text, so new scenarios (e.g. docker-backed "vulnerable" hosts) only add an entry here.
//
// All algorithms below were checked against Debian 12's OpenSSH 9.2p1 (`ssh -Q kex|cipher|mac|
// HostKeyAlgorithms`, `sshd -t` and `sshd -T` inside a lab namespace). Every requested algorithm is
// still compiled in there, including diffie-hellman-group1-sha1, 3des-cbc and ssh-rsa, so nothing
// had to be dropped. Notes on what `sshd -T` prints (OpenSSH 9.2):
//   - `PermitRootLogin prohibit-password` is printed as `permitrootlogin without-password`
//     (the old alias comes first in sshd's name table).
//   - time values are printed in seconds (`LoginGraceTime 2m` -> `logingracetime 120`).
//   - Debian's GSSAPI key-exchange patch adds a `gssapikexalgorithms` line; it is unrelated to
//     `KexAlgorithms` and stays at its default because GSSAPIKeyExchange is off.

export type LabScenario = 'hardened' | 'weak-ssh';

export type LabHostKeyType = 'ed25519' | 'rsa' | 'ecdsa';

export interface LabHostKeySpec {
  /** `ssh-keygen -t` value. */
  type: LabHostKeyType;
  /** `ssh-keygen -b` value, when not the default. */
  bits?: number;
}

export interface LabScenarioSpec {
  description: string;
  /** Host keys generated for the host, in HostKey order. */
  hostKeys: readonly LabHostKeySpec[];
  /** Scenario settings, appended after the host-specific lines of the generated sshd_config. */
  sshdConfig: string;
  /** UsePAM (a host-specific line: sshd keeps its first value). Debian's PAM stack for sshd works in a lab namespace. */
  usePam: boolean;
  /** Lower-case `sshd -T` keyword -> the exact value `sshd -T` prints for this scenario. */
  expectedEffective: Readonly<Record<string, string>>;
}

const HARDENED_KEX = [
  'sntrup761x25519-sha512@openssh.com',
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512',
].join(',');
const HARDENED_CIPHERS = [
  'chacha20-poly1305@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-ctr',
  'aes192-ctr',
  'aes128-ctr',
].join(',');
const HARDENED_MACS = ['hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com'].join(',');
const HARDENED_HOSTKEY_ALGS = ['ssh-ed25519', 'ssh-ed25519-cert-v01@openssh.com'].join(',');

// Weak lists put the weak algorithms first (as an old config would) and keep modern ones so that a
// current OpenSSH / ssh2 client can still connect and negotiate something it accepts by default.
const WEAK_KEX = [
  'diffie-hellman-group1-sha1',
  'diffie-hellman-group14-sha1',
  'diffie-hellman-group-exchange-sha1',
  'curve25519-sha256',
].join(',');
const WEAK_CIPHERS = [
  'aes128-cbc',
  '3des-cbc',
  'aes256-cbc',
  'chacha20-poly1305@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-ctr',
  'aes192-ctr',
  'aes128-ctr',
].join(',');
const WEAK_MACS = [
  'hmac-md5',
  'hmac-sha1',
  'hmac-sha1-96',
  'umac-64@openssh.com',
  'hmac-sha2-512-etm@openssh.com',
  'hmac-sha2-256-etm@openssh.com',
  'hmac-sha2-512',
  'hmac-sha2-256',
].join(',');
// ssh-rsa (SHA-1 signatures) is offered next to rsa-sha2-*: OpenSSH >= 8.8 clients only use the
// rsa-sha2 variants for an RSA host key, so both are listed to keep the RSA key reachable.
const WEAK_HOSTKEY_ALGS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
].join(',');

export const scenarios: Readonly<Record<LabScenario, LabScenarioSpec>> = {
  hardened: {
    description: 'Modern, locked-down sshd: key-only root login, modern algorithms only.',
    hostKeys: [{ type: 'ed25519' }],
    usePam: true,
    sshdConfig: `# Scenario: hardened
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
PubkeyAuthentication yes
KexAlgorithms ${HARDENED_KEX}
Ciphers ${HARDENED_CIPHERS}
MACs ${HARDENED_MACS}
HostKeyAlgorithms ${HARDENED_HOSTKEY_ALGS}
MaxAuthTries 3
X11Forwarding no
LoginGraceTime 30
AllowUsers root
ClientAliveInterval 300
# CIS Debian 12 5.1: forwarding off (jump-chain hops turn TCP forwarding back on in front of this,
# so not DisableForwarding, which would win), MaxStartups, a pre-login banner.
AllowTcpForwarding no
AllowStreamLocalForwarding no
AllowAgentForwarding no
MaxStartups 10:30:60
Banner /etc/issue.net
`,
    expectedEffective: {
      permitrootlogin: 'without-password',
      passwordauthentication: 'no',
      kbdinteractiveauthentication: 'no',
      permitemptypasswords: 'no',
      pubkeyauthentication: 'yes',
      kexalgorithms: HARDENED_KEX,
      ciphers: HARDENED_CIPHERS,
      macs: HARDENED_MACS,
      hostkeyalgorithms: HARDENED_HOSTKEY_ALGS,
      maxauthtries: '3',
      x11forwarding: 'no',
      logingracetime: '30',
      allowusers: 'root',
      clientaliveinterval: '300',
      allowtcpforwarding: 'no',
      allowstreamlocalforwarding: 'no',
      allowagentforwarding: 'no',
      maxstartups: '10:30:60',
      banner: '/etc/issue.net',
      usepam: 'yes',
      port: '22',
    },
  },
  'weak-ssh': {
    description: 'Legacy, permissive sshd: root + password logins, SHA-1/CBC/MD5 algorithms, RSA host key, GatewayPorts, tunnels, no StrictModes, no PAM.',
    hostKeys: [{ type: 'ed25519' }, { type: 'rsa', bits: 3072 }, { type: 'ecdsa', bits: 256 }],
    usePam: false,
    sshdConfig: `# Scenario: weak-ssh
PermitRootLogin yes
PasswordAuthentication yes
PermitEmptyPasswords yes
KbdInteractiveAuthentication yes
PubkeyAuthentication yes
PubkeyAcceptedAlgorithms +ssh-rsa
KexAlgorithms ${WEAK_KEX}
Ciphers ${WEAK_CIPHERS}
MACs ${WEAK_MACS}
HostKeyAlgorithms ${WEAK_HOSTKEY_ALGS}
MaxAuthTries 10
X11Forwarding yes
LoginGraceTime 2m
GatewayPorts yes
PermitTunnel yes
StrictModes no
GSSAPIAuthentication yes
MaxSessions 20
`,
    expectedEffective: {
      permitrootlogin: 'yes',
      passwordauthentication: 'yes',
      permitemptypasswords: 'yes',
      kbdinteractiveauthentication: 'yes',
      pubkeyauthentication: 'yes',
      kexalgorithms: WEAK_KEX,
      ciphers: WEAK_CIPHERS,
      macs: WEAK_MACS,
      hostkeyalgorithms: WEAK_HOSTKEY_ALGS,
      maxauthtries: '10',
      x11forwarding: 'yes',
      logingracetime: '120',
      gatewayports: 'yes',
      permittunnel: 'yes',
      strictmodes: 'no',
      gssapiauthentication: 'yes',
      maxsessions: '20',
      usepam: 'no',
      port: '22',
    },
  },
};

export const scenarioNames = Object.keys(scenarios) as LabScenario[];

export function isLabScenario(value: string): value is LabScenario {
  return Object.hasOwn(scenarios, value);
}

/** Host key file name inside the host's /etc/ssh, e.g. `ssh_host_ed25519_key`. */
export function hostKeyFileName(type: LabHostKeyType): string {
  return `ssh_host_${type}_key`;
}

export interface RenderSshdConfigOptions {
  hostName: string;
  /** Absolute PidFile path (as seen from inside the host). */
  pidFile: string;
  port?: number;
}

function quoteConfigPath(path: string): string {
  if (/["\n\r]/.test(path)) throw new Error(`unsupported character in sshd_config path: ${path}`);
  return /\s/.test(path) ? `"${path}"` : path;
}

/**
 * The complete sshd_config for a host: host-specific lines first (sshd keeps the first value of
 * most keywords), then the scenario's settings, then the sftp subsystem.
 */
export function renderSshdConfig(scenario: LabScenario, opts: RenderSshdConfigOptions): string {
  const spec = scenarios[scenario];
  const hostKeys = spec.hostKeys.map((k) => `HostKey /etc/ssh/${hostKeyFileName(k.type)}`).join('\n');
  return `# Generated by Rampart's lab (lab/scenarios.ts) for lab host ${opts.hostName}, scenario ${scenario}.
# This file is /etc/netns/${opts.hostName}/ssh/sshd_config, seen as /etc/ssh/sshd_config inside the host.

# Host-specific settings
Port ${opts.port ?? 22}
${hostKeys}
PidFile ${quoteConfigPath(opts.pidFile)}
AuthorizedKeysFile /etc/ssh/authorized_keys_%u
UsePAM ${spec.usePam ? 'yes' : 'no'}

${spec.sshdConfig.trimEnd()}

Subsystem sftp /usr/lib/openssh/sftp-server
`;
}
