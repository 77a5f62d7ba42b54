import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { rspamdState } from './signers';

export default defineCheck({
  id: 'MAIL-RSPAMD',
  title: 'Rspamd unreachable, or its greylisting or DKIM signing off',
  category: 'mail',
  severity: 'medium',
  references: ['https://rspamd.com/doc/modules/greylisting.html', 'https://rspamd.com/doc/modules/dkim_signing.html', 'https://rspamd.com/doc/workers/controller.html'],
  rationale:
    'Rspamd filters spam and, in Mailcow and many Postfix set-ups, signs outgoing mail with DKIM. A running Rspamd (on the host, or a container on its network address) whose controller does not answer /ping on its default port (11334) is hung or misconfigured (Postfix then defers or passes mail unfiltered, by milter_default_action) — or its controller listens elsewhere (bind_socket in worker-controller.inc), which the audit does not follow: hence medium. DKIM signing switched off (enabled = false in dkim_signing.conf) sends mail unsigned, which fails DMARC wherever SPF does not align. Greylisting switched off lets more spam through (low).',
  remediation: 'Rspamd down: `rspamadm configtest`, `journalctl -u rspamd` (Mailcow: `docker compose logs rspamd-mailcow`). Signing/greylisting: remove `enabled = false` from local.d/dkim_signing.conf or greylist.conf and reload Rspamd.',
  fixKind: 'manual',
  requires: ['mailStack'],
  evaluate: ({ mailStack }) => {
    const r = rspamdState(mailStack);
    if (!r.present) return { status: 'not-applicable', message: 'no Rspamd on this host (service, container or configuration)' };
    const findings: FindingDraft[] = [];
    if (r.hostRunning && mailStack.rspamdPing !== null && mailStack.rspamdPing !== 'pong')
      findings.push({ severity: 'medium', resource: 'rspamd:controller', evidence: `Rspamd runs on the host but its controller (127.0.0.1:11334) answered /ping with ${mailStack.rspamdPing ? `"${mailStack.rspamdPing}"` : 'nothing'}, not "pong"` });
    for (const c of mailStack.containers.filter((x) => x.role === 'rspamd' && x.state === 'running')) {
      const ping = mailStack.containerPings[c.name];
      if (ping && ping.answer !== 'pong')
        findings.push({ severity: 'medium', resource: `rspamd:container:${c.name}`, evidence: `the Rspamd container ${c.name} runs but its controller (${ping.address}:11334) answered /ping with ${ping.answer ? `"${ping.answer}"` : 'nothing'}, not "pong"` });
    }
    for (const f of r.dkimDisabledIn) findings.push({ severity: 'medium', resource: 'rspamd:dkim_signing', evidence: `DKIM signing is switched off in ${f} (enabled = false)` });
    for (const f of r.greylistDisabledIn) findings.push({ severity: 'low', resource: 'rspamd:greylist', evidence: `greylisting is switched off in ${f} (enabled = false)` });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
