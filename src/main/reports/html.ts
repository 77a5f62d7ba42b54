// The report as one self-contained HTML page: inline CSS, no script, no external resource (a
// Content-Security-Policy says so to the browser too), every text escaped. Also the PDF's source.
import { SEVERITIES, type Severity } from '../../shared/domain';
import { EFFORTS, type ReportDocument, type ReportFinding } from '../../shared/report';
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

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

// Okabe-Ito based, colour-blind-safe; severity is always written out as text too.
const SEV_COLOUR: Record<Severity, string> = { critical: '#a0003c', high: '#d55e00', medium: '#b58900', low: '#0072b2', info: '#6b7280' };

// One constant style sheet and no style attribute: the app's own CSP allows exactly this sheet by
// its hash (REPORT_CSS_HASH), so the report preview (a sandboxed srcdoc iframe, which inherits
// the app's policy) is styled without allowing inline styles in general.
export const REPORT_CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;margin:0 auto;max-width:1000px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px;break-after:avoid}
h3{font-size:16px;margin:18px 0 6px;break-after:avoid}h4{font-size:14px;margin:14px 0 4px;break-after:avoid}
.meta{color:#57606a;margin:0 0 16px}
.grade{display:inline-block;font-size:40px;font-weight:700;padding:4px 18px;border-radius:8px;border:2px solid currentColor;margin-right:16px}
.hero{display:flex;align-items:center;margin:16px 0}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:13px}
th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f6f8fa;white-space:nowrap}
tr{break-inside:avoid}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,monospace;font-size:12px}
code{background:#f6f8fa;padding:0 3px;border-radius:3px;overflow-wrap:anywhere}
pre{background:#f6f8fa;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere;border-radius:4px;margin:4px 0 8px}
.sev{font-weight:600;white-space:nowrap}
.sev::before{content:"";display:inline-block;width:9px;height:9px;margin-right:4px;border-radius:2px;background:currentColor}
.finding{border:1px solid #d0d7de;border-left-width:5px;border-radius:4px;padding:6px 10px;margin:8px 0;break-inside:avoid}
.finding dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:4px 0}
.finding dt{color:#57606a}.finding dd{margin:0}
ul.todo{list-style:none;padding-left:0}ul.todo li{margin:6px 0}
ul.todo li::before{content:"\\2610";margin-right:6px}
.muted{color:#57606a}
.cell0{color:#8c959f}
@media print{body{padding:0;max-width:none}a{color:inherit}}
${SEVERITIES.map((v) => `.sev-${v}{color:${SEV_COLOUR[v]}}.bl-${v}{border-left-color:${SEV_COLOUR[v]}}`).join('')}
.g-none{color:#6b7280}.g-a{color:#007a5a}.g-b{color:#0072b2}.g-c{color:#b58900}.g-low{color:#a0003c}
`;

const sev = (s: Severity): string => `<span class="sev sev-${s}">${SEVERITY_LABEL[s]}</span>`;
const code = (s: string): string => `<code>${esc(s)}</code>`;

function table(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function header(doc: ReportDocument): string {
  const runs = doc.provenance.runs;
  const r = runs.length === 1 ? runs[0]! : null;
  const gradeClass = doc.summary.grade === null ? 'g-none' : /^A/.test(doc.summary.grade) ? 'g-a' : doc.summary.grade === 'B' ? 'g-b' : doc.summary.grade === 'C' ? 'g-c' : 'g-low';
  return `<header><h1>${esc(KIND_HEADINGS[doc.kind])}: ${esc(doc.scope.label)}</h1>
<p class="meta">Generated ${esc(doc.provenance.generatedAt)} by Rampart ${esc(doc.provenance.version)}${
    r ? ` · ${esc(r.target)} (${code(`${r.address}:${r.port}`)}) · OS ${esc(r.os ?? 'unknown')} · audit ${esc(r.startedAt)} → ${esc(r.finishedAt ?? '—')}, ${esc(r.status)}` : ` · ${runs.length} targets (latest run of each)`
  }</p>
<div class="hero"><span class="grade ${gradeClass}" aria-label="grade">${esc(doc.summary.grade ?? '—')}</span><div><div>Grade <strong>${esc(scoreText(doc.summary.score, doc.summary.grade))}</strong>${
    r?.cap ? ` <span class="muted">(${esc(r.cap)})</span>` : ''
  }</div><div class="muted">Trend: ${esc(trendText(doc))}</div></div></div></header>`;
}

function summary(doc: ReportDocument): string {
  const s = doc.summary;
  const parts = ['<section><h2>Summary</h2><ul>'];
  parts.push(`<li>Open findings: ${SEVERITIES.map((v) => `${sev(v)} ${s.openCounts[v]}`).join(' · ')}</li>`);
  parts.push(`<li>Triage: ${s.statusCounts.accepted} accepted risk(s), ${s.statusCounts['false-positive']} false positive(s), ${s.statusCounts.fixed} fixed</li>`);
  for (const r of doc.provenance.runs)
    if (r.sincePrevious) parts.push(`<li>Since the previous audit of ${esc(r.target)}: +${r.sincePrevious.newFindings} new, −${r.sincePrevious.resolvedFindings} resolved</li>`);
  parts.push('</ul>');
  if (doc.provenance.runs.length > 1) {
    parts.push('<h3>Targets</h3>');
    parts.push(
      table(
        ['Target', 'OS', 'Audited', 'Status', 'Grade', ...SEVERITIES.map(sev)],
        doc.provenance.runs.map((r) => [esc(r.target), esc(r.os ?? '—'), esc(r.startedAt), esc(r.status), esc(scoreText(r.score, r.grade)), ...SEVERITIES.map((v) => String(r.openCounts[v]))]),
      ),
    );
  }
  parts.push('<h3>Open findings by category</h3>');
  const cats = Object.keys(s.byCategory).sort();
  parts.push(
    cats.length
      ? table(
          ['Category', 'Grade', ...SEVERITIES.map(sev)],
          cats.map((c) => [
            esc(CATEGORY_LABEL[c as keyof typeof CATEGORY_LABEL] ?? c),
            s.categoryGrades[c] ? esc(`${s.categoryGrades[c].grade} (${s.categoryGrades[c].score})`) : '—',
            ...SEVERITIES.map((v) => String(s.byCategory[c]![v])),
          ]),
        )
      : '<p>No open finding.</p>',
  );
  parts.push('</section>');
  return parts.join('\n');
}

function trendTable(doc: ReportDocument): string {
  if (doc.trend.length < 2) return '';
  return `<section><h2>Trend</h2>${table(
    ['Run', 'Target', 'Status', 'Grade', 'Findings'],
    doc.trend.map((p) => [esc(p.startedAt), esc(p.target), esc(p.status), esc(scoreText(p.score, p.grade)), String(p.findings)]),
  )}</section>`;
}

function topRisks(doc: ReportDocument): string {
  const items = doc.topRisks.map((id) => openFinding(doc, id)).filter((f): f is ReportFinding => !!f);
  if (!items.length) return '<section><h2>Top risks</h2><p>No open finding.</p></section>';
  return `<section><h2>Top risks</h2><ol>${items.map((f) => `<li>${sev(f.severity)} ${esc(f.title)} <span class="muted">(${esc(f.target)}: ${code(f.resource)})</span></li>`).join('')}</ol></section>`;
}

function matrix(doc: ReportDocument): string {
  return `<section><h2>Remediation priority matrix</h2><p class="muted">Open findings by severity and effort; fix from the top left.</p>${table(
    ['Severity', ...EFFORTS.map((e) => EFFORT_LABEL[e])],
    SEVERITIES.map((s) => [
      sev(s),
      ...EFFORTS.map((e) => {
        const n = doc.matrix.find((c) => c.severity === s && c.effort === e)?.findingIds.length ?? 0;
        return n ? `<strong>${n}</strong>` : '<span class="cell0">0</span>';
      }),
    ]),
    'matrix',
  )}</section>`;
}

const FINDING_HEAD = ['Severity', 'Finding', 'Target', 'Resource', 'Status', 'Effort', 'Check'];
const findingRow = (f: ReportFinding): string[] => [sev(f.severity), esc(f.title), esc(f.target), code(f.resource), esc(STATUS_LABEL[f.status]), esc(EFFORT_LABEL[f.effort]), code(f.checkId)];

function findingDetail(f: ReportFinding): string {
  const fix = fixLine(f);
  return `<article class="finding bl-${f.severity}"><h4>${esc(f.title)}</h4><dl>
<dt>Severity</dt><dd>${sev(f.severity)} · ${esc(STATUS_LABEL[f.status])} · ${esc(EFFORT_LABEL[f.effort])}${f.effortSource === 'estimate' ? ' (estimated)' : ''}</dd>
<dt>Target</dt><dd>${esc(f.target)} · ${code(f.resource)}</dd>
<dt>Check</dt><dd>${code(f.checkId)}</dd>
<dt>Why</dt><dd>${esc(f.rationale)}</dd>
<dt>${fix.kind === 'fix' ? 'Fix' : 'Remediation'}</dt><dd>${esc(fix.text)}</dd>
${f.references.length ? `<dt>References</dt><dd>${f.references.map(esc).join('<br>')}</dd>` : ''}
<dt>Evidence</dt><dd><pre>${esc(f.evidence)}</pre></dd></dl></article>`;
}

function actionPlan(doc: ReportDocument): string {
  const open = openFindings(doc);
  const parts = ['<section><h2>Action plan</h2><p class="muted">Open findings in the priority order (severity, then effort).</p>'];
  if (!open.length) parts.push('<p>Nothing to do: no open finding.</p>');
  let cell = '';
  for (const f of open) {
    const here = `${f.severity}/${f.effort}`;
    if (here !== cell) {
      parts.push(`${cell ? '</ul>' : ''}<h3>${sev(f.severity)} · ${esc(EFFORT_LABEL[f.effort])}</h3><ul class="todo">`);
      cell = here;
    }
    const fix = fixLine(f);
    parts.push(
      `<li><strong>${f.priority}.</strong> ${esc(f.title)} — ${esc(f.target)}: ${code(f.resource)} (${code(f.checkId)})<br><span class="muted">${fix.kind === 'fix' ? 'Fix' : 'Remediation'}:</span> ${esc(fix.text)}</li>`,
    );
  }
  if (cell) parts.push('</ul>');
  parts.push('</section>');
  return parts.join('\n');
}

function appendix(doc: ReportDocument): string {
  const parts = ['<section><h2>Appendix: accepted risks</h2>'];
  parts.push(
    doc.acceptedRisks.length
      ? table(
          ['Finding', 'Target', 'Severity', 'Reason', 'Accepted', 'Expires'],
          doc.acceptedRisks.map((a) => [esc(a.title), esc(a.target), sev(a.severity), esc(a.reason ?? '—'), esc(dateOnly(a.decidedAt)), esc(dateOnly(a.expiresAt))]),
        )
      : '<p>No accepted risk.</p>',
  );
  if (doc.falsePositives.length)
    parts.push('<h3>False positives</h3>', table(['Finding', 'Target', 'Reason', 'Decided'], doc.falsePositives.map((a) => [esc(a.title), esc(a.target), esc(a.reason ?? '—'), esc(dateOnly(a.decidedAt))])));
  parts.push('</section>');
  const errors = doc.provenance.runs.flatMap((r) => r.errors.map((e) => [esc(r.target), code(e.section), esc(e.message)]));
  if (errors.length) parts.push(`<section><h2>Appendix: what could not be collected</h2>${table(['Target', 'Section', 'Message'], errors)}</section>`);
  parts.push(`<section><h2>Provenance</h2><ul>
<li>Tool: Rampart ${esc(doc.provenance.version)}</li>
<li>Check catalog: ${doc.provenance.checkCount} checks, ${code(doc.provenance.checkCatalogHash)}</li>
<li>Generated: ${esc(doc.provenance.generatedAt)}</li>
${doc.provenance.runs.map((r) => `<li>Run ${code(r.runId)}: ${esc(r.target)}, OS ${esc(r.os ?? 'unknown')}, ${esc(r.startedAt)} → ${esc(r.finishedAt ?? '—')}, ${esc(r.status)}</li>`).join('\n')}
</ul></section>`);
  return parts.join('\n');
}

export function renderHtml(doc: ReportDocument): string {
  const body: string[] = [header(doc)];
  if (doc.kind === 'executive') body.push(summary(doc), trendTable(doc), topRisks(doc), matrix(doc));
  else if (doc.kind === 'full') {
    body.push(summary(doc), trendTable(doc), topRisks(doc));
    FULL_SECTIONS.forEach((sec, i) => {
      const fs = findingsIn(doc, sec.categories);
      const grades = sec.categories
        .map((c) => (doc.summary.categoryGrades[c] ? `${CATEGORY_LABEL[c]} ${doc.summary.categoryGrades[c].grade} (${doc.summary.categoryGrades[c].score})` : null))
        .filter(Boolean);
      body.push(
        `<section id="${sec.id}"><h2>${i + 1}. ${esc(sec.title)}</h2><p>${
          grades.length ? `Grade: ${esc(grades.join(', '))}. ${fs.filter((f) => f.status === 'open').length} open finding(s).` : 'Not graded: no check of this area applied.'
        }</p>${fs.length ? table(FINDING_HEAD, fs.map(findingRow)) + fs.map(findingDetail).join('\n') : '<p>No finding.</p>'}</section>`,
      );
    });
    body.push(matrix(doc), actionPlan(doc));
  } else if (doc.kind === 'action-plan') body.push(actionPlan(doc));
  else
    body.push(
      `<section><h2>Findings</h2><p>${doc.findings.length} finding(s), open ones first in priority order.</p>${
        doc.findings.length ? table(FINDING_HEAD, doc.findings.map(findingRow)) : '<p>No finding.</p>'
      }${doc.findings.map(findingDetail).join('\n')}</section>`,
    );
  body.push(appendix(doc));
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Rampart ${esc(doc.provenance.version)}">
<title>${esc(doc.title)}</title>
<style>${REPORT_CSS}</style></head>
<body>
${body.filter(Boolean).join('\n')}
</body></html>
`;
}
