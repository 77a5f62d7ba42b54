// What the SMTP/TLS probes collect (smtpProbe.ts does the I/O) and which hosts and ports they
// probe. Pure: the probe plan is read from a DnsView like the checks' lookups, so the DNS passes
// fetch the MX hosts, their addresses and the named hosts' addresses before anything connects.
import net from 'node:net';
import type { MailContext, MailOutcome } from './checks/types';
import { mxSet } from './checks/lookups';
import type { DnsView } from './dnsView';
import { describeResult } from './dnsView';

/** Addresses on the envelope of the relay test: RFC 2606 names, never the audited domain. */
export const RELAY_FROM = 'rampart-relay-test@example.org';
export const RELAY_TO = 'rampart-relay-test@example.net';

/** The mail ports probed on each host: SMTP, submissions, submission, IMAPS, POP3S. */
export const MAIL_PORTS = [25, 465, 587, 993, 995] as const;
const IMPLICIT_TLS_PORTS = new Set([465, 993, 995]);
const PORT_NAMES: Record<number, string> = { 25: 'SMTP', 465: 'submissions', 587: 'submission', 993: 'IMAPS', 995: 'POP3S' };

export type PortMode = 'starttls' | 'implicit';
/** 465/993/995 speak TLS from the first byte; any other port is SMTP with STARTTLS. */
export const portMode = (port: number): PortMode => (IMPLICIT_TLS_PORTS.has(port) ? 'implicit' : 'starttls');
export const portLabel = (port: number): string => `${port}${PORT_NAMES[port] ? ` (${PORT_NAMES[port]}${portMode(port) === 'starttls' ? ' STARTTLS' : ''})` : ' (SMTP STARTTLS)'}`;
/** SMTP ports (greeting, EHLO): everything but IMAPS and POP3S. */
export const isSmtpPort = (port: number): boolean => port !== 993 && port !== 995;

/** A host named with --smtp-host; port null = every mail port. */
export interface NamedSmtpHost {
  host: string;
  port: number | null;
}

export interface SmtpContext {
  named: readonly NamedSmtpHost[];
  /** --open-relay-test: the relay dialogue runs against the named hosts. */
  relayTest: boolean;
  /** What the probes found; null until they ran (after the DNS passes). */
  facts: SmtpFacts | null;
}

export interface SmtpTarget {
  /** The MX name or the name given; the address itself when the host was given as one. */
  host: string;
  address: string;
  port: number;
  source: 'mx' | 'named';
  /** Given as an address: no name for SNI or for the certificate name check. */
  byAddress: boolean;
  /** The open relay test runs here (--open-relay-test, a named host, its SMTP port). */
  relay: boolean;
}

export interface CertInfo {
  subject: string;
  altNames: string[];
  issuer: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
  /** DER, base64: for DANE matching in memory; not stored with the run. */
  der: string;
}

export interface TlsInfo {
  protocol: string | null;
  cipher: string | null;
  /** The chain verifies against the trusted CAs (the name is checked separately). */
  authorized: boolean;
  authorizationError: string | null;
  /** null: the host was given by address, so there is no name to check. */
  nameMatch: boolean | null;
  nameError: string | null;
  /** As the server presented it (plus the root the verifier found), leaf first. */
  chain: CertInfo[];
}

/** A handshake pinned to old versions or weak ciphers: did the server accept it? */
export type HandshakeTry = { result: 'accepted'; protocol: string; cipher: string } | { result: 'refused'; message: string } | { result: 'error'; message: string };

export type PortState = 'tls' | 'closed' | 'unreachable' | 'timeout' | 'no-starttls' | 'tls-failed' | 'smtp-error' | 'error';

export interface PortProbe extends SmtpTarget {
  mode: PortMode;
  state: PortState;
  message: string | null;
  /** The 220 greeting (first line), SMTP ports with STARTTLS only. */
  greeting: string | null;
  ehlo: string[] | null;
  tls: TlsInfo | null;
  legacy: { 'TLSv1': HandshakeTry; 'TLSv1.1': HandshakeTry } | null;
  weakCiphers: HandshakeTry | null;
  ms: number;
}

export interface RelayProbe {
  host: string;
  address: string;
  port: number;
  verdict: 'relayed' | 'refused' | 'inconclusive' | 'unreachable';
  message: string;
  /** "C: …" / "S: …" lines of the dialogue. */
  transcript: string[];
}

export interface SmtpFacts {
  /** When the probes ran: expiry is judged against this instant (evaluation stays pure). */
  probedAt: string;
  ports: PortProbe[];
  relay: RelayProbe[];
  /** Addresses not probed and why (documentation ranges, unspecified). */
  skipped: Array<{ host: string; address: string; reason: string }>;
  /** Named hosts whose name gave no address. */
  unresolved: Array<{ host: string; reason: string }>;
}

// Documentation, unspecified and multicast ranges: an MX there is a placeholder, never a server.
const NOT_PROBED = new net.BlockList();
NOT_PROBED.addSubnet('192.0.2.0', 24);
NOT_PROBED.addSubnet('198.51.100.0', 24);
NOT_PROBED.addSubnet('203.0.113.0', 24);
NOT_PROBED.addSubnet('0.0.0.0', 8);
NOT_PROBED.addSubnet('224.0.0.0', 4);
NOT_PROBED.addSubnet('240.0.0.0', 4);
NOT_PROBED.addSubnet('2001:db8::', 32, 'ipv6');
NOT_PROBED.addSubnet('ff00::', 8, 'ipv6');
NOT_PROBED.addAddress('::', 'ipv6');

/** Why an address is not probed, or null when it is. */
export function unprobeable(address: string): string | null {
  const v6 = net.isIPv6(address);
  if (!NOT_PROBED.check(address, v6 ? 'ipv6' : 'ipv4')) return null;
  if (/^(192\.0\.2|198\.51\.100|203\.0\.113)\./.test(address) || /^2001:0?db8:/i.test(address)) return 'a documentation address (RFC 5737 / RFC 3849), not a real server';
  return 'not a unicast address';
}

export interface SmtpPlan {
  targets: SmtpTarget[];
  skipped: SmtpFacts['skipped'];
  unresolved: SmtpFacts['unresolved'];
}

/** The hosts and ports to probe: every address of every MX on every mail port, and the named hosts. Pending while a lookup is. */
export function planSmtpTargets(dns: DnsView, ctx: MailContext): { plan: SmtpPlan } | { pending: MailOutcome } {
  const named = ctx.smtp?.named ?? [];
  const relayTest = ctx.smtp?.relayTest ?? false;
  const plan: SmtpPlan = { targets: [], skipped: [], unresolved: [] };
  const add = (t: SmtpTarget): void => {
    const k = `${t.host}|${t.address}|${t.port}`;
    const dup = plan.targets.find((o) => `${o.host}|${o.address}|${o.port}` === k);
    if (dup) {
      dup.relay ||= t.relay;
      return;
    }
    plan.targets.push(t);
  };
  const skip = (host: string, address: string): boolean => {
    const why = unprobeable(address);
    if (why && !plan.skipped.some((s) => s.address === address)) plan.skipped.push({ host, address, reason: why });
    return why !== null;
  };
  const mx = mxSet(dns, ctx.domain);
  if (mx.kind === 'problem' && mx.outcome.status === 'error' && /not looked up yet/.test(mx.outcome.message)) return { pending: mx.outcome };
  if (mx.kind === 'hosts')
    for (const h of mx.hosts)
      for (const address of h.addresses) {
        if (skip(h.exchange, address)) continue;
        for (const port of MAIL_PORTS) add({ host: h.exchange, address, port, source: 'mx', byAddress: false, relay: false });
      }
  for (const n of named) {
    const ports = n.port === null ? [...MAIL_PORTS] : [n.port];
    let addresses: string[];
    if (net.isIP(n.host)) addresses = [n.host];
    else {
      const a = dns.lookup(n.host, 'A');
      const aaaa = dns.lookup(n.host, 'AAAA');
      if (a.kind === 'pending' || aaaa.kind === 'pending') return { pending: { status: 'error', message: `address of ${n.host}: not looked up yet` } };
      addresses = [a, aaaa].flatMap((r) => (r.kind === 'answer' ? r.data.filter((d) => net.isIP(d)) : []));
      if (!addresses.length) {
        plan.unresolved.push({ host: n.host, reason: `A: ${describeResult(a)}; AAAA: ${describeResult(aaaa)}` });
        continue;
      }
    }
    for (const address of addresses) {
      if (skip(n.host, address)) continue;
      for (const port of ports) add({ host: n.host.toLowerCase(), address, port, source: 'named', byAddress: net.isIP(n.host) !== 0, relay: relayTest && port === (n.port ?? 25) });
    }
  }
  return { plan };
}

/** The facts for a check, or its outcome when the probes did not run (yet). */
export function smtpFactsFor(dns: DnsView, ctx: MailContext): { facts: SmtpFacts; plan: SmtpPlan } | { outcome: MailOutcome } {
  if (!ctx.smtp) return { outcome: { status: 'not-applicable', message: 'the SMTP/TLS probes were not run in this audit' } };
  const p = planSmtpTargets(dns, ctx);
  if ('pending' in p) return { outcome: p.pending };
  if (!ctx.smtp.facts) return { outcome: { status: 'error', message: 'the SMTP/TLS probes have not run yet' } };
  if (!p.plan.targets.length) {
    const why = p.plan.skipped.length ? `not probed: ${p.plan.skipped.map((s) => `${s.host} ${s.address} is ${s.reason}`).join('; ')}` : 'no MX host and no --smtp-host to probe';
    return { outcome: { status: 'not-applicable', message: why } };
  }
  return { facts: ctx.smtp.facts, plan: p.plan };
}

/** Hosts named with --smtp-host that were not probed (no address, or an address never probed), as error lines. */
export function namedHostProblems(dns: DnsView, ctx: MailContext): string[] {
  const p = planSmtpTargets(dns, ctx);
  if ('pending' in p) return [];
  const named = ctx.smtp?.named ?? [];
  return [
    ...p.plan.unresolved.map((u) => `--smtp-host ${u.host}: no address (${u.reason})`),
    ...p.plan.skipped.filter((s) => named.some((n) => n.host.toLowerCase() === s.host || n.host === s.address)).map((s) => `--smtp-host ${s.host}: ${s.address} not probed: ${s.reason}`),
  ];
}

/** "mx.example.com 192.0.2.1:25" */
export const where = (p: { host: string; address: string; port: number }): string =>
  `${p.host === p.address ? '' : `${p.host} `}${p.address.includes(':') ? `[${p.address}]` : p.address}:${p.port}`;

/** Port 25 of an MX is opportunistic TLS for most senders: certificate problems there weigh less. */
export const isMxSmtp = (p: { source: string; port: number }): boolean => p.port === 25;

/** Ports whose TLS worked. */
export const tlsPorts = (facts: SmtpFacts): Array<PortProbe & { tls: TlsInfo }> => facts.ports.filter((p): p is PortProbe & { tls: TlsInfo } => p.state === 'tls' && p.tls !== null);
