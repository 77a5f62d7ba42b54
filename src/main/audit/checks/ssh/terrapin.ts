import { list } from '../../parsers/sshd';
import { defineCheck } from '../types';
import { SSHD_REFS, sshdResource } from './sshdValue';
import { fixedIn, TERRAPIN_BACKPORTS, TERRAPIN_FIXED_UPSTREAM } from './opensshFixes';

/** The cipher/MAC combinations the Terrapin attack works against, as offered by the server. */
export function terrapinModes(ciphers: readonly string[], macs: readonly string[]): string[] {
  const out: string[] = [];
  if (ciphers.includes('chacha20-poly1305@openssh.com')) out.push('chacha20-poly1305@openssh.com');
  const cbc = ciphers.filter((c) => /-cbc(@|$)/.test(c));
  const etm = macs.filter((m) => /-etm@openssh\.com$/.test(m));
  if (cbc.length && etm.length) out.push(`CBC ciphers (${cbc.join(', ')}) with encrypt-then-MAC (${etm.join(', ')})`);
  return out;
}

export default defineCheck({
  id: 'SSH-TERRAPIN',
  title: 'SSH is exposed to the Terrapin attack (CVE-2023-48795)',
  category: 'ssh',
  severity: 'medium',
  references: [...SSHD_REFS, 'https://terrapin-attack.com/', 'https://www.openssh.com/txt/release-9.6'],
  rationale:
    'Terrapin lets a man in the middle drop messages at the start of the encrypted channel (e.g. disabling keystroke-timing protection or downgrading extensions) when chacha20-poly1305 or a CBC cipher with an -etm MAC is negotiated. Servers with strict key exchange (kex-strict-s-v00@openssh.com: OpenSSH 9.6, or a distribution backport) are not affected with up-to-date clients.',
  remediation:
    'Update OpenSSH (9.6 or later, or your distribution’s security update) so it offers strict key exchange. Where that is not possible, remove chacha20-poly1305@openssh.com from Ciphers and the -etm MACs (or the CBC ciphers) in sshd_config, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd', 'sshVersion'],
  evaluate: ({ sshd, sshVersion }) => {
    const modes = terrapinModes(list(sshd.config, 'ciphers'), list(sshd.config, 'macs'));
    if (!modes.length) return { status: 'pass' };
    const v = fixedIn(sshVersion, TERRAPIN_FIXED_UPSTREAM, TERRAPIN_BACKPORTS);
    if (v.fixed === true) return { status: 'pass' };
    const evidence = `offers ${modes.join(' and ')}; strict key exchange: ${v.fixed === false ? 'not available' : 'unknown'} (${v.why})`;
    const resource = sshdResource(sshd, 'Terrapin');
    if (v.fixed === false) return { status: 'fail', findings: [{ severity: 'medium', resource, evidence }] };
    return { status: 'fail', findings: [{ severity: 'low', resource, title: 'SSH may be exposed to the Terrapin attack (strict key exchange not established)', evidence }] };
  },
});
