// Traefik, Authelia and segmentation (issue 16 items 4–6) end to end: a real dockerd (lab/docker.ts,
// in its own network namespace) with the proxy set of lab/containerSets.ts — a Traefik with
// --api.insecure=true and a dashboard router without middleware, an Authelia whose mounted
// configuration.yml says default_policy: bypass with an inline jwt_secret, a database on the
// proxy's network and on a back-end network that is not internal — audited over SSH through a lab
// host by runAudit with the real collector. The findings land on those containers and files; the
// planted secret never leaves the host; the audit stays at ≤ 3 execs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHardenedProxySet, createProxySet, HARDENED_PROXY_SET, PROXY_SET } from '../lab/containerSets';
import { docker, labDockerPrerequisites, startLabDocker, stopLabDocker, type LabDocker } from '../lab/docker';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { canary } from '../lab/plant';
import { runAudit, type AuditTarget } from '../src/main/audit/auditor';
import { Store } from '../src/main/store/store';
import type { RunDetail } from '../src/shared/domain';

const available = (labPrerequisites().ok && labDockerPrerequisites().ok) || process.env.RAMPART_LAB_REQUIRED === '1';

function target(host: LabHost): AuditTarget {
  return { hostId: null, name: host.name, address: host.address, port: host.port, username: host.user, identityFile: host.identityFile, sshdConfigPath: host.sshdConfigPath, scanRoots: [] };
}

const findings = (run: RunDetail, checkId: string): string[] =>
  run.findings
    .filter((f) => f.checkId === checkId)
    .map((f) => `${f.severity} ${f.resource}`)
    .sort();
const statusOf = (run: RunDetail, checkId: string): string => run.checks.find((c) => c.checkId === checkId)?.status ?? 'missing';

describe.skipIf(!available)('Traefik, Authelia and segmentation on real containers', () => {
  let d: LabDocker | undefined;
  let host: LabHost | undefined;
  let dir: string;
  let store: Store;
  let run: RunDetail;
  let configPath: string;
  const jwt = canary('authelia-jwt');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-audit-proxy-'));
    store = new Store(path.join(dir, 'rampart.db'));
    d = await startLabDocker();
    host = await createLabHost({ scenario: 'hardened', sshdExtraConfig: `SetEnv DOCKER_HOST=${d.dockerHost}` });
    ({ autheliaConfig: configPath } = await createProxySet(d, jwt));
    run = await runAudit(store, target(host), { acceptNewHostKey: true });
  }, 180_000);

  afterAll(async () => {
    store?.close();
    if (host) await destroyLabHost(host);
    if (d) await stopLabDocker(d);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the lab networks exist only in the engine: the database really is on the proxy network', async () => {
    const nets = (await docker(d!, ['inspect', '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', PROXY_SET.db])).trim().split(' ').sort();
    expect(nets).toEqual([PROXY_SET.back, PROXY_SET.front]);
    expect(fs.existsSync(`/sys/class/net/${PROXY_SET.front}`)).toBe(false);
  });

  it('the audit is complete, its new section included, in ≤ 3 execs', () => {
    expect(run.status).toBe('complete');
    expect(run.errors.filter((e) => ['docker', 'proxy'].includes(e.section))).toEqual([]);
    expect(run.execCount).toBeLessThanOrEqual(3);
  });

  it('Traefik: insecure API, dashboard router without auth, exposed by default, plain HTTP entry point, no headers, no access log, socket read-write', () => {
    const t = `traefik:container:${PROXY_SET.traefik}`;
    expect(findings(run, 'TRAEFIK-API-INSECURE')).toEqual([`high ${t}`]);
    expect(findings(run, 'TRAEFIK-DASHBOARD-NO-AUTH')).toEqual(['high traefik-router:dashboard@docker']);
    expect(findings(run, 'TRAEFIK-EXPOSED-BY-DEFAULT')).toEqual([`medium ${t}`]);
    expect(findings(run, 'TRAEFIK-ENTRYPOINT-NO-TLS')).toEqual([`medium traefik-entrypoint:container:${PROXY_SET.traefik}:web`]);
    expect(findings(run, 'TRAEFIK-NO-SECURITY-HEADERS')).toEqual(['low traefik:headers']);
    expect(findings(run, 'TRAEFIK-ACCESS-LOG-OFF')).toEqual([`low ${t}`]);
    expect(findings(run, 'TRAEFIK-DOCKER-SOCKET-RW')).toEqual([`medium ${t}`]);
    expect(statusOf(run, 'TRAEFIK-TLS-MIN-VERSION')).toBe('pass');
  });

  it('Authelia: bypass by default and on the Traefik host, one factor on Portainer, inline secret, weak session, readable file, file notifier, short key', () => {
    const a = `authelia:${configPath}`;
    expect(findings(run, 'AUTHELIA-DEFAULT-POLICY')).toEqual([`high ${a}`]);
    expect(findings(run, 'AUTHELIA-ADMIN-BYPASS')).toEqual([`high ${a}:rules[0]`]);
    expect(findings(run, 'AUTHELIA-ADMIN-ONE-FACTOR')).toEqual([`medium ${a}:rules[1]`]);
    expect(findings(run, 'AUTHELIA-INLINE-SECRET')).toEqual([`medium ${a}:inline-secrets`]);
    expect(run.findings.find((f) => f.checkId === 'AUTHELIA-INLINE-SECRET')?.evidence).toContain(`jwt_secret (${jwt.length} characters)`);
    expect(findings(run, 'AUTHELIA-SESSION-WEAK')).toEqual([`low ${a}:session:lifetime`]);
    expect(findings(run, 'AUTHELIA-CONFIG-READABLE')).toEqual([`medium file:${configPath}`]);
    expect(findings(run, 'AUTHELIA-NOTIFIER-FILESYSTEM')).toEqual([`low ${a}:notifier`]);
    expect(findings(run, 'AUTHELIA-STORAGE-KEY-SHORT')).toEqual([`medium ${a}:storage.encryption_key`]);
    expect(run.findings.find((f) => f.checkId === 'AUTHELIA-CONFIG-READABLE')?.evidence).toContain(`container ${PROXY_SET.authelia}`);
  });

  it('segmentation: the published proxy shares a network with the database; the back-end network is not internal', () => {
    expect(findings(run, 'SEG-PUBLISHED-SHARES-BACKEND')).toEqual([`medium docker-network:${PROXY_SET.front}:${PROXY_SET.traefik}`]);
    expect(findings(run, 'SEG-BACKEND-NOT-INTERNAL')).toEqual([`low docker-network:${PROXY_SET.back}`]);
    expect(statusOf(run, 'SEG-DB-DEFAULT-BRIDGE')).toBe('pass');
  });

  it('beside the hardened counterpart on the same engine: no finding on it, the vulnerable ones stay', async () => {
    const { autheliaConfig: hardConfig } = await createHardenedProxySet(d!);
    const again = await runAudit(store, target(host!), { acceptNewHostKey: true });
    const ours = (r: RunDetail): string[] =>
      r.findings
        .filter((f) => /^(TRAEFIK|AUTHELIA|SEG)-/.test(f.checkId))
        .map((f) => `${f.checkId} ${f.resource}`)
        .sort();
    const hardened = ours(again).filter((f) => f.includes('h-') || f.includes(hardConfig) || f.includes(HARDENED_PROXY_SET.back) || f.includes(HARDENED_PROXY_SET.front));
    expect(hardened).toEqual([]);
    // The headers check is about the whole proxy: the hardened Traefik's headers middleware now exists.
    expect(ours(again)).toEqual(ours(run).filter((f) => !f.startsWith('TRAEFIK-NO-SECURITY-HEADERS ')));
    // The hardened Authelia was read (found through its mount), not skipped.
    expect(again.checks.find((c) => c.checkId === 'AUTHELIA-DEFAULT-POLICY')?.status).toBe('fail');
    expect(again.findings.filter((f) => f.checkId === 'AUTHELIA-DEFAULT-POLICY').map((f) => f.resource)).toEqual([`authelia:${configPath}`]);
  });

  it('the inline jwt_secret reaches neither the run nor the database', () => {
    expect(JSON.stringify(run)).not.toContain(jwt);
    expect(JSON.stringify(store.getRun(run.id))).not.toContain(jwt);
    store.close();
    expect(fs.readFileSync(path.join(dir, 'rampart.db')).includes(Buffer.from(jwt))).toBe(false);
    store = new Store(path.join(dir, 'rampart.db'));
  });
});
