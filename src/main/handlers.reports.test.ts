// reports:save through the handler table on a real temporary SQLite file: the file lands in the
// reports folder under a name the main process makes, owner-only, in the asked format.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finding, saveRun } from '../../test/support/reportStore';
import { noSecrets, useHandlerHarness } from '../../test/support/handlers';
import { SavedReport } from '../shared/ipc/reports';
import { ReportDocument } from '../shared/report';
import { createHandlers } from './handlers';
import { createServices } from './services';

const harness = useHandlerHarness('rampart-handlers-reports-');
const { ok, fail } = harness;

function seed(): string {
  const h = harness.services.store.addHost({ name: 'web-1', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
  return saveRun(harness.services.store, {
    id: 'run-1',
    hostId: h.id,
    name: '../../etc/web 1<x>',
    address: '10.9.0.2',
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    findings: [finding('SSH-PERMIT-ROOT-LOGIN', 'sshd:/etc/ssh/sshd_config:PermitRootLogin', { evidence: '<script>x</script>' })],
  });
}

const prevChromium = process.env.RAMPART_CHROMIUM;
afterEach(() => {
  if (prevChromium === undefined) delete process.env.RAMPART_CHROMIUM;
  else process.env.RAMPART_CHROMIUM = prevChromium;
});

describe('reports:save', () => {
  it('writes each text format into the reports folder, owner-only, with a safe generated name', async () => {
    const runId = seed();
    for (const format of ['md', 'html', 'json', 'csv'] as const) {
      const saved = SavedReport.parse(await ok('reports:save', { runId, kind: 'full', format }));
      expect(path.dirname(saved.file)).toBe(harness.services.reportsDir);
      expect(path.basename(saved.file)).toMatch(new RegExp(`^etc_web_1_x_-full-[0-9TZ-]+\\.${format}$`));
      expect(fs.statSync(saved.file).mode & 0o777).toBe(0o600);
      expect(saved.bytes).toBe(fs.statSync(saved.file).size);
      expect(saved.openFindings).toBe(1);
      const text = fs.readFileSync(saved.file, 'utf8');
      if (format === 'json') expect(ReportDocument.parse(JSON.parse(text)).provenance.runs[0]!.runId).toBe(runId);
      if (format === 'html') expect(text).toContain('&lt;script&gt;x&lt;/script&gt;');
    }
    const plan = SavedReport.parse(await ok('reports:save', { runId, kind: 'action-plan', format: 'md' }));
    expect(path.basename(plan.file)).toMatch(/^ACTION_PLAN_TODO-/);
    expect(fs.readFileSync(plan.file, 'utf8')).toContain('- [ ] **1.**');
  });

  it('refuses bad requests and unknown runs; PDF without Chromium is PDF_UNAVAILABLE', async () => {
    seed();
    expect((await fail('reports:save', { runId: 'run-1', kind: 'full', format: 'docx' })).code).toBe('VALIDATION');
    expect((await fail('reports:save', { runId: 'run-1', kind: 'full', format: 'md', path: '/etc/passwd' })).code).toBe('VALIDATION');
    expect((await fail('reports:save', { runId: 'nope', kind: 'full', format: 'md' })).code).toBe('NOT_FOUND');
    process.env.RAMPART_CHROMIUM = path.join(os.tmpdir(), 'no-such-chromium');
    const e = await fail('reports:save', { runId: 'run-1', kind: 'executive', format: 'pdf' });
    expect(e.code).toBe('PDF_UNAVAILABLE');
    expect(e.message).toMatch(/PDF needs Chromium/);
  });

  it('PDF goes through the injected printer (Electron printToPDF in the app)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-reports-pdf-'));
    const printed: string[] = [];
    const services = createServices({
      dbFile: path.join(dir, 'r.db'),
      secrets: noSecrets,
      printPdf: async (html) => {
        printed.push(html);
        return Buffer.from('%PDF-1.7 stand-in');
      },
    });
    try {
      const h = services.store.addHost({ name: 'web-1', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
      saveRun(services.store, { id: 'r1', hostId: h.id, name: 'web-1', address: '10.9.0.2', startedAt: new Date(Date.now() - 1000).toISOString(), findings: [] });
      const res = await createHandlers(services).invoke('reports:save', { runId: 'r1', kind: 'executive', format: 'pdf' });
      expect(res.ok).toBe(true);
      const saved = SavedReport.parse(res.ok ? res.data : null);
      expect(saved.file.startsWith(path.join(dir, 'reports'))).toBe(true);
      expect(fs.readFileSync(saved.file, 'utf8')).toBe('%PDF-1.7 stand-in');
      expect(printed).toHaveLength(1);
      expect(printed[0]).toMatch(/^<!DOCTYPE html>/);
    } finally {
      services.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
