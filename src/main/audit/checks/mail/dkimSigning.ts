import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { notSendingReason } from './health';
import { signersOf } from './signers';

/** The domains this Postfix sends for: myorigin and the literal domains of mydestination and the virtual domain lists. */
export function sendingDomains(effective: Record<string, string>): { domains: string[]; tables: string[] } {
  const host = (effective.myhostname ?? '').toLowerCase();
  const tables: string[] = [];
  const domains = new Set<string>();
  const add = (v: string | undefined, skipLocal: boolean): void => {
    for (const t of (v ?? '').split(/[\s,]+/).filter(Boolean)) {
      if (t.includes(':')) {
        tables.push(t);
        continue;
      }
      const d = t.toLowerCase().replace(/\.$/, '');
      if (!d.includes('.') || d.endsWith('.invalid') || /^localhost(\.|$)/.test(d) || (skipLocal && d === host)) continue;
      domains.add(d);
    }
  };
  add(effective.myorigin, false);
  add(effective.mydestination, true);
  add(effective.virtual_mailbox_domains, false);
  add(effective.virtual_alias_domains, false);
  return { domains: [...domains].sort(), tables };
}

export default defineCheck({
  id: 'MAIL-DKIM-SIGNING',
  title: 'Mail of a domain is not DKIM-signed',
  category: 'mail',
  severity: 'high',
  references: ['https://datatracker.ietf.org/doc/html/rfc6376', 'https://support.google.com/a/answer/81126', 'http://www.opendkim.org/opendkim.conf.5.html', 'https://rspamd.com/doc/modules/dkim_signing.html'],
  rationale:
    'Every domain the server sends for needs a DKIM signature: DMARC passes only with an aligned SPF or DKIM result, SPF breaks whenever mail is forwarded, and Gmail and Yahoo require DKIM of bulk senders. A domain without a signing entry (OpenDKIM KeyTable/SigningTable, Rspamd dkim_signing), or a signer Postfix does not pass mail through (smtpd_milters / non_smtpd_milters), sends unsigned mail. Whether the published DNS key matches the private key is the mail audit\'s MAIL-DKIM-HOST-* check.',
  remediation: 'Add the domain to OpenDKIM\'s KeyTable and SigningTable (or an Rspamd dkim_signing domain entry) with a key, publish its public key in DNS, and name the signer in main.cf: `smtpd_milters = inet:localhost:8891` (OpenDKIM) or `inet:localhost:11332` (Rspamd) plus `non_smtpd_milters = $smtpd_milters`; `postfix reload`.',
  fixKind: 'manual',
  requires: ['postfix', 'mailStack'],
  evaluate: ({ postfix, mailStack }) => {
    const why = notSendingReason(postfix);
    if (why) return { status: 'not-applicable', message: why };
    const { domains, tables } = sendingDomains(postfix.effective);
    if (!domains.length) return { status: 'not-applicable', message: `no sending domain is named literally in main.cf${tables.length ? ` (lookup tables ${tables.join(', ')} are not read)` : ''}` };
    const s = signersOf(mailStack);
    const milters = `${postfix.effective.smtpd_milters ?? ''} ${postfix.effective.non_smtpd_milters ?? ''}`.toLowerCase();
    const sock = (s.opendkimSocket ?? '').toLowerCase();
    const sockPort = /^inet6?:(\d+)/.exec(sock)?.[1];
    const sockPath = /^(?:local|unix):(.+)$/.exec(sock)?.[1];
    const opendkimWired = /opendkim/.test(milters) || (!!sockPort && new RegExp(`:${sockPort}\\b`).test(milters)) || (!!sockPath && milters.includes(sockPath));
    const rspamdWired = /rspamd|:11332\b/.test(milters);
    const findings: FindingDraft[] = [];
    for (const d of domains) {
      const byOpendkim = s.opendkim?.has(d) ?? false;
      const byRspamd = s.rspamd === 'all' || (s.rspamd instanceof Set && s.rspamd.has(d));
      if ((byOpendkim && opendkimWired) || (byRspamd && rspamdWired)) continue;
      const evidence =
        byOpendkim || byRspamd
          ? `${d}: ${byOpendkim ? 'OpenDKIM has a key for it' : 'Rspamd would sign it'}, but Postfix does not pass mail through ${byOpendkim ? 'OpenDKIM' : 'Rspamd'} (smtpd_milters = ${postfix.effective.smtpd_milters || '(empty)'}, non_smtpd_milters = ${postfix.effective.non_smtpd_milters || '(empty)'})`
          : `${d}: no DKIM signing entry (${s.opendkim ? `OpenDKIM signs ${[...s.opendkim].sort().join(', ') || 'nothing'}` : 'no OpenDKIM configuration'}; ${s.rspamd === null ? 'no Rspamd dkim_signing' : `Rspamd signs ${[...(s.rspamd as Set<string>)].sort().join(', ') || 'nothing'}`})`;
      findings.push({ severity: 'high', resource: `dkim:${d}`, evidence });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
