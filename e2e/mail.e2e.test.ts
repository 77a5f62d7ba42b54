// The Mail screen, end to end (issue 12, "UI"): the built renderer in Chromium over the real
// handler table, a real SQLite file and a real authoritative DNS server (Knot DNS in a lab
// namespace, lab/dns.ts, serving the zones of lab/dnsMail.ts as test/mail-dns.lab.test.ts does).
//
// bad input (domain, DKIM selector, resolver) → field errors, nothing typed is lost → good.test
// with two selectors through the lab resolver → live progress → the run: grade, findings grouped,
// the SPF lookup tree with per-term counts, DMARC tags, DKIM key types and sizes → bad.test (four
// selectors, an expected MX that is not published) → its findings grouped and graded → edit the
// selectors, run again → the diff (resolved DKIM findings) → a third run compared with the run
// before and with the first run → triage a mail finding → history → a resolver that does not
// answer → a run held up by an unanswered question, cancelled → restart: domains and runs are
// still there.
//
// Needs root (lab namespaces), knotd and /usr/bin/chromium. Only the lab DNS address and loopback
// are ever asked: every domain here has the lab resolver, a loopback relay to it (lab/dnsDrop.ts)
// or 127.0.0.1:9, which refuses at once.
// Screenshots go to e2e/screenshots/mail/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { labDnsPrerequisites, startLabDns, type LabDns } from '../lab/dns';
import { startDnsDropRelay } from '../lab/dnsDrop';
import { MAIL_LAB, mailLabZones } from '../lab/dnsMail';
import { labPrerequisites } from '../lab/lab';
import type { Finding, RunDetail, RunDiff } from '../src/shared/domain';
import type { MailDomain } from '../src/shared/ipc/mail';
import { ensureBuilt, openApp, resetScreenshots, SCREENSHOT_DIR, shot, type App } from './harness';
import { card, checkGroups, pageOf, stepper, text, unwrap, visible } from './steps';

const pre = labPrerequisites();
const dnsPre = labDnsPrerequisites();
const labAvailable = (pre.ok && dnsPre.ok) || process.env.RAMPART_LAB_REQUIRED === '1';
if (!labAvailable) console.warn('[e2e] lab hosts or knotd unavailable; skipping the mail e2e suite.');

const L = MAIL_LAB;

interface SpfNodeData {
  domain: string;
  record: string | null;
  lookups: number;
  children: SpfNodeData[];
}

/** One part of the page, readable at full size (the full-page shots of a long run are not). */
async function shotOf(l: Locator, name: string): Promise<void> {
  await l.screenshot({ path: join(SCREENSHOT_DIR, 'mail', `part-${name}.png`), animations: 'disabled' });
}

const flatten = (n: SpfNodeData): SpfNodeData[] => [n, ...n.children.flatMap(flatten)];

describe.skipIf(!labAvailable)('Mail screen in a browser: domains → audit through a lab resolver → records, findings, history and diff', () => {
  let tmp = '';
  let app: App | null = null;
  let dns: LabDns | null = null;
  let good!: RunDetail;
  let bad1!: RunDetail;
  let bad2!: RunDetail;
  let bad3!: RunDetail;

  const page = (): Page => pageOf(app);
  const step = stepper(() => app);
  const domains = async (): Promise<MailDomain[]> => unwrap(await app!.call<MailDomain[]>('mail', 'listDomains', {}));

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('mail');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-mail-'));
    const z = mailLabZones();
    dns = await startLabDns(z.zones, { brokenZones: z.brokenZones });
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3') });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      await dns?.stop().catch(() => undefined);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  async function fillForm(p: Page, v: { domain?: string; selectors?: string; expectedMx?: string; resolver?: string }): Promise<void> {
    const form = p.getByTestId('mail-domain-form');
    if (v.domain !== undefined) await form.getByTestId('mail-domain').fill(v.domain);
    if (v.selectors !== undefined) await form.getByTestId('mail-selectors').fill(v.selectors);
    if (v.expectedMx !== undefined) await form.getByTestId('mail-expected-mx').fill(v.expectedMx);
    if (v.resolver !== undefined) await form.getByTestId('mail-resolver').fill(v.resolver);
  }

  /** Selects the domain, runs the audit from the screen and waits for the run view. */
  async function audit(p: Page, domain: string, previousRunId: string | null): Promise<RunDetail> {
    await p.getByTestId('nav-mail').click();
    await p.locator(`[data-testid="mail-domain-row"][data-domain="${domain}"]`).click();
    await visible(p.locator(`[data-testid="mail-domain-detail"][data-domain="${domain}"]`));
    await p.getByTestId('run-mail-audit').click();
    const view = await visible(p.getByTestId('mail-run-view'), 60_000);
    const runId = (await view.getAttribute('data-run-id'))!;
    expect(runId).not.toBe(previousRunId);
    return unwrap(await app!.call<RunDetail>('mail', 'getRun', { runId }));
  }

  step('bad input: the domain, a DKIM selector and the resolver are refused by name, and what was typed stays', async () => {
    const p = page();
    await p.getByTestId('nav-mail').click();
    await visible(p.getByTestId('mail-empty'));
    await p.getByTestId('add-mail-domain').click();
    await fillForm(p, { domain: 'mail server', selectors: 's1, bad selector', resolver: 'dns.example.org' });
    await p.getByTestId('mail-save').click();
    await visible(p.getByTestId('field-error-domain'));
    expect(await text(p.getByTestId('field-error-domain'))).toMatch(/"mail server" is not a domain name/);
    expect(await text(p.getByTestId('field-error-dkimSelectors'))).toMatch(/"bad selector" is not a DKIM selector/);
    expect(await text(p.getByTestId('field-error-resolver'))).toMatch(/not IP\[:PORT\].*not by name/);
    expect(await text(p.getByTestId('mail-form-error'))).toBe('Check the highlighted fields.');
    expect(await p.getByTestId('mail-domain').inputValue()).toBe('mail server');
    expect(await p.getByTestId('mail-selectors').inputValue()).toBe('s1, bad selector');
    expect(await p.getByTestId('mail-resolver').inputValue()).toBe('dns.example.org');
    expect(await p.getByTestId('error-banner').count()).toBe(0);
    expect(await domains()).toEqual([]);
    await shot(p, 'bad-input-field-errors');

    // A port out of range is its own message.
    await fillForm(p, { domain: L.good, selectors: 'sel1, ed', resolver: `${dns!.address}:70000` });
    await p.getByTestId('mail-save').click();
    await expect.poll(async () => text(p.getByTestId('field-error-resolver'))).toMatch(/between 1 and 65535/);
    expect(await p.getByTestId('field-error-domain').count()).toBe(0);

    await fillForm(p, { resolver: dns!.resolverSpec });
    await p.getByTestId('mail-save').click();
    await visible(p.locator(`[data-testid="mail-domain-detail"][data-domain="${L.good}"]`));
    expect(await p.getByTestId('mail-domain-form').count()).toBe(0);
    const [d] = await domains();
    expect(d).toMatchObject({ domain: L.good, dkimSelectors: ['sel1', 'ed'], resolver: dns!.resolverSpec, lastRun: null });
    expect(await text(p.getByTestId('mail-domain-selectors'))).toBe('sel1, ed');
  });

  step('good.test: live progress, then the run with the SPF lookup tree, DMARC tags and DKIM keys', async () => {
    const p = page();
    await p.locator(`[data-testid="mail-domain-row"][data-domain="${L.good}"]`).click();
    // Hold event delivery at the first progress event to see the job on screen.
    app!.events.pauseAfter((e) => e.type === 'mail-progress' && e.phase === 'querying');
    await p.getByTestId('run-mail-audit').click();
    await app!.events.whenPaused();
    const progress = await visible(p.getByTestId('mail-progress'));
    expect(await progress.getAttribute('data-phase')).toBe('querying');
    expect(await text(p.getByTestId('mail-progress-message'))).toContain(dns!.resolverSpec);
    expect(await p.getByTestId('run-mail-audit').isDisabled()).toBe(true);
    expect(await text(p.getByTestId('mail-job-indicator'))).toMatch(new RegExp(`^Auditing ${L.good.replace('.', '\\.')} · \\d+ DNS answers$`));
    await shot(p, 'good-audit-in-progress');
    app!.events.resume();

    const view = await visible(p.getByTestId('mail-run-view'), 60_000);
    good = unwrap(await app!.call<RunDetail>('mail', 'getRun', { runId: (await view.getAttribute('data-run-id'))! }));
    const delivered = app!.events.delivered.filter((e) => e.type === 'mail-progress');
    expect(delivered.at(-1)).toMatchObject({ phase: 'done', progress: 1 });
    expect(good.targetKind).toBe('domain');
    expect(good.score).not.toBeNull();
    expect(await text(p.getByTestId('grade'))).toBe(good.score!.grade);
    expect(await text(p.getByTestId('score'))).toBe(good.score!.overall.toFixed(1));
    expect(await text(p.getByTestId('mail-run-queries'))).toBe(String(good.execCount));
    expect(await text(p.getByTestId('mail-run-resolver'))).toContain(dns!.resolverSpec);
    await checkGroups(p, good);
    await expect.poll(() => p.getByTestId('run-diff').getAttribute('data-state')).toBe('first');

    // SPF: the tree as stored, node by node, with each record's lookup count and per-term counts.
    const spf = good.details!.spf as { lookups: number; lookupLimit: number; tree: SpfNodeData };
    const nodes = flatten(spf.tree);
    expect(nodes.map((n) => n.domain)).toEqual([L.good, `_spf.${L.good}`]);
    expect(await text(p.getByTestId('spf-lookups'))).toBe(`${spf.lookups} / ${spf.lookupLimit}`);
    const shown = p.getByTestId('spf-node');
    expect(await shown.count()).toBe(nodes.length);
    for (const n of nodes) {
      const node = p.locator(`[data-testid="spf-node"][data-domain="${n.domain}"]`).first();
      expect(await node.getAttribute('data-lookups')).toBe(String(n.lookups));
    }
    const root = p.locator(`[data-testid="spf-node"][data-domain="${L.good}"]`).first();
    // v=spf1 mx ip4:… include:_spf.good.test -all: one mx, one include (ip4 and all cost nothing).
    expect(await root.locator(':scope > .spf-node-head').getByTestId('spf-term').allTextContents()).toEqual(['include ×1', 'mx ×1']);

    // DMARC tags as parsed.
    const tags = p.getByTestId('dmarc-tags');
    expect(await text(tags.locator('[data-tag="p"] td'))).toBe('reject');
    expect(await text(tags.locator('[data-tag="sp"] td'))).toBe('quarantine');
    expect(await text(tags.locator('[data-tag="adkim"] td'))).toBe('s');
    expect(await text(p.getByTestId('dmarc-found-at'))).toBe(`_dmarc.${L.good}`);

    // DKIM: key type and size per selector.
    const sel1 = p.locator('[data-testid="dkim-key"][data-selector="sel1"]');
    expect(await text(sel1.getByTestId('dkim-key-type'))).toBe('rsa');
    expect(await text(sel1.getByTestId('dkim-key-bits'))).toBe('2048');
    const ed = p.locator('[data-testid="dkim-key"][data-selector="ed"]');
    expect(await text(ed.getByTestId('dkim-key-type'))).toBe('ed25519');

    // Every section the run stored is on screen (sections this view does not know are generic;
    // a null one did not apply to the run).
    const keys = Object.entries(good.details!)
      .filter(([k, v]) => k !== 'domain' && k !== 'resolver' && v !== null)
      .map(([k]) => k);
    const sections = await p.getByTestId('record-section').evaluateAll((els) => els.map((e) => e.getAttribute('data-section')));
    expect(new Set(sections)).toEqual(new Set(keys));
    await p.getByTestId('mail-records').scrollIntoViewIfNeeded();
    await shot(p, 'good-run-records');
    await shotOf(p.getByTestId('mail-records'), 'good-records');
    await shotOf(p.locator('[data-testid="record-section"][data-section="spf"]'), 'good-spf-tree');
    await p.evaluate('window.scrollTo(0, 0)');
    await shot(p, 'good-run-top');
  });

  step('bad.test: findings grouped and graded, weak DKIM keys, +all, an expected MX that is missing', async () => {
    const p = page();
    await p.getByTestId('nav-mail').click();
    await p.getByTestId('add-mail-domain').click();
    await fillForm(p, { domain: `${L.bad.toUpperCase()}.`, selectors: 'sel1, weak, old, broken', expectedMx: 'mx.bad.test, mx9.bad.test', resolver: dns!.resolverSpec });
    await p.getByTestId('mail-save').click();
    await visible(p.locator(`[data-testid="mail-domain-detail"][data-domain="${L.bad}"]`));

    bad1 = await audit(p, L.bad, null);
    expect(['D', 'F']).toContain(bad1.score!.grade);
    expect(await text(p.getByTestId('grade'))).toBe(bad1.score!.grade);
    await checkGroups(p, bad1);
    const ids = new Set(bad1.findings.map((f) => f.checkId));
    for (const id of ['MAIL-SPF-ALL', 'MAIL-DKIM-KEY-SIZE', 'MAIL-DKIM-REVOKED', 'MAIL-DKIM-TESTING', 'MAIL-DMARC-POLICY']) expect(ids, id).toContain(id);
    // The cards are exactly the run's open findings.
    const cards = await p.getByTestId('findings').getByTestId('finding').evaluateAll((els) => els.map((e) => e.getAttribute('data-finding-id')).sort());
    expect(cards).toEqual(bad1.findings.filter((f) => f.status === 'open').map((f) => f.id).sort());
    const allCard = card(p.getByTestId('findings'), 'MAIL-SPF-ALL');
    expect(await text(allCard.getByTestId('finding-evidence'))).toContain('+all');

    const weak = p.locator('[data-testid="dkim-key"][data-selector="weak"]');
    expect(await text(weak.getByTestId('dkim-key-bits'))).toBe('512');
    expect(await text(p.locator('[data-testid="dkim-key"][data-selector="sel1"]').getByTestId('dkim-key-bits'))).toBe('1024');
    expect(await text(p.getByTestId('mx-expected'))).toMatch(/missing mx9\.bad\.test; not expected mx2\.bad\.test, mx3\.bad\.test/);
    await shot(p, 'bad-run-findings');
    await shotOf(p.getByTestId('findings'), 'bad-findings');
    await p.getByTestId('mail-records').scrollIntoViewIfNeeded();
    await shot(p, 'bad-run-records');
    await shotOf(p.getByTestId('mail-records'), 'bad-records');
  });

  step('second run after the weak selectors are dropped: the diff shows their findings resolved', async () => {
    const p = page();
    await p.getByTestId('nav-mail').click();
    await p.locator(`[data-testid="mail-domain-row"][data-domain="${L.bad}"]`).click();
    await p.getByTestId('edit-mail-domain').click();
    expect(await p.getByTestId('mail-selectors').inputValue()).toBe('sel1, weak, old, broken');
    // A bad selector on edit is refused too, and the stored domain is unchanged.
    await fillForm(p, { selectors: 'sel1, we/ak' });
    await p.getByTestId('mail-save').click();
    await visible(p.getByTestId('field-error-dkimSelectors'));
    expect((await domains()).find((d) => d.domain === L.bad)!.dkimSelectors).toEqual(['sel1', 'weak', 'old', 'broken']);
    await fillForm(p, { selectors: 'sel1' });
    await p.getByTestId('mail-save').click();
    await expect.poll(async () => (await domains()).find((d) => d.domain === L.bad)!.dkimSelectors).toEqual(['sel1']);

    bad2 = await audit(p, L.bad, bad1.id);
    const diff = unwrap(await app!.call<RunDiff>('mail', 'diff', { runId: bad2.id }));
    expect(diff.previousRunId).toBe(bad1.id);
    expect(diff.new).toEqual([]);
    expect(diff.resolved.length).toBeGreaterThan(0);
    // Only DKIM findings of the dropped selectors went away.
    for (const f of diff.resolved) expect(f.resource, f.checkId).toMatch(/^dkim:(weak|old|broken)\._domainkey\./);
    const panel = p.getByTestId('run-diff');
    await expect.poll(() => panel.getAttribute('data-state')).toBe('ready');
    expect(await panel.getAttribute('data-previous-run-id')).toBe(bad1.id);
    expect(await text(p.getByTestId('diff-new-count'))).toBe('0');
    expect(await text(p.getByTestId('diff-resolved-count'))).toBe(String(diff.resolved.length));
    expect(await text(p.getByTestId('diff-unchanged-count'))).toBe(String(diff.unchanged.length));
    const resolvedRows = await p.locator('[data-testid="diff-item"][data-kind="resolved"]').count();
    expect(resolvedRows).toBe(diff.resolved.length);
    await visible(p.getByTestId('diff-score-change'));
    expect(bad2.score!.overall).toBeGreaterThan(bad1.score!.overall);
    await panel.scrollIntoViewIfNeeded();
    await shot(p, 'bad-second-run-diff');
    await shotOf(panel, 'bad-second-run-diff');
  });

  step('third run with "weak" back: compared with the run before, then with the first run', async () => {
    const p = page();
    await p.getByTestId('nav-mail').click();
    await p.locator(`[data-testid="mail-domain-row"][data-domain="${L.bad}"]`).click();
    await p.getByTestId('edit-mail-domain').click();
    await fillForm(p, { selectors: 'sel1, weak' });
    await p.getByTestId('mail-save').click();
    await expect.poll(async () => (await domains()).find((d) => d.domain === L.bad)!.dkimSelectors).toEqual(['sel1', 'weak']);
    bad3 = await audit(p, L.bad, bad2.id);

    const weakIds = (fs: Finding[]) => fs.filter((f) => f.resource.startsWith('dkim:weak.')).map((f) => f.id).sort();
    const vsPrev = unwrap(await app!.call<RunDiff>('mail', 'diff', { runId: bad3.id }));
    expect(vsPrev.previousRunId).toBe(bad2.id);
    expect(vsPrev.resolved.map((f) => `${f.checkId} ${f.resource}`)).toEqual([]);
    expect(vsPrev.new.map((f) => f.id).sort()).toEqual(weakIds(bad3.findings));
    await expect.poll(async () => text(p.getByTestId('diff-new-count'))).toBe(String(vsPrev.new.length));

    // Against the first run: the old/broken findings are resolved, weak's are unchanged.
    await p.getByTestId('diff-against').selectOption(bad1.id);
    await expect.poll(() => p.getByTestId('run-diff').getAttribute('data-previous-run-id')).toBe(bad1.id);
    const vsFirst = unwrap(await app!.call<RunDiff>('mail', 'diff', { runId: bad3.id, againstRunId: bad1.id }));
    expect(vsFirst.new).toEqual([]);
    expect(vsFirst.resolved.length).toBeGreaterThan(0);
    for (const f of vsFirst.resolved) expect(f.resource).toMatch(/^dkim:(old|broken)\._domainkey\./);
    expect(await text(p.getByTestId('diff-new-count'))).toBe('0');
    expect(await text(p.getByTestId('diff-resolved-count'))).toBe(String(vsFirst.resolved.length));
    expect(await text(p.getByTestId('diff-unchanged-count'))).toBe(String(vsFirst.unchanged.length));
    await p.getByTestId('run-diff').scrollIntoViewIfNeeded();
    await shot(p, 'bad-third-run-against-first');
    await shotOf(p.getByTestId('run-diff'), 'bad-third-run-against-first');
  });

  step('triage a mail finding on the latest run: a false positive leaves the grade; older runs are read-only', async () => {
    const p = page();
    const target = card(p.getByTestId('findings'), 'MAIL-DMARC-POLICY').first();
    const id = (await target.getAttribute('data-finding-id'))!;
    await target.getByTestId('mark-false-positive').click();
    await target.getByTestId('triage-reason').fill('p=none while the reports are read; reject planned');
    await target.getByTestId('triage-submit').click();
    const moved = p.locator(`[data-testid="not-counted"] [data-finding-id="${id}"]`);
    await visible(moved);
    expect(await moved.getAttribute('data-status')).toBe('false-positive');
    const after = unwrap(await app!.call<RunDetail>('mail', 'getRun', { runId: bad3.id }));
    expect(after.findings.find((f) => f.id === id)!.status).toBe('false-positive');
    expect(after.score!.overall).toBeGreaterThan(bad3.score!.overall);
    await expect.poll(async () => text(p.getByTestId('score'))).toBe(after.score!.overall.toFixed(1));

    // The first run is older: no triage there, a link to the latest instead.
    await p.getByTestId('diff-previous-link').click();
    await expect.poll(() => p.getByTestId('mail-run-view').getAttribute('data-run-id')).toBe(bad1.id);
    await visible(p.getByTestId('triage-readonly'));
    expect(await p.getByTestId('mark-false-positive').count()).toBe(0);
  });

  step('the domain’s history lists its runs with their changes; Runs opens a mail run in the mail view', async () => {
    const p = page();
    await p.getByTestId('back-to-mail').click();
    const detail = await visible(p.locator(`[data-testid="mail-domain-detail"][data-domain="${L.bad}"]`));
    const rows = detail.getByTestId('run-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).toEqual([bad3.id, bad2.id, bad1.id]);
    const changes = detail.locator(`[data-run-id="${bad2.id}"] [data-testid="run-changes"]`);
    await expect.poll(() => changes.getAttribute('data-resolved')).not.toBeNull();
    const d2 = unwrap(await app!.call<RunDiff>('mail', 'diff', { runId: bad2.id }));
    expect(await changes.getAttribute('data-resolved')).toBe(String(d2.resolved.length));
    await shot(p, 'bad-history');

    await p.getByTestId('nav-runs').click();
    expect(await text(p.locator(`[data-testid="run-row"][data-run-id="${good.id}"]`))).toContain(`${L.good} mail domain`);
    await p.locator(`[data-testid="run-row"][data-run-id="${good.id}"]`).click();
    await expect.poll(() => p.getByTestId('mail-run-view').getAttribute('data-run-id')).toBe(good.id);
    expect(await text(p.getByTestId('nav-mail'))).toBe('Mail');
    expect(await p.getByTestId('nav-mail').getAttribute('aria-current')).toBe('page');
  });

  step('a linked host: chosen in the form, shown in the list; a host that cannot be reached makes the run partial, not clean', async () => {
    const p = page();
    // Loopback port 1: nothing listens (the network rule: no other address is ever contacted).
    const host = unwrap(await app!.call<{ id: number }>('hosts', 'add', { name: 'mail-1', address: '127.0.0.1', port: 1, username: 'root', identityFile: '/nonexistent/id_ed25519' }));
    await p.getByTestId('nav-mail').click();
    await p.getByTestId('add-mail-domain').click();
    await fillForm(p, { domain: L.nullmx, resolver: dns!.resolverSpec });
    await p.getByTestId('mail-host').selectOption(String(host.id));
    await p.getByTestId('mail-save').click();
    const row = p.locator(`[data-testid="mail-domain-row"][data-domain="${L.nullmx}"]`);
    await visible(row);
    expect(await text(row)).toContain('mail-1');
    expect((await domains()).find((d) => d.domain === L.nullmx)).toMatchObject({ hostId: host.id, hostName: 'mail-1' });
    const run = await audit(p, L.nullmx, null);
    expect(run.status).toBe('partial');
    const err = run.errors.find((e) => e.section === 'host-dkim');
    expect(err?.message).toMatch(/host "mail-1": the DKIM keys could not be read/);
    expect(await text(p.getByTestId('run-errors'))).toContain('the DKIM keys could not be read');
    expect(await text(p.getByTestId('mx-kind'))).toMatch(/Null MX/);
    await shot(p, 'linked-host-unreachable');
  });

  step('cancel: a run held up by a DKIM question that is never answered stops, and stores no run', async () => {
    const p = page();
    // A loopback relay to the lab server that never answers this one name: the run waits on it.
    const slowName = `slow._domainkey.sub.${L.good}`;
    const relay = await startDnsDropRelay({ address: dns!.address, port: dns!.port }, [slowName]);
    try {
      await p.getByTestId('nav-mail').click();
      await p.getByTestId('add-mail-domain').click();
      await fillForm(p, { domain: `sub.${L.good}`, selectors: 'slow', resolver: relay.resolverSpec });
      await p.getByTestId('mail-save').click();
      await visible(p.locator(`[data-testid="mail-domain-detail"][data-domain="sub.${L.good}"]`));
      await p.getByTestId('run-mail-audit').click();
      await visible(p.getByTestId('mail-progress'));
      await expect.poll(() => relay.dropped.length, { timeout: 10_000 }).toBeGreaterThan(0);
      await p.getByTestId('cancel-mail-audit').click();
      const outcome = await visible(p.getByTestId('mail-outcome'), 30_000);
      expect(await outcome.getAttribute('data-kind')).toBe('cancelled');
      expect(await p.getByTestId('mail-progress').count()).toBe(0);
      const last = app!.events.delivered.filter((e) => e.type === 'mail-progress').at(-1);
      expect(last).toMatchObject({ phase: 'cancelled' });
      await visible(p.getByTestId('mail-no-runs'));
      expect((await domains()).find((d) => d.domain === `sub.${L.good}`)!.lastRun).toBeNull();
      expect(relay.dropped).toContain(`${slowName}|TXT`);
      await shot(p, 'cancelled');
    } finally {
      await relay.close();
    }
  });

  step('a resolver that does not answer: the audit fails with RESOLVER_UNREACHABLE and stores no run', async () => {
    const p = page();
    await p.getByTestId('nav-mail').click();
    await p.getByTestId('add-mail-domain').click();
    // Loopback port 9: nothing listens, the datagram is refused at once.
    await fillForm(p, { domain: 'deaf.test', resolver: '127.0.0.1:9' });
    await p.getByTestId('mail-save').click();
    await visible(p.locator('[data-testid="mail-domain-detail"][data-domain="deaf.test"]'));
    await p.getByTestId('run-mail-audit').click();
    const outcome = await visible(p.getByTestId('mail-outcome'), 30_000);
    expect(await outcome.getAttribute('data-code')).toBe('RESOLVER_UNREACHABLE');
    expect(await text(outcome)).toMatch(/127\.0\.0\.1:9/);
    await visible(p.getByTestId('mail-no-runs'));
    expect((await domains()).find((d) => d.domain === 'deaf.test')!.lastRun).toBeNull();
    await shot(p, 'resolver-unreachable');
  });

  step('restart: the domains, their grades and runs are still there', async () => {
    await app!.restart();
    const p = page();
    await p.getByTestId('nav-mail').click();
    await expect.poll(() => p.getByTestId('mail-domain-row').count()).toBe(5);
    const badRow = p.locator(`[data-testid="mail-domain-row"][data-domain="${L.bad}"]`);
    const stored = (await domains()).find((d) => d.domain === L.bad)!;
    expect(stored.lastRun?.id).toBe(bad3.id);
    expect(await text(badRow.getByTestId('mail-domain-grade'))).toBe(stored.lastRun!.grade);
    await badRow.click();
    await expect.poll(() => p.getByTestId('run-row').count()).toBe(3);
    await shot(p, 'after-restart');
  });
});
