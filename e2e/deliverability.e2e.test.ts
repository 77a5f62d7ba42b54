// The Deliverability panel, end to end (issue 13, "UI"): the built renderer in Chromium over the
// real handler table, a real SQLite file, a real gnome-keyring on a private D-Bus (the services run
// in this process) and the real lab mail pair (lab/mailPair.ts: sender Postfix + OpenDKIM with SASL
// submission, receiver Postfix + OpenDKIM/OpenDMARC + Dovecot/Sieve into INBOX or Junk).
//
// Mail domain send.test → Deliverability → Add probe profile: bad input refused by field, what was
// typed kept → saved (passwords in the keychain, not in the database) → Run probe now with
// progress → INBOX, spf/dkim/dmarc pass, latency, hops, 100 % → the DKIM key in DNS replaced → Junk,
// dkim=fail dmarc=fail, findings, 50 % and a two-point trend → the receiver's Postfix stopped: a run
// cancelled from the panel, then one that gives up after the timeout (not delivered) → edit the
// profile with the password fields left empty (the stored passwords are kept) → restart: the
// profile and its runs are still there → the panel's stack health: no host linked → the sender
// added as a host and linked from the panel → never audited → audited from the panel: its mail
// findings (grouped, with severity) and passed checks as stored in the run; a finding opens the run.
//
// Needs root (lab namespaces), the pair's packages and /usr/bin/chromium. Only the lab hosts'
// addresses and loopback are contacted. Screenshots go to e2e/screenshots/deliverability/.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { labPrerequisites } from '../lab/lab';
import { mailPairAvailable, startMailPair, type MailPair } from '../lab/mailPair';
import { KeytarSecretStore } from '../src/main/secrets/secretStore';
import { probeSecretAccount } from '../src/main/store/probes';
import type { Host, RunDetail, RunSummary } from '../src/shared/domain';
import type { HostKeyProbe } from '../src/shared/ipc/hosts';
import type { MailDomain } from '../src/shared/ipc/mail';
import type { ProbeProfile, ProbeRun } from '../src/shared/ipc/probe';
import { startTestKeyring, type TestKeyring } from '../test/support/keyring';
import { ensureBuilt, openApp, resetScreenshots, SCREENSHOT_DIR, shot, type App } from './harness';
import { pageOf, stepper, text, unwrap, visible } from './steps';

const labAvailable = (labPrerequisites().ok && mailPairAvailable()) || process.env.RAMPART_LAB_REQUIRED === '1';
if (!labAvailable) console.warn('[e2e] lab hosts or the mail pair packages unavailable; skipping the deliverability e2e suite.');

async function shotOf(l: Locator, name: string): Promise<void> {
  await l.screenshot({ path: join(SCREENSHOT_DIR, 'deliverability', `part-${name}.png`), animations: 'disabled' });
}

describe.skipIf(!labAvailable)('Deliverability panel in a browser: probe profile → real probes through the lab mail pair → inbox, junk, not delivered, rate and trend', () => {
  let tmp = '';
  let dbFile = '';
  let app: App | null = null;
  let pair: MailPair | null = null;
  let keyring: TestKeyring | null = null;
  const savedEnv: Record<string, string | undefined> = {};

  const page = (): Page => pageOf(app);
  const step = stepper(() => app);
  const profiles = async (): Promise<ProbeProfile[]> => unwrap(await app!.call<ProbeProfile[]>('probe', 'listProfiles', {}));
  const history = async (profileId: number): Promise<ProbeRun[]> => unwrap(await app!.call<ProbeRun[]>('probe', 'history', { profileId }));
  const panel = (p: Page): Locator => p.getByTestId('deliverability-panel');

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('deliverability');
    keyring = await startTestKeyring();
    for (const k of Object.keys(keyring.env)) savedEnv[k] = process.env[k];
    Object.assign(process.env, keyring.env);
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-probe-'));
    dbFile = join(tmp, 'rampart.sqlite3');
    pair = await startMailPair();
    app = await openApp({ dbFile });
  }, 180_000);

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      await pair?.close();
      keyring?.stop();
      for (const [k, v] of Object.entries(savedEnv)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);

  async function openDomain(p: Page): Promise<void> {
    await p.getByTestId('nav-mail').click();
    await p.locator(`[data-testid="mail-domain-row"][data-domain="${pair!.domains.sender}"]`).click();
    await visible(panel(p));
  }

  /** Runs the probe from the panel and waits until its last run is `runsBefore + 1`. */
  async function runProbe(p: Page, runsBefore: number): Promise<ProbeRun> {
    await p.getByTestId('run-probe').click();
    const [prof] = await profiles();
    const deadline = Date.now() + 60_000;
    let runs = await history(prof!.id);
    while (runs.length <= runsBefore && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      runs = await history(prof!.id);
    }
    expect(runs).toHaveLength(runsBefore + 1);
    await p.getByTestId('probe-progress').waitFor({ state: 'detached', timeout: 10_000 });
    await visible(p.locator(`[data-testid="probe-last-run"][data-run="${runs[0]!.id}"]`));
    return runs[0]!;
  }

  step('a mail domain with no probe profile says so', async () => {
    unwrap(await app!.call<MailDomain>('mail', 'saveDomain', { domain: pair!.domains.sender }));
    const p = page();
    await p.reload();
    await openDomain(p);
    await visible(p.getByTestId('probe-empty'));
    expect(await text(p.getByTestId('probe-empty'))).toContain(`No probe profile sends from ${pair!.domains.sender}`);
  });

  step('bad input is refused by field and what was typed stays; then the profile is saved with its passwords in the keychain only', async () => {
    const p = page();
    await p.getByTestId('add-probe-profile').click();
    const form = await visible(p.getByTestId('probe-profile-form'));
    await form.getByTestId('probe-name').fill('lab pair');
    await form.getByTestId('probe-from').fill('not an address');
    await form.getByTestId('probe-smtp-host').fill(pair!.submission.host);
    await form.getByTestId('probe-smtp-user').fill(pair!.submission.user);
    await form.getByTestId('seed-label').fill('recv');
    await form.getByTestId('seed-to').fill(pair!.imap.address);
    await form.getByTestId('seed-imap-host').fill('bad host name');
    await form.getByTestId('seed-imap-user').fill(pair!.imap.user);
    await p.getByTestId('probe-save').click();
    await visible(p.getByTestId('probe-error-fromAddress'));
    expect(await text(p.getByTestId('probe-error-fromAddress'))).toMatch(/is not a mail address/);
    expect(await text(p.getByTestId('probe-error-seeds.0.imapHost'))).not.toBe('');
    expect(await text(p.getByTestId('probe-form-error'))).toBe('Check the highlighted fields.');
    expect(await form.getByTestId('seed-imap-host').inputValue()).toBe('bad host name');
    await shot(p, 'profile-form-errors');

    await form.getByTestId('probe-from').fill(pair!.submission.from);
    await form.getByTestId('seed-imap-host').fill(pair!.imap.host);
    await p.getByTestId('probe-save').click();
    // A new profile needs its passwords: said by field, before anything reaches the keychain.
    await visible(p.getByTestId('probe-error-smtpPassword'));
    expect(await profiles()).toEqual([]);

    await form.getByTestId('probe-smtp-password').fill(pair!.submission.password);
    await form.getByTestId('seed-imap-password').fill(pair!.imap.password);
    await form.getByTestId('probe-ca-file').fill(pair!.caFile);
    await form.getByTestId('probe-timeout').fill('8');
    await shot(p, 'profile-form-filled');
    await p.getByTestId('probe-save').click();
    await visible(p.locator('[data-testid="probe-profile"][data-profile="lab pair"]'));
    const [prof] = await profiles();
    expect(prof).toMatchObject({ name: 'lab pair', domain: pair!.domains.sender, hasSmtpPassword: true, timeoutMs: 8000, caFile: pair!.caFile });
    expect(prof!.seeds[0]).toMatchObject({ label: 'recv', hasImapPassword: true, inboxFolders: ['INBOX'], junkFolders: ['Junk'] });
    const secrets = new KeytarSecretStore();
    expect(await secrets.get(probeSecretAccount(prof!.id, 'smtp'))).toBe(pair!.submission.password);
    expect(await secrets.get(probeSecretAccount(prof!.id, { seedId: prof!.seeds[0]!.id }))).toBe(pair!.imap.password);
    const raw = readFileSync(dbFile).toString('latin1') + readFileSync(`${dbFile}-wal`).toString('latin1');
    expect(raw).not.toContain(pair!.submission.password);
    expect(raw).not.toContain(pair!.imap.password);
    await visible(p.getByTestId('probe-no-runs'));
  });

  step('Run probe now: the probe lands in INBOX with spf, dkim and dmarc pass; rate 100 %', async () => {
    const p = page();
    const run = await runProbe(p, 0);
    expect(run.results[0]).toMatchObject({ folder: 'inbox', deleted: true });
    const row = p.locator('[data-testid="probe-seed-row"][data-seed="recv"]');
    expect(await row.getAttribute('data-folder')).toBe('inbox');
    for (const m of ['spf', 'dkim', 'dmarc']) expect(await row.getByTestId(`verdict-${m}`).getAttribute('data-verdict')).toBe('pass');
    expect(await text(row.getByTestId('probe-latency'))).toBe(`${(run.results[0]!.latencyMs! / 1000).toFixed(2)} s`);
    expect(await text(row)).toContain(`d=${pair!.domains.sender} s=${pair!.dkimSelector}`);
    expect(await p.getByTestId('probe-rate-overall').getAttribute('data-rate')).toBe('1');
    expect(await p.getByTestId('probe-findings').count()).toBe(0);
    await shot(p, 'inbox-pass');
    await shotOf(panel(p), 'panel-inbox-pass');
  });

  step('the DKIM key in DNS replaced: Junk, dkim=fail and dmarc=fail, findings, rate 50 % and a trend', async () => {
    const p = page();
    await pair!.breakDkim();
    try {
      const run = await runProbe(p, 1);
      expect(run.results[0]).toMatchObject({ folder: 'junk', deleted: true });
      const row = p.locator('[data-testid="probe-seed-row"][data-seed="recv"]');
      expect(await row.getAttribute('data-folder')).toBe('junk');
      expect(await row.getByTestId('verdict-dkim').getAttribute('data-verdict')).toBe('fail');
      expect(await row.getByTestId('verdict-dmarc').getAttribute('data-verdict')).toBe('fail');
      const checks = await p.locator('[data-testid="probe-findings"] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-check')));
      expect(checks.sort()).toEqual(['PROBE-DKIM', 'PROBE-DMARC', 'PROBE-RATE']);
      expect(await p.getByTestId('probe-rate-overall').getAttribute('data-rate')).toBe('0.5');
      await visible(p.getByTestId('probe-rate-chart'));
      expect(await p.locator('[data-testid="probe-rate-chart"] .recharts-line-dots .recharts-dot').count()).toBe(2);
      await shot(p, 'junk-dkim-fail');
      await shotOf(panel(p), 'panel-junk-dkim-fail');
    } finally {
      await pair!.restoreDkim();
    }
  });

  step('receiver down: a run cancelled from the panel, then one that gives up after the timeout', async () => {
    const p = page();
    await pair!.stopReceiver();
    try {
      await p.getByTestId('run-probe').click();
      await visible(p.locator('[data-testid="probe-progress"][data-phase="polling"]'));
      await shot(p, 'probe-in-progress');
      await p.getByTestId('cancel-probe').click();
      await visible(p.locator('[data-testid="probe-outcome"][data-kind="cancelled"]'));
      const [prof] = await profiles();
      const cancelled = (await history(prof!.id))[0]!;
      expect(cancelled.status).toBe('cancelled');

      const run = await runProbe(p, 3);
      expect(run.results[0]).toMatchObject({ sent: true, delivered: false, folder: null });
      const row = p.locator('[data-testid="probe-seed-row"][data-seed="recv"]');
      expect(await text(row)).toContain('not delivered');
      expect(await text(row)).toContain('Not found in recv within 8 s.');
      // 1 inbox of 3 probes (the cancelled run measured nothing).
      expect(await p.getByTestId('probe-rate-overall').getAttribute('data-rate')).toBe(String(1 / 3));
      await shot(p, 'not-delivered');
    } finally {
      await pair!.startReceiver();
      await pair!.flushSender();
    }
  });

  step('edit with the password fields left empty keeps the stored passwords; the next run delivers again', async () => {
    const p = page();
    await p.getByTestId('edit-probe-profile').click();
    const form = await visible(p.locator('[data-testid="probe-profile-form"][data-mode="edit"]'));
    expect(await form.getByTestId('probe-smtp-password').inputValue()).toBe('');
    await form.getByTestId('probe-timeout').fill('20');
    await p.getByTestId('probe-save').click();
    await p.getByTestId('probe-profile-form').waitFor({ state: 'detached' });
    const [prof] = await profiles();
    expect(prof).toMatchObject({ timeoutMs: 20_000, hasSmtpPassword: true });
    const run = await runProbe(p, 4);
    expect(run.results[0]).toMatchObject({ folder: 'inbox', deleted: true });
  });

  step('restart: the profile and its runs are still there', async () => {
    await app!.restart();
    const p = page();
    await openDomain(p);
    await visible(p.locator('[data-testid="probe-profile"][data-profile="lab pair"]'));
    expect(await p.locator('[data-testid="probe-seed-row"][data-seed="recv"]').getAttribute('data-folder')).toBe('inbox');
    const [prof] = await profiles();
    expect((await history(prof!.id)).map((r) => r.status)).toEqual(['complete', 'complete', 'cancelled', 'complete', 'complete']);
    await shot(p, 'after-restart');
  });

  // The stack health of the domain's linked host (the pair's sender: real Postfix, OpenDKIM,
  // Dovecot SASL), read from its latest audit run.
  const MAIL_GROUP_OF: Array<[RegExp, string]> = [
    [/^MAIL-QUEUE-/, 'queue'],
    [/^(MAIL-TLS-|MAIL-STACK-CERT$|MAIL-SMTPD-NO-TLS$|MAIL-SMTP-CLIENT-NO-TLS$)/, 'tls'],
    [/^MAIL-STACK-/, 'stack'],
    [/^(MAIL-RSPAMD|MAIL-CLAMAV-)/, 'filters'],
    [/^MAIL-DKIM-/, 'dkim'],
    [/./, 'postfix'],
  ];
  const groupOf = (checkId: string): string => MAIL_GROUP_OF.find(([re]) => re.test(checkId))![1];
  const stack = (p: Page): Locator => p.getByTestId('stack-health');
  let senderHostId = 0;

  step('stack health: no host linked says so and offers to link one', async () => {
    const p = page();
    await visible(stack(p).getByTestId('stack-no-host'));
    expect(await text(stack(p).getByTestId('stack-no-host'))).toContain('No host is linked to this domain');
    await visible(stack(p).getByTestId('stack-link-host'));
  });

  step('the sender host linked from the panel: never audited, with the audit as the next step', async () => {
    const s = pair!.sender;
    const host = unwrap(await app!.call<Host>('hosts', 'add', { name: 'mail-sender', address: s.address, port: s.port, username: s.user, identityFile: s.identityFile, sshdConfigPath: s.sshdConfigPath }));
    senderHostId = host.id;
    const probe = unwrap(await app!.call<HostKeyProbe>('hosts', 'probeKey', { hostId: host.id }));
    expect(s.hostKeyFingerprints[probe.keyType]).toBe(probe.fingerprint);
    unwrap(await app!.call('hosts', 'trustKey', { hostId: host.id, keyType: probe.keyType, fingerprint: probe.fingerprint }));
    const p = page();
    await p.reload();
    await openDomain(p);
    // "Link a host…" opens the domain's form, where the host is chosen and saved.
    await stack(p).getByTestId('stack-link-host').click();
    const form = await visible(p.locator('[data-testid="mail-domain-form"][data-mode="edit"]'));
    await form.getByTestId('mail-host').selectOption(String(host.id));
    await p.getByTestId('mail-save').click();
    await form.waitFor({ state: 'detached' });
    const domains = unwrap(await app!.call<MailDomain[]>('mail', 'listDomains', {}));
    expect(domains.find((d) => d.domain === pair!.domains.sender)).toMatchObject({ hostId: host.id, hostName: 'mail-sender' });
    await visible(p.locator('[data-testid="stack-health"][data-host="mail-sender"] [data-testid="stack-never-audited"]'));
    expect(await text(stack(p).getByTestId('stack-never-audited'))).toContain('mail-sender has never been audited');
    await shot(p, 'stack-health-never-audited');
  });

  step('Run an audit from the panel: the latest run, its mail findings grouped with severity and the checks that passed, as stored', async () => {
    const p = page();
    await stack(p).getByTestId('stack-run-audit').click();
    await visible(stack(p).getByTestId('stack-run'), 180_000);
    const runs = unwrap(await app!.call<RunSummary[]>('runs', 'list', { hostId: senderHostId, limit: 5 }));
    expect(runs).toHaveLength(1);
    const run = unwrap(await app!.call<RunDetail>('runs', 'get', { runId: runs[0]!.id }));
    expect(await stack(p).getByTestId('stack-run').getAttribute('data-run')).toBe(run.id);
    expect(await text(stack(p).getByTestId('stack-host-grade'))).toBe(run.score!.grade);
    expect(await text(stack(p).getByTestId('stack-mail-grade'))).toBe(run.score!.categories['mail']?.grade ?? '—');
    expect(await text(stack(p).getByTestId('stack-run-age'))).toMatch(/^audited \d+ min ago$/);
    expect(await stack(p).getByTestId('stack-run-status').getAttribute('data-status')).toBe(run.status);

    const mailChecks = run.checks.filter((c) => c.category === 'mail');
    const mailFindings = run.findings.filter((f) => f.category === 'mail');
    // The mail sections ran against the sender's real Postfix: its queue was judged, and its
    // OpenDKIM (/etc/opendkim.conf, milter in main.cf) signs the domain it sends for.
    expect(['pass', 'fail']).toContain(mailChecks.find((c) => c.checkId === 'MAIL-QUEUE-LARGE')?.status);
    expect(mailChecks.find((c) => c.checkId === 'MAIL-DKIM-SIGNING')?.status).toBe('pass');
    const shown = await stack(p).getByTestId('stack-finding').evaluateAll((els) =>
      els.map((e) => ({ id: e.getAttribute('data-finding-id'), check: e.getAttribute('data-check'), group: e.closest('[data-testid="stack-group"]')?.getAttribute('data-group'), severity: e.querySelector('[data-testid="stack-finding-severity"]')?.getAttribute('data-severity'), text: e.textContent })),
    );
    expect(shown.map((f) => f.id).sort()).toEqual(mailFindings.map((f) => f.id).sort());
    for (const f of mailFindings) {
      const row = shown.find((x) => x.id === f.id)!;
      expect(row.group, f.checkId).toBe(groupOf(f.checkId));
      expect(row.severity).toBe(f.severity);
      // Severity as a word too, not colour alone.
      expect(row.text).toContain(f.severity);
      expect(row.text).toContain(f.title);
    }
    const passed = await stack(p).getByTestId('stack-passed').evaluateAll((els) => els.map((e) => ({ check: e.getAttribute('data-check'), group: e.closest('[data-testid="stack-group"]')?.getAttribute('data-group') })));
    const passedInRun = mailChecks.filter((c) => c.status === 'pass');
    expect(passedInRun.length).toBeGreaterThan(0);
    expect(passed.map((c) => c.check).sort()).toEqual(passedInRun.map((c) => c.checkId).sort());
    for (const c of passed) expect(c.group, c.check!).toBe(groupOf(c.check!));
    // Every group with a mail check is shown; one whose checks all found nothing to judge says so.
    const groupsShown = await stack(p).getByTestId('stack-group').evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-group'), na: e.querySelector('[data-testid="stack-group-na"]') !== null })));
    expect(groupsShown.map((g) => g.id).sort()).toEqual([...new Set(mailChecks.map((c) => groupOf(c.checkId)))].sort());
    for (const g of groupsShown) expect(g.na, g.id!).toBe(mailChecks.filter((c) => groupOf(c.checkId) === g.id).every((c) => c.status === 'not-applicable'));
    const unevaluated = await stack(p).getByTestId('stack-unevaluated').evaluateAll((els) => els.map((e) => e.getAttribute('data-check')));
    expect(unevaluated.sort()).toEqual(mailChecks.filter((c) => c.status === 'error' || c.status === 'needs-sudo').map((c) => c.checkId).sort());
    console.log(`[e2e] stack health of the sender: run ${run.status}, grade ${run.score!.grade}, mail ${run.score!.categories['mail']?.grade ?? '-'}; findings ${mailFindings.map((f) => `${f.checkId}:${f.severity}`).join(', ') || 'none'}; passed ${passedInRun.map((c) => c.checkId).join(', ')}`);
    await shot(p, 'stack-health');
    await shotOf(stack(p), 'stack-health');

    // A finding (or, with none, the run button) opens the run.
    const first = mailFindings[0];
    if (first) await stack(p).locator(`[data-testid="stack-finding"][data-finding-id="${first.id}"] button`).click();
    else await stack(p).getByTestId('stack-open-run').click();
    await visible(p.locator(`[data-testid="run-view"][data-run-id="${run.id}"]`));
    if (first) await visible(p.locator(`[data-testid="finding"][data-finding-id="${first.id}"]`).first());
  });
});
