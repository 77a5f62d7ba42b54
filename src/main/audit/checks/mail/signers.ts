// What the mail stack's config files say about Rspamd (greylisting, DKIM signing) and which domains
// OpenDKIM and Rspamd sign for. The config texts come from the mail_stack section (comments and
// key-like lines removed on the host); the OpenDKIM and Rspamd parsers are hostDkim.ts's.
import type { MailStackFacts } from '../../parsers/mailStack';
import { datasetFile, parseKeyTable, parseOpendkimConf, parseSigningTable } from '../../../mail/hostDkim';

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const disabled = (text: string): boolean => /(^|[\s;{])enabled\s*=\s*(false|no|off)\b/m.test(text);

export interface RspamdState {
  present: boolean;
  /** Rspamd runs on the host (systemd active or a live pid file). */
  hostRunning: boolean;
  dkimDisabledIn: string[];
  greylistDisabledIn: string[];
}

export function rspamdState(s: MailStackFacts): RspamdState {
  const svc = s.services.find((x) => x.unit === 'rspamd');
  const hostRunning = !!svc && (svc.state === 'active' || svc.state === 'running');
  const confs = s.configs.filter((c) => /rspamd/.test(c.path));
  return {
    present: !!svc || s.rspamdPing !== null || s.containers.some((c) => c.role === 'rspamd') || confs.length > 0,
    hostRunning,
    dkimDisabledIn: confs.filter((c) => base(c.path) === 'dkim_signing.conf' && disabled(c.text)).map((c) => c.path),
    greylistDisabledIn: confs.filter((c) => base(c.path) === 'greylist.conf' && disabled(c.text)).map((c) => c.path),
  };
}

export interface Signers {
  /** Domains OpenDKIM has a key for (KeyTable entries used by the SigningTable, or single-key mode). */
  opendkim: Set<string> | null;
  /** OpenDKIM's milter socket (opendkim.conf Socket). */
  opendkimSocket: string | null;
  /** Rspamd signs: 'all' (a global selector/path template or keys in Redis), a set of domains, or null (no config). */
  rspamd: 'all' | Set<string> | null;
  problems: string[];
}

/**
 * The host's signers (for the host's Postfix): /etc/opendkim.conf and Rspamd's configs under
 * /etc/rspamd. A containerised stack's Rspamd config (Mailcow's) signs its own Postfix container's
 * mail, not the host's.
 */
export function signersOf(s: MailStackFacts): Signers {
  const out: Signers = { opendkim: null, opendkimSocket: null, rspamd: null, problems: [] };
  const conf = s.configs.find((c) => c.path === '/etc/opendkim.conf');
  if (conf) {
    const m = parseOpendkimConf(conf.text);
    out.opendkimSocket = m.get('socket') ?? null;
    out.opendkim = new Set();
    const kt = m.get('keytable');
    const st = m.get('signingtable');
    const ktText = kt ? s.configs.find((c) => c.path === datasetFile(kt))?.text : undefined;
    const stText = st ? s.configs.find((c) => c.path === datasetFile(st))?.text : undefined;
    if (kt && ktText !== undefined) {
      const keys = parseKeyTable(ktText);
      const used = stText !== undefined ? parseSigningTable(stText) : null;
      for (const [name, k] of keys.keys) if (!used || used.has(name)) out.opendkim.add(k.domain);
    } else if (kt) out.problems.push(`OpenDKIM's KeyTable ${kt} could not be read`);
    const d = m.get('domain');
    if (!kt && d && m.get('keyfile')) for (const dom of d.split(/[\s,]+/).filter(Boolean)) out.opendkim.add(dom.toLowerCase());
  }
  for (const c of s.configs.filter((x) => base(x.path) === 'dkim_signing.conf' && x.path.startsWith('/etc/rspamd/'))) {
    if (disabled(c.text)) continue;
    const domains = [...c.text.matchAll(/"?([A-Za-z0-9_.-]+\.[A-Za-z]{2,})"?\s*\{/g)].map((m) => m[1]!.toLowerCase());
    const global = /(^|[\s;])(path|selector)\s*=/.test(c.text.replace(/domain\s*\{[\s\S]*\}/, '')) || /use_redis\s*=\s*(true|yes|on)/.test(c.text);
    if (global) out.rspamd = 'all';
    else if (out.rspamd !== 'all') out.rspamd = new Set([...(out.rspamd ?? []), ...domains]);
  }
  return out;
}
