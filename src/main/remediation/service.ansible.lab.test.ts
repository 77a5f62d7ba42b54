// "Export as Ansible" through the handler table (remediation:exportAnsible), against a real lab
// host: a previewed plan comes back as playbook + inventory text, is written to a path on this
// computer when one is given (inventory beside it), stays confirmable (not consumed), and nothing
// on the host changes; bad requests are refused. Needs root for the lab; skipped without the lab
// prerequisites unless RAMPART_LAB_REQUIRED=1 (then it fails).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from '../../../lab/lab';
import { createAuditLabHost, destroyAuditLabHost, plantDir, plantFile, type AuditLabHost } from '../../../lab/plant';
import { noSecrets } from '../../../test/support/handlers';
import type { Host, RunDetail } from '../../shared/domain';
import type { Result } from '../../shared/errors';
import type { DesktopFixPreview, FixAnsibleExport } from '../../shared/ipc/remediation';
import { findingKey } from '../audit/engine';
import { createHandlers, type Handlers } from '../handlers';
import { createServices, type Services } from '../services';

const labAvailable = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';

describe.runIf(labAvailable)('remediation:exportAnsible on a previewed plan of a lab host', { timeout: 180_000 }, () => {
  let dir: string;
  let lab: AuditLabHost;
  let services: Services;
  let h: Handlers;
  let hostId = 0;
  let file = '';

  async function call<T>(channel: string, request: unknown): Promise<Result<T>> {
    return (await h.invoke(channel, request)) as Result<T>;
  }
  async function ok<T>(channel: string, request: unknown): Promise<T> {
    const r = await call<T>(channel, request);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
    return r.data;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-fix-ansible-'));
    lab = await createAuditLabHost('bare');
    const srv = plantDir(join(lab.root, 'srv', 'ansible'), { mode: 0o755 });
    file = plantFile(join(srv, '.env'), 'API_TOKEN=ANSIBLE-EXPORT-LEAK-4Q7Z\n', { mode: 0o644, uid: 1234, gid: 1234 });
    services = createServices({ dbFile: join(dir, 'rampart.sqlite3'), secrets: noSecrets, env: {} });
    h = createHandlers(services);
    const host = lab.host;
    const added = await ok<Host>('hosts:add', { name: 'ansible-export', address: host.address, port: host.port, username: host.user, auth: 'key-file', identityFile: host.identityFile, sshdConfigPath: host.sshdConfigPath, scanRoots: [srv] });
    hostId = added.id;
    const probe = await ok<{ keyType: string; fingerprint: string }>('hosts:probeKey', { hostId });
    await ok('hosts:trustKey', { hostId, keyType: probe.keyType, fingerprint: probe.fingerprint, replace: false });
  }, 180_000);

  afterAll(async () => {
    services?.close();
    if (lab) await destroyAuditLabHost(lab);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('returns the playbook and inventory, writes them to a given path, keeps the preview, changes nothing on the host; refuses bad requests', async () => {
    const run = await ok<RunDetail>('audit:run', { hostId });
    const key = findingKey(`${lab.host.address}:${lab.host.port}`, 'SECRET-FILE-READABLE', `file:${file}`);
    expect(run.findings.some((f) => f.id === key)).toBe(true);
    const preview = await ok<DesktopFixPreview>('remediation:plan', { hostId, findingKeys: [key] });
    const before = statSync(file);

    const text = await ok<FixAnsibleExport>('remediation:exportAnsible', { hostId, jobId: preview.jobId });
    expect(text.playbookFile).toBeNull();
    expect(text.exported.map((e) => e.checkId)).toEqual(['SECRET-FILE-READABLE']);
    expect(text.skipped).toEqual([]);
    expect(text.playbook).toContain(`path: !unsafe ${JSON.stringify(file)}`);
    expect(text.playbook).toContain(`rampart_pre_0.stat.checksum == '`);
    expect(text.playbook).not.toContain('ANSIBLE-EXPORT-LEAK');
    expect(text.inventory).toContain(`ansible_ssh_private_key_file: !unsafe ${JSON.stringify(lab.host.identityFile)}`);

    const book = join(dir, 'out', 'fix.yml');
    plantDir(join(dir, 'out'));
    const saved = await ok<FixAnsibleExport>('remediation:exportAnsible', { hostId, jobId: preview.jobId, path: book });
    expect(saved.playbookFile).toBe(book);
    expect(saved.inventoryFile).toBe(join(dir, 'out', 'fix.inventory.yml'));
    // The playbook names its own files in the usage line; otherwise the same plan.
    expect(readFileSync(book, 'utf8')).toBe(saved.playbook);
    expect(saved.playbook).toContain('ansible-playbook -i fix.inventory.yml fix.yml');
    expect(readFileSync(saved.inventoryFile!, 'utf8')).toBe(saved.inventory);

    // Refused: a relative path, a folder that does not exist, an unknown preview.
    const rel = await call('remediation:exportAnsible', { hostId, jobId: preview.jobId, path: 'fix.yml' });
    expect(rel.ok).toBe(false);
    if (!rel.ok) expect(rel.error.code).toBe('VALIDATION');
    const missing = await call('remediation:exportAnsible', { hostId, jobId: preview.jobId, path: join(dir, 'nope', 'fix.yml') });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.message).toMatch(/Cannot write/);
    const unknown = await call('remediation:exportAnsible', { hostId, jobId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('NOT_FOUND');

    // Nothing on the host changed, and the preview is still there to confirm (exported, not applied).
    const after = statSync(file);
    expect([after.mode, after.uid, after.mtimeMs]).toEqual([before.mode, before.uid, before.mtimeMs]);
    const again = await ok<FixAnsibleExport>('remediation:exportAnsible', { hostId, jobId: preview.jobId });
    expect(again.playbook).toBe(text.playbook);
  });
});
