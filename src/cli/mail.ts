// `rampart mail`: the mail domain audit from a terminal or CI (same core as the app will use:
// runMailAudit + Store). The report shapes follow `rampart audit` (report.ts).
import { DEFAULT_DNSBL_ZONES } from '../main/mail/checks/dnsbl';
import { normaliseDomain, ResolverUnreachableError, runMailAudit } from '../main/mail/audit';
import type { MailRecords, SpfTreeNode } from '../main/mail/records';
import { smtpRecordLines } from '../main/mail/smtpRecords';
import { MailResolver } from '../main/mail/resolver';
import { openDatabase } from './db';
import type { RunDetail, Severity } from '../shared/domain';
import { SEVERITIES } from '../shared/domain';
import { CliError } from './connect';
import type { MailCommand } from './mailArgs';
import { readHostDkim } from './mailHost';
import { EXIT, exitCodeFor, oneLine, runReportBody, TOOL, type JsonReport } from './report';

export interface MailIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean | undefined };
  signal?: AbortSignal;
}

/** The JSON printed by `rampart mail --format json`. Fields are only ever added, never renamed. */
export interface JsonMailReport extends Omit<JsonReport, 'host'> {
  domain: string;
  /** The server every query went to, and how it was chosen. */
  resolver: string;
  dns: { queries: number; packets: number };
  /** The records as parsed: SPF lookup tree with counts, DKIM keys, DMARC tags, MX hosts, DNSBL answers. */
  records: MailRecords | null;
}

export function toJsonMailReport(run: RunDetail, version: string, resolver: string): JsonMailReport {
  return {
    tool: TOOL,
    version,
    runId: run.id,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    status: run.status,
    domain: run.address,
    resolver,
    ...runReportBody(run),
    dns: { queries: run.execCount, packets: 0 },
    records: (run.details as MailRecords | undefined) ?? null,
  };
}

const countsLine = (c: Record<Severity, number>): string => SEVERITIES.filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`).join(', ') || 'none';

function spfTreeLines(n: SpfTreeNode, depth: number): string[] {
  const head = `${'  '.repeat(depth)}${n.domain}: ${n.record ?? `(${n.problem ?? 'no record'})`}${n.record ? `  [${n.lookups} lookup${n.lookups === 1 ? '' : 's'}]` : ''}`;
  return [head, ...n.children.flatMap((c) => spfTreeLines(c, depth + 1))];
}

/** The parsed records, one block per kind, as text lines (table and markdown share them). */
export function recordLines(rec: MailRecords): string[] {
  const out: string[] = [];
  out.push(`SPF: ${rec.spf.records.length === 1 ? `${rec.spf.lookups}/${rec.spf.lookupLimit} DNS lookups, ${rec.spf.voidLookups} void` : `${rec.spf.records.length} records`}`);
  if (rec.spf.tree) out.push(...spfTreeLines(rec.spf.tree, 1));
  const t = rec.dmarc.tags;
  out.push(
    `DMARC: ${rec.dmarc.foundAt ?? 'none found'}${t ? `  p=${t.p ?? '(missing)'} sp=${t.sp ?? '-'} np=${t.np ?? '-'}${t.pct !== null ? ` pct=${t.pct}` : ''} adkim=${t.adkim} aspf=${t.aspf} rua=${t.rua.join(',') || '-'} ruf=${t.ruf.join(',') || '-'}` : ''}`,
  );
  for (const k of rec.dkim)
    out.push(`DKIM ${k.name}: ${k.keyType ? `${k.keyType}${k.bits ? ` ${k.bits} bits` : ''}${k.revoked ? ' revoked' : ''}${k.flags?.length ? ` t=${k.flags.join(':')}` : ''}${k.hashes ? ` h=${k.hashes.join(':')}` : ''}${k.errors?.length ? ` (invalid: ${k.errors.join('; ')})` : ''}` : k.found}`);
  if (!rec.dkim.length) out.push('DKIM: no selector given (--dkim-selector)');
  out.push(`MTA-STS: ${rec.mtaSts}`, `TLS-RPT: ${rec.tlsRpt}`);
  const sts = rec.mtaStsPolicy;
  if (sts) out.push(`MTA-STS policy: ${sts.policy ? `mode=${sts.policy.mode ?? '-'} max_age=${sts.policy.maxAge ?? '-'} mx=${sts.policy.mx.join(',') || '-'}${sts.policy.errors.length ? ` (invalid: ${sts.policy.errors.join('; ')})` : ''}` : sts.fetched}`);
  if (rec.dnssec) out.push(`DNSSEC: ${rec.dnssec.names.map((n) => `${n.name} ${n.type} ${n.validated ? 'validated (AD)' : n.signed ? 'signed, not validated by the resolver' : n.problem ?? 'not signed'}`).join('; ')}`);
  if (rec.hostDkim) {
    for (const k of rec.hostDkim.keys) out.push(`DKIM on ${rec.hostDkim.host}: ${k.selector} (${k.source}, ${k.keyPath}): ${k.publicKey ? `${k.keyType ?? '?'}${k.bits ? ` ${k.bits} bits` : ''}` : k.problem}`);
    for (const p of rec.hostDkim.problems) out.push(`DKIM on ${rec.hostDkim.host}: ${p}`);
  }
  if (rec.mx.kind !== 'hosts') out.push(`MX: ${rec.mx.kind === 'null-mx' ? 'null MX (receives no mail)' : rec.mx.kind === 'none' ? 'none' : 'unknown (lookup failed)'}`);
  for (const h of rec.mx.hosts)
    out.push(
      `MX ${h.preference} ${h.exchange}${h.cname ? ` (CNAME to ${h.cname})` : ''}: ${h.addresses.map((a) => `${a.address} PTR ${a.ptr.join(',') || '-'}${a.forwardConfirmed ? ' (FCrDNS ok)' : ''}`).join('; ') || h.problem}`,
    );
  for (const b of rec.dnsbl) out.push(`DNSBL ${b.zone} ${b.address}: ${b.verdict}`);
  if (rec.smtp) out.push(...smtpRecordLines(rec.smtp));
  return out;
}

export function formatMailTable(r: JsonMailReport): string {
  const out: string[] = [];
  out.push(`Rampart ${r.version} mail audit of ${r.domain} (DNS through ${r.resolver}, ${r.dns.queries} queries)`);
  out.push(`Run ${r.runId}  status ${r.status}  started ${r.startedAt}`, '');
  out.push(r.score ? `Grade: ${r.score.grade}   Score: ${r.score.overall.toFixed(1)} / 100${r.score.cap ? `   (capped: ${r.score.cap})` : ''}` : 'Grade: -   Score: -   (no check could be evaluated)');
  const by = new Map<string, number>();
  for (const c of r.checks) by.set(c.status, (by.get(c.status) ?? 0) + 1);
  out.push(`Checks: ${r.checks.length} (${[...by.entries()].map(([k, n]) => `${n} ${k}`).join(', ')})`, '');
  out.push(`Findings: ${r.findings.length} (${countsLine(r.findingCounts)})`);
  const sevW = 8;
  const idW = Math.max(5, ...r.findings.map((f) => f.checkId.length));
  if (r.findings.length) out.push(`${'SEVERITY'.padEnd(sevW)}  ${'CHECK'.padEnd(idW)}  TITLE`);
  const indent = ' '.repeat(sevW + idW + 4);
  for (const f of r.findings) {
    out.push(`${f.severity.toUpperCase().padEnd(sevW)}  ${f.checkId.padEnd(idW)}  ${oneLine(f.title)}${f.status !== 'open' ? ` [${f.status}]` : ''}`);
    out.push(`${indent}evidence: ${oneLine(f.evidence)}`, `${indent}resource: ${f.resource}`, `${indent}fix:      ${oneLine(f.remediation)}`);
  }
  // Record lines keep their indentation (the SPF tree); only line breaks inside values go.
  if (r.records) out.push('', 'Records:', ...recordLines(r.records).map((l) => `  ${l.replace(/[\r\n]+/g, ' ')}`));
  if (r.errors.length) {
    out.push('', `Errors: ${r.errors.length}`);
    for (const e of r.errors) out.push(`  ${e.section}: ${oneLine(e.message)}`);
  }
  return out.join('\n') + '\n';
}

const md = (s: string): string => oneLine(s).replace(/\|/g, '\\|');

export function formatMailMarkdown(r: JsonMailReport): string {
  const out: string[] = [];
  out.push(`# Mail audit of ${r.domain}`, '');
  out.push(`Rampart ${r.version}, run \`${r.runId}\`, ${r.status}, started ${r.startedAt}; DNS through ${r.resolver} (${r.dns.queries} queries).`, '');
  out.push(r.score ? `**Grade ${r.score.grade}**, score ${r.score.overall.toFixed(1)} / 100${r.score.cap ? ` (capped: ${r.score.cap})` : ''}.` : '**No grade**: no check could be evaluated.', '');
  out.push(`## Findings (${r.findings.length}: ${countsLine(r.findingCounts)})`, '');
  if (r.findings.length) {
    out.push('| Severity | Check | Finding | Evidence | Fix |', '| --- | --- | --- | --- | --- |');
    for (const f of r.findings) out.push(`| ${f.severity} | ${f.checkId} | ${md(f.title)} | ${md(f.evidence)} | ${md(f.remediation)} |`);
    out.push('');
  }
  if (r.records) out.push('## Records', '', '```', ...recordLines(r.records), '```', '');
  out.push('## Checks', '', '| Check | Status | Note |', '| --- | --- | --- |');
  for (const c of r.checks) out.push(`| ${c.checkId} | ${c.status} | ${md(c.message ?? '')} |`);
  if (r.errors.length) {
    out.push('', '## Errors', '');
    for (const e of r.errors) out.push(`- ${e.section}: ${md(e.message)}`);
  }
  return out.join('\n') + '\n';
}

export async function mailCommand(cmd: MailCommand, io: MailIo, version: string): Promise<number> {
  const domain = normaliseDomain(cmd.domain);
  let resolver: MailResolver;
  try {
    resolver = new MailResolver(cmd.resolver ? { server: cmd.resolver } : {});
  } catch (e) {
    throw new CliError('USAGE', (e as Error).message);
  }
  const store = openDatabase(cmd.db);
  try {
    if (io.stderr.isTTY) io.stderr.write(`rampart: auditing ${domain} through ${resolver.label}\n`);
    const host = cmd.host ? await readHostDkim(store, cmd.host, domain, { signal: io.signal }) : null;
    let run: RunDetail;
    try {
      run = await runMailAudit(store, {
        domain,
        selectors: cmd.dkimSelectors,
        dnsblZones: cmd.dnsblZones ?? [...DEFAULT_DNSBL_ZONES],
        resolver,
        extraErrors: host && 'error' in host ? [host.error] : [],
        // Extra CAs for the TLS probes come from NODE_EXTRA_CA_CERTS (Node reads it at start-up).
        smtpHosts: cmd.smtpHosts,
        openRelayTest: cmd.openRelayTest,
        ...(host && 'hostDkim' in host ? { hostDkim: host.hostDkim } : {}),
        ...(io.signal ? { signal: io.signal } : {}),
      });
    } catch (e) {
      if (e instanceof ResolverUnreachableError) throw new CliError(e.code, e.message, { resolver: resolver.label });
      throw e;
    }
    const report = toJsonMailReport(run, version, resolver.label);
    report.dns.packets = resolver.packetsSent;
    if (cmd.format === 'json') io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else if (cmd.format === 'markdown') io.stdout.write(formatMailMarkdown(report));
    else io.stdout.write(formatMailTable(report));
    const exit = exitCodeFor(run, cmd.failOn);
    if (exit === EXIT.error) io.stderr.write(`rampart: error: the mail audit is incomplete (${run.status}); see "errors" in the report\n`);
    return exit;
  } finally {
    store.close();
  }
}
