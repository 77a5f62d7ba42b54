// Reports from a store filled through the Store API: the model (scopes, triage as of a date,
// priority order, provenance) and every text renderer against hostile finding text.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fillStore, HOSTILE, NOW, type FilledStore } from '../../../test/support/reportStore';
import { ReportDocument, REPORT_KINDS } from '../../shared/report';
import { APP_VERSION } from '../../shared/version';
import { CHECKS } from '../audit/checks';
import { buildReport, checkCatalogHash, effortFor, NothingToReport, renderCsv, renderHtml, renderJson, renderMarkdown } from './index';
import { csvField, CSV_COLUMNS } from './csv';
import { mdCode, mdText } from './markdown';

let f: FilledStore;
beforeEach(() => {
  f = fillStore();
});
afterEach(() => f.store.close());

const hostDoc = (kind: (typeof REPORT_KINDS)[number] = 'full') => buildReport(f.store, { kind, scope: { kind: 'host', name: 'web-1' }, now: NOW });

/** A CSV parser written from RFC 4180 for the round trip (independent of csv.ts). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) throw new Error('last record has no CRLF');
  return rows;
}

describe('report model', () => {
  it('host scope: the latest run, a trend over the host runs, priority order, triage as of now, provenance', () => {
    const doc = ReportDocument.parse(hostDoc());
    expect(doc.scope).toEqual({ kind: 'host', label: 'web-1' });
    expect(doc.provenance.runs.map((r) => r.runId)).toEqual([f.latestRunId]);
    expect(doc.provenance.version).toBe(APP_VERSION);
    expect(doc.provenance.checkCatalogHash).toBe(checkCatalogHash());
    expect(doc.provenance.checkCount).toBe(CHECKS.length);
    expect(doc.provenance.generatedAt).toBe(NOW.toISOString());
    expect(doc.provenance.runs[0]!.os).toMatch(/Debian/);
    expect(doc.trend.map((p) => p.runId)).toEqual(['run-prev', 'run-mid', 'run-latest']);
    expect(doc.provenance.runs[0]!.sincePrevious).toEqual({ previousRunId: 'run-mid', newFindings: 6, resolvedFindings: 0 });
    // Open first, by severity then effort; every open one ranked 1..n.
    const open = doc.findings.filter((x) => x.status === 'open');
    expect(open.map((x) => x.priority)).toEqual(open.map((_, i) => i + 1));
    const sevs = open.map((x) => ['critical', 'high', 'medium', 'low', 'info'].indexOf(x.severity));
    expect([...sevs].sort((a, b) => a - b)).toEqual(sevs);
    expect(doc.findings.filter((x) => x.status !== 'open').every((x) => x.priority === null)).toBe(true);
    expect(doc.summary.statusCounts).toEqual({ open: 6, accepted: 1, 'false-positive': 1, fixed: 0 });
    expect(doc.acceptedRisks).toEqual([
      expect.objectContaining({ findingId: f.acceptedId, reason: 'VPN-only host; fail2ban adds nothing', expiresAt: '2099-01-01T00:00:00.000Z' }),
    ]);
    expect(doc.falsePositives.map((x) => x.findingId)).toEqual([f.falsePositiveId]);
    // The matrix holds every open finding once.
    expect(doc.matrix).toHaveLength(15);
    expect(doc.matrix.flatMap((c) => c.findingIds).sort()).toEqual(open.map((x) => x.id).sort());
    expect(doc.topRisks).toEqual(open.slice(0, 10).map((x) => x.id));
    expect(doc.summary.grade).toBe(doc.provenance.runs[0]!.grade);
  });

  it('an acceptance past its expiry counts as open again, and the grade is recomputed', () => {
    const before = hostDoc();
    const after = buildReport(f.store, { kind: 'full', scope: { kind: 'host', name: 'web-1' }, now: new Date('2099-06-01T00:00:00.000Z') });
    expect(after.findings.find((x) => x.id === f.acceptedId)!.status).toBe('open');
    expect(after.acceptedRisks).toEqual([]);
    expect(after.summary.openCounts.medium).toBe(before.summary.openCounts.medium + 1);
    expect(after.summary.score!).toBeLessThan(before.summary.score!);
  });

  it('effort: the guided fix declares it, else the check, otherwise an estimate', () => {
    expect(effortFor('SSH-PERMIT-ROOT-LOGIN')).toEqual({ effort: 'low', source: 'fix', fix: { id: 'sshd-permit-root-login', title: expect.any(String) } });
    expect(effortFor('SECRETS-COMPOSE-LITERAL')).toMatchObject({ effort: 'medium', source: 'fix' });
    expect(effortFor('CVE-IMAGE-FIXABLE')).toEqual({ effort: 'medium', source: 'check', fix: null });
    expect(effortFor('DOCKER-PRIVILEGED')).toEqual({ effort: 'medium', source: 'estimate', fix: null });
  });

  it('run scope, fleet scope (latest run per target), and nothing to report', () => {
    const run = buildReport(f.store, { kind: 'findings', scope: { kind: 'run', runId: f.previousRunId }, now: NOW });
    expect(run.provenance.runs.map((r) => r.runId)).toEqual([f.previousRunId]);
    expect(run.trend.map((p) => p.runId)).toEqual(['run-prev']);
    const fleet = ReportDocument.parse(buildReport(f.store, { kind: 'executive', scope: { kind: 'fleet' }, now: NOW }));
    expect(fleet.provenance.runs.map((r) => r.runId).sort()).toEqual([f.latestRunId, f.otherRunId].sort());
    expect(fleet.findings.some((x) => x.target === '10.9.0.3')).toBe(true);
    const mean = (fleet.provenance.runs[0]!.score! + fleet.provenance.runs[1]!.score!) / 2;
    expect(fleet.summary.score).toBeCloseTo(mean, 0);
    // A target without a host profile is found by the name its runs carry.
    expect(buildReport(f.store, { kind: 'executive', scope: { kind: 'host', name: '10.9.0.3' }, now: NOW }).provenance.runs[0]!.runId).toBe(f.otherRunId);
    expect(() => buildReport(f.store, { kind: 'full', scope: { kind: 'host', name: 'nope' } })).toThrow(NothingToReport);
    expect(() => buildReport(f.store, { kind: 'full', scope: { kind: 'run', runId: 'missing' } })).toThrow(NothingToReport);
    expect(() => buildReport(f.store, { kind: 'full', scope: { kind: 'fleet' } })).not.toThrow();
  });
});

describe('JSON', () => {
  it('every kind validates against the schema and round-trips', () => {
    for (const kind of REPORT_KINDS) {
      const text = renderJson(hostDoc(kind));
      const parsed = ReportDocument.parse(JSON.parse(text));
      expect(parsed.kind).toBe(kind);
      expect(parsed.findings.find((x) => x.id === f.hostileId)!.resource).toBe(`container:${HOSTILE.script}`);
    }
  });
  it('refuses to write a document the schema rejects', () => {
    const doc = hostDoc();
    expect(() => renderJson({ ...doc, provenance: { ...doc.provenance, checkCatalogHash: 'md5:x' } })).toThrow();
  });
});

const ALLOWED_TAGS = new Set(
  'html head meta title style body header h1 h2 h3 h4 p div span strong section ul ol li table thead tbody tr th td code pre article dl dt dd br'.split(' '),
);
const ALLOWED_ATTRS = new Set(['lang', 'charset', 'http-equiv', 'content', 'name', 'class', 'style', 'scope', 'id', 'aria-label']);

describe('HTML', () => {
  for (const kind of REPORT_KINDS)
    it(`${kind}: self-contained, no script, only known tags and attributes, hostile text escaped`, () => {
      const html = renderHtml(hostDoc(kind));
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
      expect(html.match(/<style>/g)).toHaveLength(1);
      expect(html.match(/<\/style>/g)).toHaveLength(1);
      expect(html).not.toMatch(/<script|<img|<link|<iframe|<object|<a\b/i);
      // Nothing to fetch: no url() or @import in the style sheet or a style attribute.
      const styles = [html.slice(html.indexOf('<style>'), html.indexOf('</style>')), ...[...html.matchAll(/style="([^"]*)"/g)].map((m) => m[1]!)];
      for (const css of styles) expect(css).not.toMatch(/url\(|@import|expression\(/i);
      const tags = [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase());
      expect(tags.filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
      for (const m of html.matchAll(/<[a-zA-Z][a-zA-Z0-9]*((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*>/g))
        for (const a of m[1]!.matchAll(/([^\s=]+)(?:="[^"]*")?/g)) expect(ALLOWED_ATTRS.has(a[1]!), `attribute ${a[1]}`).toBe(true);
      // Every "<" in the document starts an allowed tag (so none came from data).
      expect(html.match(/</g)!.length).toBe(tags.length + 1 /* <!DOCTYPE */);
      const d = hostDoc(kind);
      expect(html).toContain(`Grade <strong>${d.summary.grade} (${d.summary.score}/100)</strong>`);
      if (kind !== 'action-plan' && kind !== 'executive') {
        expect(html).toContain(esc(`container:${HOSTILE.script}`));
        expect(html).toContain(esc(HOSTILE.attr));
      }
      expect(html).toContain('VPN-only host; fail2ban adds nothing');
      expect(html).toContain(checkCatalogHash());
    });

  it('full: one section per audit-plan area, the matrix and the accepted-risk appendix', () => {
    const html = renderHtml(hostDoc('full'));
    for (const t of ['CVE and vulnerability report', 'Secrets and credentials assessment', 'File permissions audit', 'Container security review', 'Network security assessment', 'Access control report', 'Backup security review', 'Remediation priority matrix', 'Appendix: accepted risks', 'Provenance'])
      expect(html).toContain(t);
  });
});

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

describe('Markdown', () => {
  it('escapes inline text and builds code spans that hold any backtick run', () => {
    expect(mdText('# a <b> [x](y) | *z*')).toBe('\\# a \\<b\\> \\[x\\]\\(y\\) \\| \\*z\\*');
    expect(mdText('line1\nline2')).toBe('line1 line2');
    expect(mdText('- item')).toBe('\\- item');
    expect(mdCode('a ` b `` c')).toBe('```a ` b `` c```');
    expect(mdCode('`x')).toBe('`` `x ``');
    expect(mdCode('x|y', true)).toBe('`x\\|y`');
  });

  for (const kind of REPORT_KINDS)
    it(`${kind}: headings only ours, tables keep their columns, no raw HTML from data`, () => {
      const md = renderMarkdown(hostDoc(kind));
      const lines = md.split('\n');
      let inFence = '';
      let tableCols = -1;
      for (const line of lines) {
        const fence = /^(`{3,})/.exec(line)?.[1];
        if (fence && (!inFence || fence.length >= inFence.length)) {
          inFence = inFence ? '' : fence;
          continue;
        }
        if (inFence) continue;
        // Code spans render literally; outside them every "<" from data is escaped.
        const prose = line.replace(/(`+)[\s\S]*?[^`]\1(?!`)/g, '');
        expect(prose).not.toMatch(/(^|[^\\])<(script|img|style|b)\b/i);
        if (line.startsWith('#')) expect(line).toMatch(/^#{1,4} \S/);
        if (line.startsWith('# ')) expect(line).toMatch(/^# (Executive summary|Security audit report|ACTION\\_PLAN\\_TODO|Findings): web-1$/);
        if (line.startsWith('|')) {
          const cols = line.replace(/\\\|/g, '').split('|').length;
          if (tableCols === -1) tableCols = cols;
          expect(cols).toBe(tableCols);
        } else tableCols = -1;
      }
      expect(inFence).toBe('');
      expect(md).toContain('Appendix: accepted risks');
      expect(md).toContain(doc0().provenance.checkCatalogHash);
    });

  it('action plan: checkboxes in the priority order with the fix or the remediation', () => {
    const doc = hostDoc('action-plan');
    const md = renderMarkdown(doc);
    const items = md.split('\n').filter((l) => l.startsWith('- [ ] '));
    const open = doc.findings.filter((x) => x.status === 'open');
    expect(items).toHaveLength(open.length);
    expect(items.map((l) => Number(/^- \[ \] \*\*(\d+)\.\*\*/.exec(l)![1]))).toEqual(open.map((x) => x.priority));
    expect(md).toContain('Fix: guided fix');
    expect(md).toContain('rampart fix --check SSH-PERMIT-ROOT-LOGIN');
    expect(md).toContain('Remediation: ');
    expect(md).not.toContain(f.acceptedId.split('|')[1]! + '`'); // accepted risk is not a to-do
  });
});

const doc0 = () => hostDoc();

describe('CSV', () => {
  it('RFC 4180 fields and the formula guard', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-rwx')).toBe("'-rwx");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('=A1,"x"')).toBe(`"'=A1,""x"""`);
  });

  it('round-trips every finding through an RFC 4180 parse', () => {
    const doc = hostDoc('findings');
    const text = renderCsv(doc);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(doc.findings.length + 1);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const unguard = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);
    doc.findings.forEach((x, i) => {
      const r = rows[i + 1]!;
      expect(r[col('finding_id')]).toBe(x.id);
      expect(unguard(r[col('title')]!)).toBe(x.title);
      expect(unguard(r[col('resource')]!)).toBe(x.resource);
      expect(unguard(r[col('evidence')]!)).toBe(x.evidence);
      expect(r[col('status')]).toBe(x.status);
    });
    const hostile = rows.find((r) => r[col('finding_id')] === f.hostileId)!;
    expect(hostile[col('evidence')]).toContain(HOSTILE.csv);
    const formula = rows.find((r) => r[col('check_id')] === 'PERM-WORLD-WRITABLE')!;
    expect(formula[col('resource')]).toBe(`'${HOSTILE.formula}`);
    // No cell a spreadsheet would evaluate.
    for (const r of rows) for (const c of r) expect(c).not.toMatch(/^[=+\-@]/);
    const accepted = rows.find((r) => r[col('finding_id')] === f.acceptedId)!;
    expect(accepted[col('accepted_until')]).toBe('2099-01-01T00:00:00.000Z');
  });
});
