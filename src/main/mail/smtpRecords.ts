// The SMTP/TLS probe results as stored with the run and shown in reports ("TLS per port"): the
// facts without certificate bytes, plus the TLSA records per MX and whether one matched.
import { matchTlsa, parseTlsa, tlsaName, tlsaUnusable } from './dane';
import type { DnsView } from './dnsView';
import { describeResult } from './dnsView';
import type { MailContext } from './checks/types';
import { planSmtpTargets, portLabel, type HandshakeTry, type RelayProbe, type SmtpFacts } from './smtpFacts';

export interface SmtpPortRecord {
  host: string;
  address: string;
  port: number;
  source: 'mx' | 'named';
  mode: 'starttls' | 'implicit';
  state: string;
  message: string | null;
  greeting: string | null;
  protocol: string | null;
  cipher: string | null;
  chainValid: boolean | null;
  chainError: string | null;
  nameMatch: boolean | null;
  certificate: { subject: string; altNames: string[]; issuer: string; notBefore: string; notAfter: string; sha256: string } | null;
  chainLength: number;
  /** "accepted (cipher)" / "refused" / "error: …"; null when not tried (no TLS). */
  tls10: string | null;
  tls11: string | null;
  weakCiphers: string | null;
  ms: number;
}

export interface SmtpRecords {
  probedAt: string | null;
  ports: SmtpPortRecord[];
  dane: Array<{ host: string; name: string; found: string; records: string[]; matched: boolean | null }>;
  relay: RelayProbe[];
  skipped: SmtpFacts['skipped'];
  unresolved: SmtpFacts['unresolved'];
}

const tried = (t: HandshakeTry | null | undefined): string | null => (!t ? null : t.result === 'accepted' ? `accepted (${t.protocol} ${t.cipher})` : t.result === 'refused' ? 'refused' : `error: ${t.message}`);

export function describeSmtp(dns: DnsView, ctx: MailContext): SmtpRecords {
  const facts = ctx.smtp?.facts ?? null;
  const ports: SmtpPortRecord[] = (facts?.ports ?? []).map((p) => {
    const leaf = p.tls?.chain[0];
    return {
      host: p.host,
      address: p.address,
      port: p.port,
      source: p.source,
      mode: p.mode,
      state: p.state,
      message: p.message,
      greeting: p.greeting,
      protocol: p.tls?.protocol ?? null,
      cipher: p.tls?.cipher ?? null,
      chainValid: p.tls ? p.tls.authorized : null,
      chainError: p.tls?.authorizationError ?? null,
      nameMatch: p.tls?.nameMatch ?? null,
      certificate: leaf ? { subject: leaf.subject, altNames: leaf.altNames, issuer: leaf.issuer, notBefore: leaf.notBefore, notAfter: leaf.notAfter, sha256: leaf.sha256 } : null,
      chainLength: p.tls?.chain.length ?? 0,
      tls10: tried(p.legacy?.['TLSv1']),
      tls11: tried(p.legacy?.['TLSv1.1']),
      weakCiphers: tried(p.weakCiphers),
      ms: p.ms,
    };
  });
  const plan = planSmtpTargets(dns, ctx);
  const hosts = 'plan' in plan ? [...new Set(plan.plan.targets.filter((t) => t.port === 25 && !t.byAddress).map((t) => t.host))] : [];
  const dane = hosts.map((host) => {
    const name = tlsaName(host);
    const r = dns.lookup(name, 'TLSA');
    const records = r.kind === 'answer' ? r.data : [];
    const usable = records.map(parseTlsa).filter((t) => t !== null && !tlsaUnusable(t));
    const served = (facts?.ports ?? []).filter((p) => p.host === host && p.port === 25 && p.tls);
    const matched = !usable.length || !served.length ? null : served.every((p) => usable.some((t) => matchTlsa(t!, p.tls!.chain.map((c) => Buffer.from(c.der, 'base64'))).matched));
    return { host, name, found: r.kind === 'answer' ? `${records.length} record${records.length === 1 ? '' : 's'}` : describeResult(r), records, matched };
  });
  return { probedAt: facts?.probedAt ?? null, ports, dane, relay: facts?.relay ?? [], skipped: facts?.skipped ?? [], unresolved: facts?.unresolved ?? [] };
}

/** Text lines for the table and markdown reports. */
export function smtpRecordLines(s: SmtpRecords): string[] {
  const out: string[] = [];
  for (const p of s.ports) {
    const head = `TLS ${p.host === p.address ? '' : `${p.host} `}${p.address}:${portLabel(p.port)}`;
    if (p.state !== 'tls') {
      out.push(`${head}: ${p.state}${p.message ? ` (${p.message})` : ''}`);
      continue;
    }
    const c = p.certificate;
    out.push(
      `${head}: ${p.protocol} ${p.cipher}; chain ${p.chainValid ? 'valid' : `INVALID (${p.chainError})`}; name ${p.nameMatch === null ? 'not checked (address)' : p.nameMatch ? 'ok' : 'MISMATCH'}` +
        `${c ? `; "${c.subject}" by "${c.issuer}" until ${c.notAfter.slice(0, 10)}` : ''}; TLS 1.0 ${p.tls10}, TLS 1.1 ${p.tls11}; aNULL/eNULL ${p.weakCiphers}${p.greeting !== null ? `; greeting "${p.greeting.slice(0, 60)}"` : ''}`,
    );
  }
  for (const d of s.dane) out.push(`DANE ${d.name}: ${d.found}${d.records.length ? ` (${d.records.map((r) => r.slice(0, 24) + '…').join(', ')})` : ''}${d.matched === null ? '' : d.matched ? ' — matches the served certificate' : ' — MATCHES NOTHING served'}`);
  for (const r of s.relay) out.push(`Relay test ${r.host} ${r.address}:${r.port}: ${r.verdict} — ${r.message}`);
  for (const k of s.skipped) out.push(`Not probed: ${k.host} ${k.address} (${k.reason})`);
  for (const u of s.unresolved) out.push(`Not probed: ${u.host} (${u.reason})`);
  return out;
}
