// The Postfix health blocks of the mail_postfix section (sections/mail.ts): the queue per queue
// with its oldest arrival and the deferral reasons grouped on the host (recipient domain + reason
// text with every local part replaced by `*`: no address, subject or body leaves the host),
// postconf's own warnings, config files whose owner or mode `postfix check` would warn about,
// master.cf overrides (`postconf -P`) and the TLS certificate files, of which the host sends only
// the first CERTIFICATE block (never a key). Pure functions.
import { X509Certificate } from 'node:crypto';

export interface QueueStat {
  count: number;
  /** Unix seconds of the oldest message in this queue. */
  oldestArrival: number | null;
}

export interface DeferralReason {
  /** Recipients (not messages) deferred with this reason. */
  count: number;
  /** The recipient domain (lower case), "(local)" without one. */
  domain: string;
  /** delay_reason with every local part replaced by `*` (e.g. `<*@example.org>`). */
  reason: string;
}

export interface QueueDetail {
  /** The host's clock when the queue was read (Unix seconds). */
  now: number | null;
  /** Per queue (active, deferred, hold, incoming, maildrop, corrupt); queues without messages are absent. */
  queues: Record<string, QueueStat>;
  /** The most frequent reasons first (at most 10). */
  reasons: DeferralReason[];
  /** Distinct (domain, reason) groups and recipients with a reason, over the whole queue. */
  reasonGroups: number;
  reasonRecipients: number;
}

export interface ConfigFileProblem {
  path: string;
  /** Octal mode, e.g. "666". */
  mode: string;
  uid: number;
}

export type CertState = 'ok' | 'missing' | 'unreadable' | 'no-certificate' | 'unparseable';

export interface PostfixCert {
  path: string;
  /** Where it is configured: main.cf parameter names and/or master.cf `service/type/parameter`. */
  usedBy: string[];
  state: CertState;
  subject: string | null;
  /** Unix seconds. */
  notAfter: number | null;
  altNames: string[];
}

export interface PostfixHealth {
  /** The host's clock when the section ran (Unix seconds), null if unknown. */
  now: number | null;
  queueDetail: QueueDetail | null;
  /** `postconf: warning: …` lines (unused or overriding parameters, …), deduplicated. */
  warnings: string[];
  /** null when the config directory was not checked. */
  configProblems: ConfigFileProblem[] | null;
  /** master.cf `-o` overrides: "service/type/parameter" → value. */
  masterOverrides: Record<string, string>;
  certs: PostfixCert[];
}

/** Main.cf parameters that name certificate files. */
export const CERT_PARAMETERS = ['smtpd_tls_cert_file', 'smtpd_tls_eccert_file', 'smtpd_tls_dcert_file', 'smtpd_tls_chain_files', 'smtp_tls_cert_file', 'smtp_tls_chain_files'] as const;

const num = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);

/** The `@now`, `@q`, `@reason` and `@reasons` lines of the queue block. */
export function parseQueueDetail(lines: readonly string[]): QueueDetail {
  const d: QueueDetail = { now: null, queues: {}, reasons: [], reasonGroups: 0, reasonRecipients: 0 };
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^@now (\d+)$/.exec(line))) d.now = Number(m[1]);
    else if ((m = /^@q ([a-z?]+) (\d+) ?(\d*)$/.exec(line))) d.queues[m[1]!] = { count: Number(m[2]), oldestArrival: num(m[3]) };
    else if ((m = /^@reason (\d+)\t([^\t]*)\t(.*)$/.exec(line))) d.reasons.push({ count: Number(m[1]), domain: m[2]!, reason: m[3]! });
    else if ((m = /^@reasons (\d+) (\d+)$/.exec(line))) [d.reasonGroups, d.reasonRecipients] = [Number(m[1]), Number(m[2])];
  }
  d.reasons.sort((a, b) => b.count - a.count || a.domain.localeCompare(b.domain));
  return d;
}

/** postconf/postfix warning lines among any block's lines, without the program prefix, deduplicated. */
export function postconfWarnings(lines: readonly string[]): string[] {
  const out = new Set<string>();
  for (const l of lines) {
    const m = /^(?:\S*\/)?(?:postconf|postfix|postsuper|postqueue): warning: (.+)$/.exec(l.trim());
    if (m) out.add(m[1]!);
  }
  return [...out];
}

/** `@perm` block: `MODE UID PATH` lines from one stat of the files find reported. */
export function parseConfigProblems(lines: readonly string[]): ConfigFileProblem[] {
  const out: ConfigFileProblem[] = [];
  for (const l of lines) {
    const m = /^([0-7]{3,4}) (\d+) (\/.*)$/.exec(l);
    if (m) out.push({ mode: m[1]!.slice(-3), uid: Number(m[2]), path: m[3]! });
  }
  return out;
}

/** `postconf -P` lines: `service/type/parameter = value`. */
export function parseMasterOverrides(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const m = /^([^\s/]+\/[a-z-]+\/[a-z0-9_]+)\s*=\s?(.*)$/.exec(l);
    if (m) out[m[1]!] = m[2]!.trim();
  }
  return out;
}

/**
 * `@certs` block: `@file PATH` followed by the file's first certificate (PEM), or `@missing PATH`
 * / `@unreadable PATH`; `@uses PATH<TAB>WHERE` lines say which settings name each path.
 */
export function parseCerts(lines: readonly string[]): PostfixCert[] {
  const certs = new Map<string, PostfixCert>();
  const get = (path: string): PostfixCert => {
    let c = certs.get(path);
    if (!c) certs.set(path, (c = { path, usedBy: [], state: 'no-certificate', subject: null, notAfter: null, altNames: [] }));
    return c;
  };
  let cur: { cert: PostfixCert; pem: string[] } | null = null;
  const finish = (): void => {
    if (!cur) return;
    const { cert, pem } = cur;
    cur = null;
    if (!pem.length) return;
    try {
      const x = new X509Certificate(pem.join('\n'));
      cert.state = 'ok';
      cert.subject = x.subject.replace(/\n/g, ', ');
      cert.notAfter = Math.floor(Date.parse(x.validTo) / 1000);
      cert.altNames = (x.subjectAltName ?? '').split(/,\s*/).filter(Boolean);
    } catch {
      cert.state = 'unparseable';
    }
  };
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^@uses (\/[^\t]*)\t(.+)$/.exec(line))) {
      const c = get(m[1]!);
      if (!c.usedBy.includes(m[2]!)) c.usedBy.push(m[2]!);
    } else if ((m = /^@(file|missing|unreadable) (\/.*)$/.exec(line))) {
      finish();
      const c = get(m[2]!);
      if (m[1] === 'file') cur = { cert: c, pem: [] };
      else c.state = m[1] as CertState;
    } else if (cur && /^(-----(BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/=]+)$/.test(line)) cur.pem.push(line);
  }
  finish();
  return [...certs.values()].sort((a, b) => a.path.localeCompare(b.path));
}
