// The four weak-algorithm checks share one shape: list the offered algorithms, classify each.
import { SEVERITIES, type Severity } from '../../../../shared/domain';
import type { SshdFacts } from '../../facts';
import { list } from '../../parsers/sshd';
import { defineCheck, type CheckDef } from '../types';
import { classifyCipher, classifyHostKey, classifyKex, classifyMac, type Weakness } from './algorithms';
import { SSHD_REFS, sshdResource } from './sshdValue';

function worst(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) < SEVERITIES.indexOf(b) ? a : b;
}

export function weakAlgorithmCheck(opts: {
  id: string;
  keyword: string;
  sshdKey: string;
  what: string;
  cis?: string;
  classify: (a: string) => Weakness | null;
  recommended: string;
  /** Narrows the configured list to what the server can really offer. */
  offered?: (sshd: SshdFacts, configured: string[]) => string[];
}): CheckDef<'sshd'> {
  return defineCheck({
    id: opts.id,
    title: `sshd offers weak ${opts.what}`,
    category: 'ssh',
    severity: 'high',
    ...(opts.cis ? { cis: opts.cis } : {}),
    references: [...SSHD_REFS, 'https://github.com/jtesta/ssh-audit'],
    rationale: `Weak ${opts.what} let an attacker who can observe or tamper with the connection weaken its protection. Clients negotiate the best common choice, but offering weak ones keeps downgrade paths open.`,
    remediation: `Set \`${opts.keyword} ${opts.recommended}\` in sshd_config (or a drop-in), check with \`sshd -t\`, then reload sshd.`,
    fixKind: 'sshd-config',
    requires: ['sshd'],
    evaluate: ({ sshd }) => {
      const weak: Array<[string, Weakness]> = [];
      const configured = list(sshd.config, opts.sshdKey);
      for (const a of opts.offered ? opts.offered(sshd, configured) : configured) {
        const w = opts.classify(a);
        if (w) weak.push([a, w]);
      }
      if (!weak.length) return { status: 'pass' };
      const severity = weak.map(([, w]) => w.severity).reduce(worst);
      return {
        status: 'fail',
        findings: [
          {
            severity,
            resource: sshdResource(sshd, opts.keyword),
            evidence: `${opts.keyword} offers ${weak.map(([a, w]) => `${a} (${w.reason})`).join(', ')}`,
          },
        ],
      };
    },
  });
}

export const weakKex = weakAlgorithmCheck({
  id: 'SSH-WEAK-KEX',
  keyword: 'KexAlgorithms',
  sshdKey: 'kexalgorithms',
  what: 'key-exchange algorithms',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.12',
  classify: classifyKex,
  recommended: 'sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512',
});

export const weakCiphers = weakAlgorithmCheck({
  id: 'SSH-WEAK-CIPHERS',
  keyword: 'Ciphers',
  sshdKey: 'ciphers',
  what: 'ciphers',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.6',
  classify: classifyCipher,
  recommended: 'chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr',
});

export const weakMacs = weakAlgorithmCheck({
  id: 'SSH-WEAK-MACS',
  keyword: 'MACs',
  sshdKey: 'macs',
  what: 'MAC algorithms',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.15',
  classify: classifyMac,
  recommended: 'hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com',
});

export const weakHostKeys = weakAlgorithmCheck({
  id: 'SSH-WEAK-HOSTKEY-ALGORITHMS',
  keyword: 'HostKeyAlgorithms',
  sshdKey: 'hostkeyalgorithms',
  what: 'host-key algorithms',
  classify: classifyHostKey,
  offered: offeredHostKeyAlgorithms,
  recommended: 'ssh-ed25519,ssh-ed25519-cert-v01@openssh.com,rsa-sha2-512,rsa-sha2-256',
});

const KEY_FILE_FAMILIES: Array<[RegExp, RegExp]> = [
  [/ed25519/, /^(ssh-ed25519|sk-ssh-ed25519)/],
  [/ecdsa/, /^(ecdsa-sha2-|sk-ecdsa-)/],
  [/rsa/, /^(rsa-sha2-|ssh-rsa)/],
  [/dsa/, /^ssh-dss/],
];

/**
 * sshd -T lists every host-key algorithm sshd would accept, not only those it has keys for.
 * When the HostKey file names tell the key types (the Debian default names do), only the
 * algorithms of those families are really offered to clients, as ssh-audit sees them.
 */
export function offeredHostKeyAlgorithms(sshd: SshdFacts, configured: string[]): string[] {
  const files = sshd.config.get('hostkey') ?? [];
  const families: RegExp[] = [];
  for (const f of files) {
    const base = f.split('/').pop() ?? f;
    const fam = KEY_FILE_FAMILIES.find(([re]) => re.test(base));
    if (!fam) return configured; // unknown naming: judge the whole configured list
    families.push(fam[1]);
  }
  if (!families.length) return configured;
  return configured.filter((a) => families.some((re) => re.test(a)));
}
