import type { SpfRecordNode } from '../spf';
import { spfResource, spfWalkOf } from './spfShared';
import { defineMailCheck, RFC } from './types';

function records(node: SpfRecordNode): SpfRecordNode[] {
  return [node, ...node.children.flatMap(records)];
}

export default defineMailCheck({
  id: 'MAIL-SPF-SYNTAX',
  title: 'SPF record has a syntax error',
  severity: 'high',
  references: [`${RFC.spf}#section-4.6`, `${RFC.spf}#section-12`],
  rationale: 'A syntax error anywhere in the record, or in a record it includes, makes every SPF evaluation a permerror: receivers treat the domain as having no usable SPF.',
  remediation: 'Correct the terms named in the evidence (RFC 7208 §12 has the grammar): mechanisms all, include, a, mx, ptr, ip4, ip6, exists; modifiers redirect= and exp=; terms separated by single spaces.',
  evaluate: (dns, { domain }) => {
    const w = spfWalkOf(dns, domain);
    if ('outcome' in w) return w.outcome;
    const bad = records(w.walk.root).filter((n) => n.parsed && n.parsed.errors.length);
    if (!bad.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: bad.map((n) => ({ severity: 'high' as const, resource: spfResource(n.domain), evidence: `${n.domain}: ${n.parsed!.errors.join('; ')} (record: ${JSON.stringify(n.record)})` })),
    };
  },
});
