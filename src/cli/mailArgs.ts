// Parsing of `rampart mail` (pure, no I/O). Kept beside args.ts, which dispatches to it.
import { parseArgs } from 'node:util';
import { HostAddress, Port } from '../shared/domain';
import { parseResolverSpec, type ResolverServer } from '../main/mail/resolver';
import { databaseOption, FAIL_ON, FORMATS, UsageError, type FailOn, type Format } from './args';

export interface MailCommand {
  kind: 'mail';
  domain: string;
  /** --resolver: every query goes to this server only; null = the system's first resolver. */
  resolver: ResolverServer | null;
  dkimSelectors: string[];
  /** --dnsbl zones; null = the default lists. */
  dnsblZones: string[] | null;
  /** --smtp-host: probed besides the MX hosts; port null = every mail port (25, 465, 587, 993, 995). */
  smtpHosts: Array<{ host: string; port: number | null }>;
  /** The open relay test against the --smtp-host hosts (never against hosts not named). */
  openRelayTest: boolean;
  db: string | null;
  /** --host: the name of a host profile saved in the database (the mail server), whose DKIM keys are read over SSH. */
  host: string | null;
  format: Format;
  failOn: FailOn;
}

export const MAIL_HELP = `Usage: rampart mail --domain DOMAIN [--resolver IP[:PORT]] [--dkim-selector SEL]...
       [--dnsbl ZONE]... [--smtp-host HOST[:PORT]]... [--open-relay-test] [--db FILE | --no-db]
       [--host NAME] [--format json|table|markdown] [--fail-on SEVERITY|none]

Audits a mail domain from its DNS records: SPF (syntax, lookup count with a per-term breakdown,
void lookups, all, ptr, includes, MX addresses covered), DKIM keys of the selectors given, DMARC
(tree walk, policy, pct, reporting and external report authorisation), MTA-STS and TLS-RPT
records, MX hosts (addresses, CNAME, PTR with forward confirmation) and DNS blocklists; then
probes the mail ports of every MX address (and of --smtp-host hosts): TLS handshake, certificate
chain, expiry, name, TLS 1.0/1.1, anonymous/null ciphers, the SMTP greeting's name, DANE TLSA.
Extra trusted CAs for the probes: NODE_EXTRA_CA_CERTS=FILE.

Options:
  --domain DOMAIN             The domain to audit (required)
  --resolver IP[:PORT]        Send every DNS query to this server only (default: the first
                              nameserver of /etc/resolv.conf). Some blocklists refuse queries
                              from large public resolvers: their answers are reported as unknown
  --dkim-selector SEL         A DKIM selector to check (repeatable); DKIM keys cannot be listed
                              from DNS, so without one the DKIM checks do not apply
  --dnsbl ZONE                A DNS blocklist zone to ask about each MX address (repeatable;
                              default: zen.spamhaus.org, bl.spamcop.net, b.barracudacentral.org)
  --smtp-host HOST[:PORT]     Also probe this host (repeatable): without PORT its ports 25, 465,
                              587, 993 and 995, with PORT that port only (465/993/995 implicit
                              TLS, any other SMTP with STARTTLS). The MX hosts are always probed
  --open-relay-test           Try to relay through each --smtp-host without authentication
                              (MAIL FROM and RCPT TO outside addresses, QUIT before DATA)
  --db FILE                   SQLite database that keeps the runs (history, diff, triage);
                              default: the desktop app's database (as for audit)
  --no-db                     Keep nothing
  --host NAME                 The mail server, by the name of its host profile in the database: its
                              DKIM selectors and keys are read over SSH (opendkim, rspamd; the
                              public key is computed on the server) and matched with DNS
  --format json|table|markdown  Report format (default table)
  --fail-on SEVERITY          Exit 1 when a finding is at or above SEVERITY: critical, high,
                              medium, low, info, or none (default high)
  -h, --help                  Show this help

Exit status:
  0  audit complete, no finding at or above --fail-on
  1  at least one finding at or above --fail-on
  2  usage error, the resolver did not answer, or the audit is incomplete (a lookup failed, an
     option not implemented yet) with no finding at or above --fail-on
  130 interrupted
`;

const MAIL_OPTIONS = {
  domain: { type: 'string' },
  resolver: { type: 'string' },
  'dkim-selector': { type: 'string', multiple: true },
  dnsbl: { type: 'string', multiple: true },
  'smtp-host': { type: 'string', multiple: true },
  'open-relay-test': { type: 'boolean' },
  db: { type: 'string' },
  'no-db': { type: 'boolean' },
  host: { type: 'string' },
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
const MAIL_REPEATABLE = new Set(['dkim-selector', 'dnsbl', 'smtp-host']);

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;
function dnsName(raw: string, option: string, minLabels: number): string {
  const v = raw.trim().replace(/\.$/, '').toLowerCase();
  const labels = v.split('.');
  if (!v || v.length > 253 || labels.length < minLabels || !labels.every((l) => LABEL.test(l)) || (option === '--domain' && /^[0-9.]+$/.test(v)))
    throw new UsageError(`${option} must be a DNS name, got "${raw}"`, 'mail');
  return v;
}

function smtpHost(raw: string): { host: string; port: number | null } {
  const m = /^\[([^\]]+)\](?::(.*))?$/.exec(raw.trim()) ?? /^([^:]+)(?::(.*))?$/.exec(raw.trim());
  const host = HostAddress.safeParse(m?.[1] ?? '');
  if (!m || !host.success) throw new UsageError(`--smtp-host must be HOST[:PORT], got "${raw}"`, 'mail');
  let port: number | null = null;
  if (m[2] !== undefined) {
    const p = Port.safeParse(m[2]);
    if (!p.success) throw new UsageError(`--smtp-host "${raw}": the port must be 1-65535`, 'mail');
    port = p.data;
  }
  return { host: host.data, port };
}

export function parseMail(argv: readonly string[], cwd: string): MailCommand | { kind: 'help'; topic: 'mail' } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: MAIL_OPTIONS, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    const first = (e as Error).message.split('\n')[0]!;
    const missing = /^Option '(-\w, )?(--[\w-]+)(?: <value>)?' argument (missing|is ambiguous)/.exec(first);
    if (missing) throw new UsageError(`option ${missing[2]} needs a value`, 'mail');
    const unknown = /^Unknown option '([^']*)'/.exec(first);
    throw new UsageError(unknown ? `unknown option '${unknown[1]}'` : first.replace(/\.$/, ''), 'mail');
  }
  const { values, positionals, tokens } = parsed;
  if (values.help) return { kind: 'help', topic: 'mail' };
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (did you mean --domain ${positionals[0]}?)`, 'mail');
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name) && !MAIL_REPEATABLE.has(t.name)) throw new UsageError(`option --${t.name} given more than once`, 'mail');
    seen.add(t.name);
  }
  if (values.domain === undefined) throw new UsageError('--domain DOMAIN is required', 'mail');
  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`, 'mail');
  const failOn = values['fail-on'] ?? 'high';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, got "${failOn}"`, 'mail');
  let resolver: ResolverServer | null = null;
  if (values.resolver !== undefined) {
    try {
      resolver = parseResolverSpec(values.resolver);
    } catch (e) {
      throw new UsageError(`--resolver: ${(e as Error).message}`, 'mail');
    }
  }
  const selectors = (values['dkim-selector'] ?? []).map((s) => {
    const v = s.trim();
    if (!v || v.length > 200 || !v.split('.').every((l) => LABEL.test(l))) throw new UsageError(`--dkim-selector must be a selector such as "mail" or "s2024", got "${s}"`, 'mail');
    return v.toLowerCase();
  });
  if (values['open-relay-test'] && !values['smtp-host']?.length) throw new UsageError('--open-relay-test needs --smtp-host HOST: the relay test runs only against hosts you name', 'mail');
  const db = databaseOption(values, cwd, 'mail');
  const host = values.host?.trim();
  if (host !== undefined && (host === '' || host.includes('\0'))) throw new UsageError('--host needs the name of a saved host profile', 'mail');
  if (host !== undefined && db === null) throw new UsageError('--host NAME needs a database where the host profile is saved: the app\'s (the default) or --db FILE, not --no-db', 'mail');
  return {
    kind: 'mail',
    domain: dnsName(values.domain, '--domain', 2),
    resolver,
    dkimSelectors: [...new Set(selectors)],
    dnsblZones: values.dnsbl === undefined ? null : [...new Set(values.dnsbl.map((z) => dnsName(z, '--dnsbl', 2)))],
    smtpHosts: (values['smtp-host'] ?? []).map(smtpHost),
    openRelayTest: values['open-relay-test'] === true,
    db,
    host: host ?? null,
    format: format as Format,
    failOn: failOn as FailOn,
  };
}
