// The report as Markdown (CommonMark + GFM tables). Text from remote hosts is escaped so it can
// neither format the document nor inject HTML; resources and evidence go in code spans.
import type { ReportDocument, ReportFinding } from '../../shared/report';
import { SEVERITIES } from '../../shared/domain';
import {
  CATEGORY_LABEL,
  EFFORT_LABEL,
  FULL_SECTIONS,
  KIND_HEADINGS,
  SEVERITY_LABEL,
  STATUS_LABEL,
  dateOnly,
  findingsIn,
  fixLine,
  openFinding,
  openFindings,
  scoreText,
  trendText,
} from './sections';
import { EFFORTS } from '../../shared/report';

/** Inline text: one line, Markdown and HTML syntax escaped. */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_{}[\]<>()#|~&!]/g, (c) => `\\${c}`)
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A code span that survives any content: a fence longer than any backtick run inside; `|` escaped in tables. */
export function mdCode(s: string, inTable = false): string {
  let t = s.replace(/[\r\n\t]+/g, ' ');
  if (inTable) t = t.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || t.startsWith(' ') ? ' ' : '';
  return t === '' ? '' : `${fence}${pad}${t}${pad}${fence}`;
}

/** A fenced block for multi-line evidence. */
function mdBlock(s: string): string {
  const longest = Math.max(2, ...(s.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${s.replace(/\r\n?/g, '\n')}\n${fence}`;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function header(doc: ReportDocument): string[] {
  const out = [`# ${mdText(KIND_HEADINGS[doc.kind])}: ${mdText(doc.scope.label)}`, ''];
  out.push(`**Grade:** ${mdText(scoreText(doc.summary.score, doc.summary.grade))}  `);
  out.push(`**Generated:** ${doc.provenance.generatedAt} by Rampart ${mdText(doc.provenance.version)}  `);
  const runs = doc.provenance.runs;
  if (runs.length === 1) {
    const r = runs[0]!;
    out.push(`**Target:** ${mdText(r.target)} (${mdCode(`${r.address}:${r.port}`)}), OS ${mdText(r.os ?? 'unknown')}  `);
    out.push(`**Audit:** ${r.startedAt} → ${r.finishedAt ?? '—'}, ${r.status}${r.cap ? `, ${mdText(r.cap)}` : ''}`);
  } else out.push(`**Targets:** ${runs.length} (latest run of each)`);
  out.push('');
  return out;
}

function summary(doc: ReportDocument): string[] {
  const s = doc.summary;
  const out = ['## Summary', ''];
  out.push(`- Grade: **${mdText(scoreText(s.score, s.grade))}**`);
  out.push(`- Trend: ${mdText(trendText(doc))}`);
  out.push(`- Open findings: ${SEVERITIES.map((v) => `${s.openCounts[v]} ${v}`).join(', ')}`);
  out.push(`- Triage: ${s.statusCounts.accepted} accepted risk(s), ${s.statusCounts['false-positive']} false positive(s), ${s.statusCounts.fixed} fixed`);
  for (const r of doc.provenance.runs)
    if (r.sincePrevious) out.push(`- Since the previous audit of ${mdText(r.target)}: +${r.sincePrevious.newFindings} new, −${r.sincePrevious.resolvedFindings} resolved`);
  out.push('');
  if (doc.provenance.runs.length > 1) {
    out.push('### Targets', '');
    out.push(
      table(
        ['Target', 'OS', 'Audited', 'Status', 'Grade', ...SEVERITIES.map((v) => SEVERITY_LABEL[v])],
        doc.provenance.runs.map((r) => [mdText(r.target), mdText(r.os ?? '—'), r.startedAt, r.status, mdText(scoreText(r.score, r.grade)), ...SEVERITIES.map((v) => String(r.openCounts[v]))]),
      ),
      '',
    );
  }
  out.push('### Open findings by category', '');
  const cats = Object.keys(s.byCategory).sort();
  out.push(
    cats.length
      ? table(
          ['Category', 'Grade', ...SEVERITIES.map((v) => SEVERITY_LABEL[v])],
          cats.map((c) => [
            mdText(CATEGORY_LABEL[c as keyof typeof CATEGORY_LABEL] ?? c),
            s.categoryGrades[c] ? `${s.categoryGrades[c].grade} (${s.categoryGrades[c].score})` : '—',
            ...SEVERITIES.map((v) => String(s.byCategory[c]![v])),
          ]),
        )
      : 'No open finding.',
    '',
  );
  return out;
}

function topRisks(doc: ReportDocument): string[] {
  const out = ['## Top risks', ''];
  const items = doc.topRisks.map((id) => openFinding(doc, id)).filter((f): f is ReportFinding => !!f);
  if (!items.length) return [...out, 'No open finding.', ''];
  items.forEach((f, i) => out.push(`${i + 1}. **${SEVERITY_LABEL[f.severity]}** ${mdText(f.title)} (${mdText(f.target)}: ${mdCode(f.resource)})`));
  return [...out, ''];
}

function trendTable(doc: ReportDocument): string[] {
  if (doc.trend.length < 2) return [];
  return [
    '## Trend',
    '',
    table(
      ['Run', 'Target', 'Status', 'Grade', 'Findings'],
      doc.trend.map((p) => [p.startedAt, mdText(p.target), p.status, mdText(scoreText(p.score, p.grade)), String(p.findings)]),
    ),
    '',
  ];
}

function findingRow(f: ReportFinding): string[] {
  return [SEVERITY_LABEL[f.severity], mdText(f.title), mdText(f.target), mdCode(f.resource, true), STATUS_LABEL[f.status], EFFORT_LABEL[f.effort], mdCode(f.checkId, true)];
}

function findingDetail(f: ReportFinding): string[] {
  const fix = fixLine(f);
  return [
    `#### ${mdText(f.title)}`,
    '',
    `- Severity: **${SEVERITY_LABEL[f.severity]}** · status: ${STATUS_LABEL[f.status]} · ${EFFORT_LABEL[f.effort]}${f.effortSource === 'estimate' ? ' (estimated)' : ''} · check ${mdCode(f.checkId)}`,
    `- Target: ${mdText(f.target)} · resource: ${mdCode(f.resource)}`,
    `- Why: ${mdText(f.rationale)}`,
    `- ${fix.kind === 'fix' ? 'Fix' : 'Remediation'}: ${mdText(fix.text)}`,
    ...(f.references.length ? [`- References: ${f.references.map((r) => mdText(r)).join(', ')}`] : []),
    '',
    'Evidence:',
    '',
    mdBlock(f.evidence),
    '',
  ];
}

const FINDING_HEAD = ['Severity', 'Finding', 'Target', 'Resource', 'Status', 'Effort', 'Check'];

function matrix(doc: ReportDocument): string[] {
  const out = ['## Remediation priority matrix', '', 'Open findings by severity and effort; fix from the top left.', ''];
  out.push(
    table(
      ['Severity', ...EFFORTS.map((e) => EFFORT_LABEL[e])],
      SEVERITIES.map((s) => [SEVERITY_LABEL[s], ...EFFORTS.map((e) => String(doc.matrix.find((c) => c.severity === s && c.effort === e)?.findingIds.length ?? 0))]),
    ),
    '',
  );
  return out;
}

function actionPlan(doc: ReportDocument, heading: string): string[] {
  const out = [heading, '', 'Open findings in the priority order (severity, then effort). Tick an item when a re-audit no longer finds it.', ''];
  const open = openFindings(doc);
  if (!open.length) return [...out, 'Nothing to do: no open finding.', ''];
  let cell = '';
  for (const f of open) {
    const here = `${SEVERITY_LABEL[f.severity]} · ${EFFORT_LABEL[f.effort]}`;
    if (here !== cell) {
      out.push('', `### ${here}`, '');
      cell = here;
    }
    const fix = fixLine(f);
    out.push(`- [ ] **${f.priority}.** ${mdText(f.title)} — ${mdText(f.target)}: ${mdCode(f.resource)} (${mdCode(f.checkId)})`);
    out.push(`  - ${fix.kind === 'fix' ? 'Fix' : 'Remediation'}: ${mdText(fix.text)}`);
  }
  return [...out, ''];
}

function appendix(doc: ReportDocument): string[] {
  const out = ['## Appendix: accepted risks', ''];
  out.push(
    doc.acceptedRisks.length
      ? table(
          ['Finding', 'Target', 'Severity', 'Reason', 'Accepted', 'Expires'],
          doc.acceptedRisks.map((a) => [mdText(a.title), mdText(a.target), SEVERITY_LABEL[a.severity], mdText(a.reason ?? '—'), dateOnly(a.decidedAt), dateOnly(a.expiresAt)]),
        )
      : 'No accepted risk.',
    '',
  );
  if (doc.falsePositives.length) {
    out.push('### False positives', '');
    out.push(table(['Finding', 'Target', 'Reason', 'Decided'], doc.falsePositives.map((a) => [mdText(a.title), mdText(a.target), mdText(a.reason ?? '—'), dateOnly(a.decidedAt)])), '');
  }
  const errors = doc.provenance.runs.flatMap((r) => r.errors.map((e) => [mdText(r.target), mdCode(e.section, true), mdText(e.message)]));
  if (errors.length) out.push('## Appendix: what could not be collected', '', table(['Target', 'Section', 'Message'], errors), '');
  out.push('## Provenance', '');
  out.push(`- Tool: Rampart ${mdText(doc.provenance.version)}`);
  out.push(`- Check catalog: ${doc.provenance.checkCount} checks, ${mdCode(doc.provenance.checkCatalogHash)}`);
  out.push(`- Generated: ${doc.provenance.generatedAt}`);
  for (const r of doc.provenance.runs)
    out.push(`- Run ${mdCode(r.runId)}: ${mdText(r.target)}, OS ${mdText(r.os ?? 'unknown')}, ${r.startedAt} → ${r.finishedAt ?? '—'}, ${r.status}`);
  out.push('');
  return out;
}

export function renderMarkdown(doc: ReportDocument): string {
  const out = header(doc);
  if (doc.kind === 'executive') {
    out.push(...summary(doc), ...trendTable(doc), ...topRisks(doc), ...matrix(doc));
  } else if (doc.kind === 'full') {
    out.push(...summary(doc), ...trendTable(doc), ...topRisks(doc));
    FULL_SECTIONS.forEach((sec, i) => {
      const fs = findingsIn(doc, sec.categories);
      const grades = sec.categories.map((c) => (doc.summary.categoryGrades[c] ? `${CATEGORY_LABEL[c]} ${doc.summary.categoryGrades[c].grade} (${doc.summary.categoryGrades[c].score})` : null)).filter(Boolean);
      out.push(`## ${i + 1}. ${sec.title}`, '');
      out.push(grades.length ? `Grade: ${grades.join(', ')}. ` + `${fs.filter((f) => f.status === 'open').length} open finding(s).` : 'Not graded: no check of this area applied.', '');
      if (fs.length) {
        out.push(table(FINDING_HEAD, fs.map(findingRow)), '');
        for (const f of fs) out.push(...findingDetail(f));
      } else out.push('No finding.', '');
    });
    out.push(...matrix(doc), ...actionPlan(doc, '## Action plan'));
  } else if (doc.kind === 'action-plan') {
    out.push(...actionPlan(doc, '## Action plan'));
  } else {
    out.push(`${doc.findings.length} finding(s), open ones first in priority order.`, '');
    out.push(doc.findings.length ? table(FINDING_HEAD, doc.findings.map(findingRow)) : 'No finding.', '');
    for (const f of doc.findings) out.push(...findingDetail(f));
  }
  out.push(...appendix(doc));
  return out.join('\n') + '\n';
}
