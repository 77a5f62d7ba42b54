// Findings of a probe run: the deliverability rate below the profile's target (per seed and
// overall, over the window), and any Authentication-Results verdict other than pass on a message
// that arrived. Identity = (mail domain, checkId, resource = the seed's label), as mail audit
// findings are keyed (domainKey), so triage of a probe finding carries across runs.
import type { Finding } from '../../shared/domain';
import type { ProbeRate, ProbeSeedResult } from '../../shared/ipc/probe';
import { toFinding, type FindingSource } from '../audit/engine';
import { domainKey } from '../mail/audit';

const RFC8601 = 'RFC 8601 (Authentication-Results)';

export const PROBE_CHECKS = {
  rate: {
    id: 'PROBE-RATE',
    category: 'mail',
    title: 'Deliverability below target',
    rationale: 'Probe messages sent through your own submission server did not reach the inbox of seed mailboxes you own often enough: real recipients see the same.',
    remediation: 'Look at the runs where the probe went to junk or did not arrive: the Authentication-Results verdicts, the spam score headers and the sending host\'s queue say why.',
    references: [],
  },
  spf: {
    id: 'PROBE-SPF',
    category: 'mail',
    title: 'SPF did not pass at a seed mailbox',
    rationale: 'The receiver could not authorise the sending address for the IP the probe came from; DMARC then depends on DKIM alone.',
    remediation: 'Add the sending host\'s address to the SPF record of the envelope sender domain (smtp.mailfrom).',
    references: [RFC8601, 'RFC 7208 (SPF)'],
  },
  dkim: {
    id: 'PROBE-DKIM',
    category: 'mail',
    title: 'DKIM did not pass at a seed mailbox',
    rationale: 'No DKIM signature of the probe verified at the receiver (a key in DNS not matching the signing key, a broken signature, or no signature).',
    remediation: 'Compare the DKIM selector\'s public key in DNS with the key the signer uses (rampart mail --host checks both), and check that outgoing mail is signed.',
    references: [RFC8601, 'RFC 6376 (DKIM)'],
  },
  dmarc: {
    id: 'PROBE-DMARC',
    category: 'mail',
    title: 'DMARC did not pass at a seed mailbox',
    rationale: 'Neither an aligned SPF pass nor an aligned DKIM pass: receivers apply the domain\'s DMARC policy (junk or reject).',
    remediation: 'Fix DKIM signing or SPF so that at least one passes aligned with the From domain.',
    references: [RFC8601, 'RFC 7489 (DMARC)'],
  },
} satisfies Record<string, FindingSource>;

const pct = (r: number): string => `${(r * 100).toFixed(1).replace(/\.0$/, '')} %`;

/** The findings of one run, given its results and the window's rate (which includes this run). */
export function probeFindings(domain: string, targetRate: number, results: readonly ProbeSeedResult[], rate: ProbeRate): Finding[] {
  const key = domainKey(domain);
  const out: Finding[] = [];
  for (const s of rate.seeds) {
    if (s.rate === null || s.rate >= targetRate) continue;
    out.push(
      toFinding(key, PROBE_CHECKS.rate, {
        resource: s.seed,
        severity: 'high',
        evidence: `${s.inbox} of ${s.probes} probes reached the inbox of seed "${s.seed}" in the last ${rate.windowDays} days (${pct(s.rate)}; target ${pct(targetRate)})`,
      }),
    );
  }
  if (rate.overall.rate !== null && rate.overall.rate < targetRate && rate.seeds.length > 1)
    out.push(
      toFinding(key, PROBE_CHECKS.rate, {
        resource: 'all seeds',
        severity: 'high',
        evidence: `${rate.overall.inbox} of ${rate.overall.probes} probes reached an inbox in the last ${rate.windowDays} days (${pct(rate.overall.rate)}; target ${pct(targetRate)})`,
      }),
    );
  for (const r of results) {
    if (!r.delivered || !r.auth) continue;
    const a = r.auth;
    const where = `at seed "${r.seed}" (${r.toAddress}), message in ${r.folderName ?? '?'}`;
    if (a.spf !== 'pass')
      out.push(toFinding(key, PROBE_CHECKS.spf, { resource: r.seed, severity: 'medium', evidence: `spf=${a.spf ?? '(no result stated)'}${a.spfMailFrom.length ? ` smtp.mailfrom=${a.spfMailFrom.join(',')}` : ''} ${where}` }));
    if (a.dkim !== 'pass')
      out.push(
        toFinding(key, PROBE_CHECKS.dkim, {
          resource: r.seed,
          severity: 'high',
          evidence: `dkim=${a.dkim ?? '(no result stated)'}${a.dkimDomains.length ? ` header.d=${a.dkimDomains.join(',')}` : ''}${a.dkimSelectors.length ? ` header.s=${a.dkimSelectors.join(',')}` : ''} ${where}`,
        }),
      );
    if (a.dmarc !== 'pass') out.push(toFinding(key, PROBE_CHECKS.dmarc, { resource: r.seed, severity: 'high', evidence: `dmarc=${a.dmarc ?? '(no result stated)'} ${where}` }));
  }
  return out;
}

