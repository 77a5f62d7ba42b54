// Postfix: `postconf -n` (what the admin set), `postconf -x NAME…` (the effective, expanded values
// the relay checks need) and a summary of `postqueue -j` made on the host (message count,
// deferred count, oldest arrival): no addresses or subjects leave the host.
import { NotApplicableError } from './sectionResult';
import { outputExcerpt } from './excerpt';
import { parseCerts, parseConfigProblems, parseMasterOverrides, parseQueueDetail, postconfWarnings, type PostfixHealth } from './postfixHealth';

export interface PostfixQueue {
  count: number;
  deferred: number;
  /** Unix seconds of the oldest message, null when the queue is empty. */
  oldestArrival: number | null;
}

export interface PostfixFacts extends PostfixHealth {
  /** `postconf -n`: parameters set explicitly in main.cf. */
  explicit: Record<string, string>;
  /** `postconf -x` of the parameters the checks read (defaults included, $names expanded). */
  effective: Record<string, string>;
  /** null when the queue could not be read (e.g. Postfix is not running); see queueNote. */
  queue: PostfixQueue | null;
  queueNote: string | null;
}

/** Parameters the mail checks read; the collector asks `postconf -x` for exactly these. */
export const POSTFIX_PARAMETERS = [
  'mail_version',
  'inet_interfaces',
  'mynetworks',
  'mynetworks_style',
  'smtpd_relay_restrictions',
  'smtpd_recipient_restrictions',
  'smtpd_client_restrictions',
  'smtpd_tls_security_level',
  'smtpd_tls_cert_file',
  'smtpd_tls_chain_files',
  'smtp_tls_security_level',
  'disable_vrfy_command',
  'smtpd_banner',
  'smtpd_use_tls',
  'relayhost',
  // TLS in use, certificates, and what the server sends for (mail stack health, issue 13).
  'smtpd_tls_protocols',
  'smtpd_tls_mandatory_protocols',
  'smtp_tls_protocols',
  'smtp_tls_mandatory_protocols',
  'smtpd_tls_eccert_file',
  'smtpd_tls_dcert_file',
  'smtp_tls_cert_file',
  'smtp_tls_chain_files',
  'config_directory',
  'myhostname',
  'mydomain',
  'myorigin',
  'mydestination',
  'virtual_mailbox_domains',
  'virtual_alias_domains',
  'smtpd_milters',
  'non_smtpd_milters',
] as const;

function parsePostconf(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | null = null;
  for (const line of lines) {
    const m = /^([a-z0-9_]+)\s*=\s?(.*)$/.exec(line);
    if (m) {
      last = m[1]!;
      out[last] = m[2]!.trim();
    } else if (last && /^\s+\S/.test(line)) {
      // postconf folds long values onto indented continuation lines.
      out[last] = `${out[last]} ${line.trim()}`.trim();
    }
  }
  return out;
}

interface Block {
  lines: string[];
  rc: number | null;
}

/** Body: `@installed no` (→ NotApplicableError) or blocks `@postconf-n`, `@effective`, `@queue`, each ending with `@rc N`. */
export function parsePostfix(text: string): PostfixFacts {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.some((l) => l.trim() === '@installed no')) throw new NotApplicableError('Postfix is not installed on this host');
  const blocks = new Map<string, Block>();
  let cur: Block | null = null;
  for (const line of lines) {
    const b = /^@(postconf-n|effective|queue|master|perm|certs)$/.exec(line.trim());
    if (b) {
      cur = { lines: [], rc: null };
      blocks.set(b[1]!, cur);
      continue;
    }
    const rc = /^@rc (\d+)$/.exec(line.trim());
    if (rc && cur) {
      cur.rc = Number(rc[1]);
      cur = null;
      continue;
    }
    if (cur) cur.lines.push(line);
  }
  const n = blocks.get('postconf-n');
  if (!n) throw new Error(`unexpected postfix section output: "${outputExcerpt(text, 120)}"`);
  if (n.rc !== 0) {
    const msg = n.lines.join(' ').trim();
    if (/open \S*main\.cf: No such file/i.test(msg)) throw new NotApplicableError('Postfix is installed but has no main.cf (not configured)');
    throw new Error(`postconf -n failed (exit ${n.rc ?? 'cut off'}): ${outputExcerpt(msg, 200)}`);
  }
  const eff = blocks.get('effective');
  if (!eff || eff.rc !== 0) throw new Error(`postconf -x failed: ${outputExcerpt((eff?.lines ?? []).join(' '), 200)}`);
  const facts: PostfixFacts = {
    explicit: parsePostconf(n.lines),
    effective: parsePostconf(eff.lines),
    queue: null,
    queueNote: null,
    queueDetail: null,
    now: null,
    warnings: postconfWarnings(n.lines),
    configProblems: blocks.has('perm') ? parseConfigProblems(blocks.get('perm')!.lines) : null,
    masterOverrides: parseMasterOverrides(blocks.get('master')?.lines ?? []),
    certs: parseCerts(blocks.get('certs')?.lines ?? []),
  };

  const q = blocks.get('queue');
  const now = q?.lines.map((l) => /^@now (\d+)$/.exec(l.trim())).find((m) => m)?.[1];
  if (now) facts.now = Number(now);
  if (q) {
    const get = (k: string): string | undefined => q.lines.map((l) => new RegExp(`^@${k} (\\S+)$`).exec(l.trim())).find((m) => m)?.[1];
    const qrc = get('qrc');
    const count = get('count');
    const errors = q.lines.filter((l) => l.trim() && !l.startsWith('@') && !/: warning: /.test(l)).join(' ').trim();
    if (qrc === '0' && count !== undefined) {
      const oldest = get('oldest');
      facts.queue = { count: Number(count), deferred: Number(get('deferred') ?? 0), oldestArrival: oldest && /^\d+$/.test(oldest) ? Number(oldest) : null };
      facts.queueDetail = parseQueueDetail(q.lines);
    } else {
      facts.queueNote = /mail system is down/i.test(errors)
        ? 'the queue could not be read: Postfix is not running'
        : `postqueue -j failed (exit ${qrc ?? '?'}): ${outputExcerpt(errors, 200)}`;
    }
  } else facts.queueNote = 'the queue was not read';
  return facts;
}

/** Postfix restriction lists: comma and/or space separated; `check_*` lookups keep their table. */
export function restrictionList(value: string | undefined): string[] {
  if (!value) return [];
  const tokens = value.split(/[\s,]+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // check_client_access hash:/etc/postfix/x → one restriction
    if (/^check_\w+_access$|^check_policy_service$|^check_\w+_(ns|mx|a)_access$/.test(t) && tokens[i + 1]) {
      out.push(`${t} ${tokens[i + 1]}`);
      i++;
    } else out.push(t);
  }
  return out;
}

/** Splits `mynetworks` into its entries (CIDRs, [v6]/n, hosts, lookup tables). */
export function mynetworksEntries(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}
