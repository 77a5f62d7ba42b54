// Every container check through the engine: the vulnerable lab containers (real `docker inspect`
// output) fail check by check, the hardened one passes everything, plus the edge cases of each
// check on synthetic containers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../shared/domain';
import { evaluate, type Evaluation } from '../../engine';
import type { HostFacts, Section, SectionName } from '../../facts';
import { parseContainer, parseDockerInfo, parseDockerInspect, type DockerContainer } from '../../parsers/docker';
import type { DockerFacts, DockerGroupFacts } from '../../sections/containers';
import { CHECKS } from '../index';
import type { CheckDef } from '../types';
import { checks } from './index';
import { imagePinning } from './latestImage';
import { sensitivity } from './sensitiveMounts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '__fixtures__', 'docker');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const CATALOG = checks as ReadonlyArray<CheckDef<SectionName>>;
const HOST = '192.0.2.10:22';

const info = parseDockerInfo(fixture('docker-info-20.10.json'));
if (!info.ok) throw new Error('fixture docker info does not parse');
const VULNERABLE = parseDockerInspect(fixture('inspect-vulnerable.jsonl')).containers;
const HARDENED = parseDockerInspect(fixture('inspect-hardened.jsonl')).containers;

function dockerFacts(containers: DockerContainer[], over: Partial<DockerFacts> = {}): DockerFacts {
  return {
    daemon: info.ok ? info.info : (undefined as never),
    containers,
    daemonJson: { present: false, noNewPrivileges: false, usernsRemap: '', icc: null, liveRestore: null, userlandProxy: null },
    limited: null,
    collectedAt: null,
    problems: [],
    ...over,
  };
}

function facts(docker: Section<DockerFacts>, group: Section<DockerGroupFacts> = { ok: true, value: { group: { gid: 999, members: [] } } }): HostFacts {
  return { docker, dockerGroup: group } as unknown as HostFacts;
}

function run(containers: DockerContainer[], over: Partial<DockerFacts> = {}): Evaluation {
  return evaluate(facts({ ok: true, value: dockerFacts(containers, over) }), HOST, CATALOG);
}

function findings(ev: Evaluation, checkId: string): Finding[] {
  return ev.findings.filter((f) => f.checkId === checkId);
}

/** checkId → sorted "resource severity" lines. */
function byCheck(ev: Evaluation): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of ev.findings) (out[f.checkId] ??= []).push(`${f.resource} ${f.severity}`);
  for (const v of Object.values(out)) v.sort();
  return out;
}

/** A container as Docker creates it with no options, changed by `over`. */
function container(name: string, over: Partial<DockerContainer> = {}): DockerContainer {
  const c = parseContainer({ Id: name.padEnd(64, '0'), Name: `/${name}`, Config: { Image: 'lab/busybox:1.35' }, State: { Status: 'running', Running: true } })!;
  return { ...c, ...over };
}

describe('the catalog', () => {
  it('ids are unique, registered in CHECKS, with CIS references where one exists', () => {
    const ids = CATALOG.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CATALOG) {
      expect(CHECKS.map((x) => x.id)).toContain(c.id);
      expect(c.category).toBe('containers');
      expect(c.references.length).toBeGreaterThan(0);
      expect(c.rationale.length).toBeGreaterThan(40);
      expect(c.remediation.length).toBeGreaterThan(20);
    }
    expect(Object.fromEntries(CATALOG.map((c) => [c.id, `${c.severity} ${c.cis ?? ''}`.trim()]))).toEqual({
      'DOCKER-PRIVILEGED': 'critical CIS Docker Benchmark v1.6.0 5.5',
      'DOCKER-SOCKET-MOUNT': 'critical CIS Docker Benchmark v1.6.0 5.32',
      'DOCKER-DANGEROUS-CAPS': 'critical CIS Docker Benchmark v1.6.0 5.4',
      'DOCKER-NO-CAP-DROP-ALL': 'low CIS Docker Benchmark v1.6.0 5.4',
      'DOCKER-NO-NEW-PRIVILEGES': 'medium CIS Docker Benchmark v1.6.0 5.26',
      'DOCKER-ROOT-USER': 'medium CIS Docker Benchmark v1.6.0 4.1',
      'DOCKER-NO-MEMORY-LIMIT': 'medium CIS Docker Benchmark v1.6.0 5.11',
      'DOCKER-NO-CPU-LIMIT': 'low CIS Docker Benchmark v1.6.0 5.12',
      'DOCKER-NO-PIDS-LIMIT': 'low CIS Docker Benchmark v1.6.0 5.29',
      'DOCKER-HOST-NETWORK': 'high CIS Docker Benchmark v1.6.0 5.10',
      'DOCKER-HOST-PID': 'high CIS Docker Benchmark v1.6.0 5.16',
      'DOCKER-HOST-IPC': 'medium CIS Docker Benchmark v1.6.0 5.17',
      'DOCKER-HOST-UTS': 'medium CIS Docker Benchmark v1.6.0 5.21',
      'DOCKER-SENSITIVE-MOUNT': 'critical CIS Docker Benchmark v1.6.0 5.6',
      'DOCKER-APPARMOR-UNCONFINED': 'high CIS Docker Benchmark v1.6.0 5.2',
      'DOCKER-SECCOMP-UNCONFINED': 'high CIS Docker Benchmark v1.6.0 5.22',
      'DOCKER-ROOTFS-WRITABLE': 'low CIS Docker Benchmark v1.6.0 5.13',
      'DOCKER-PORTS-ALL-INTERFACES': 'medium CIS Docker Benchmark v1.6.0 5.14',
      'DOCKER-NO-HEALTHCHECK': 'low CIS Docker Benchmark v1.6.0 5.27',
      'DOCKER-UNHEALTHY': 'medium',
      'DOCKER-IMAGE-LATEST': 'medium',
      'DOCKER-GROUP-MEMBERS': 'medium CIS Docker Benchmark v1.6.0 1.1.2',
    });
  });

  it('no finding is more severe than its check', () => {
    const order = ['info', 'low', 'medium', 'high', 'critical'];
    const ev = run(VULNERABLE);
    for (const f of ev.findings) {
      const check = CATALOG.find((c) => c.id === f.checkId)!;
      expect(order.indexOf(f.severity), `${f.checkId} ${f.resource}`).toBeLessThanOrEqual(order.indexOf(check.severity));
    }
  });
});

describe('the vulnerable lab containers (real inspect output)', () => {
  const ev = evaluate(
    facts({ ok: true, value: dockerFacts(VULNERABLE) }, { ok: true, value: { group: { gid: 105, members: ['alice', 'ci', 'root'] } } }),
    HOST,
    CATALOG,
  );
  const all = VULNERABLE.map((c) => `container:${c.name}`).sort();
  const each = (sev: string, except: string[] = []): string[] => all.filter((r) => !except.includes(r)).map((r) => `${r} ${sev}`);

  it('every check fails', () => {
    for (const c of ev.checks) expect(c.status, c.checkId).toBe('fail');
  });

  it('each misconfiguration on the container that has it, with the expected severity', () => {
    const got = byCheck(ev);
    expect(got['DOCKER-PRIVILEGED']).toEqual(['container:v-privileged critical']);
    expect(got['DOCKER-SOCKET-MOUNT']).toEqual(['container:v-socket critical']);
    expect(got['DOCKER-DANGEROUS-CAPS']).toEqual(['container:v-caps critical']);
    expect(got['DOCKER-HOST-NETWORK']).toEqual(['container:v-hostnet high']);
    expect(got['DOCKER-HOST-PID']).toEqual(['container:v-hostns high']);
    expect(got['DOCKER-HOST-IPC']).toEqual(['container:v-hostns medium']);
    expect(got['DOCKER-HOST-UTS']).toEqual(['container:v-hostns medium']);
    expect(got['DOCKER-SENSITIVE-MOUNT']).toEqual(['container:v-mounts critical']);
    expect(got['DOCKER-APPARMOR-UNCONFINED']).toEqual(['container:v-unconfined high']);
    expect(got['DOCKER-SECCOMP-UNCONFINED']).toEqual(['container:v-unconfined high']);
    expect(got['DOCKER-PORTS-ALL-INTERFACES']).toEqual(['container:v-ports medium']);
    expect(got['DOCKER-UNHEALTHY']).toEqual(['container:v-restarting medium', 'container:v-unhealthy medium']);
    expect(got['DOCKER-IMAGE-LATEST']).toEqual(['container:v-caps medium', 'container:v-ports medium', 'container:v-unconfined medium']);
    expect(got['DOCKER-GROUP-MEMBERS']).toEqual(['group:docker:alice medium', 'group:docker:ci medium']);
    // Docker's defaults: every container.
    expect(got['DOCKER-NO-CAP-DROP-ALL']).toEqual(each('low'));
    expect(got['DOCKER-NO-NEW-PRIVILEGES']).toEqual(each('medium'));
    expect(got['DOCKER-ROOT-USER']).toEqual(each('medium'));
    expect(got['DOCKER-NO-MEMORY-LIMIT']).toEqual(each('medium'));
    expect(got['DOCKER-NO-CPU-LIMIT']).toEqual(each('low'));
    expect(got['DOCKER-NO-PIDS-LIMIT']).toEqual(each('low'));
    expect(got['DOCKER-ROOTFS-WRITABLE']).toEqual(each('low'));
    expect(got['DOCKER-NO-HEALTHCHECK']).toEqual(each('low', ['container:v-unhealthy']));
  });

  it('evidence says what was seen and never holds a secret value', () => {
    const ev1 = (id: string, resource: string): string => findings(ev, id).find((f) => f.resource === resource)!.evidence;
    expect(ev1('DOCKER-PRIVILEGED', 'container:v-privileged')).toBe('HostConfig.Privileged is true (image lab/busybox:1.35, created, not running)');
    expect(ev1('DOCKER-SOCKET-MOUNT', 'container:v-socket')).toBe('mounts /srv/lab/docker.sock at /var/run/docker.sock (read-write) (image lab/busybox:1.35, running)');
    expect(ev1('DOCKER-DANGEROUS-CAPS', 'container:v-caps')).toBe('cap_add: SYS_ADMIN, NET_ADMIN, SYS_PTRACE (image lab/busybox:latest, running)');
    expect(ev1('DOCKER-SENSITIVE-MOUNT', 'container:v-mounts')).toMatch(/^mounts \/etc at \/host-etc \(read-only\), \/root at \/host-root \(read-write\)/);
    expect(ev1('DOCKER-PORTS-ALL-INTERFACES', 'container:v-ports')).toMatch(/0\.0\.0\.0:18080->80\/tcp/);
    expect(ev1('DOCKER-PORTS-ALL-INTERFACES', 'container:v-ports')).toMatch(/0\.0\.0\.0:18443->443\/tcp/);
    expect(ev1('DOCKER-IMAGE-LATEST', 'container:v-unconfined')).toMatch(/^created from an image ID without a tag/);
    expect(ev1('DOCKER-IMAGE-LATEST', 'container:v-ports')).toBe('image lab/busybox (no tag: implies latest; running)');
    expect(ev1('DOCKER-UNHEALTHY', 'container:v-restarting')).toMatch(/^restarting, \d+ restart\(s\) so far/);
    expect(findings(ev, 'DOCKER-UNHEALTHY').map((f) => f.title).sort()).toEqual(['Container is restarting', 'Container is unhealthy']);
    expect(JSON.stringify(ev)).not.toMatch(/PLANTED/);
  });
});

describe('the hardened lab container', () => {
  it('passes every container check', () => {
    const ev = run(HARDENED);
    expect(ev.findings).toEqual([]);
    for (const c of ev.checks) expect(c.status, c.checkId).toBe('pass');
  });

  it('also beside the vulnerable ones: no finding names it', () => {
    const ev = run([...VULNERABLE, ...HARDENED]);
    expect(ev.findings.filter((f) => f.resource === 'container:h-app')).toEqual([]);
  });
});

describe('section problems', () => {
  it('missing docker facts: error / needs-sudo / not-applicable for every check that reads them', () => {
    for (const status of ['error', 'needs-sudo', 'not-applicable'] as const) {
      const ev = evaluate(facts({ ok: false, status, message: `docker: ${status}` }), HOST, CATALOG);
      for (const c of ev.checks) expect(c.status, c.checkId).toBe(c.checkId === 'DOCKER-GROUP-MEMBERS' ? 'pass' : status);
    }
  });

  it('no containers: not-applicable; no docker group: not-applicable', () => {
    const ev = evaluate(facts({ ok: true, value: dockerFacts([]) }, { ok: true, value: { group: null } }), HOST, CATALOG);
    for (const c of ev.checks) expect(c.status, c.checkId).toBe('not-applicable');
  });
});

describe('edge cases', () => {
  const statusOf = (c: DockerContainer, id: string, over: Partial<DockerFacts> = {}): string => run([c], over).checks.find((x) => x.checkId === id)!.status;
  const evidence = (c: DockerContainer, id: string, over: Partial<DockerFacts> = {}): Finding | undefined => findings(run([c], over), id)[0];

  it('capabilities: names with CAP_ and any case; high-only capabilities; cap_drop all', () => {
    expect(evidence(container('a', { capAdd: ['cap_sys_module'] }), 'DOCKER-DANGEROUS-CAPS')?.severity).toBe('critical');
    expect(evidence(container('a', { capAdd: ['NET_ADMIN'] }), 'DOCKER-DANGEROUS-CAPS')?.severity).toBe('high');
    expect(statusOf(container('a', { capAdd: ['NET_BIND_SERVICE', 'CHOWN'] }), 'DOCKER-DANGEROUS-CAPS')).toBe('pass');
    expect(statusOf(container('a', { capDrop: ['all'] }), 'DOCKER-NO-CAP-DROP-ALL')).toBe('pass');
    expect(evidence(container('a', { capDrop: ['NET_RAW'] }), 'DOCKER-NO-CAP-DROP-ALL')?.evidence).toMatch(/^cap_drop: NET_RAW/);
  });

  it('no-new-privileges: every spelling, explicit false, daemon default', () => {
    for (const o of ['no-new-privileges', 'no-new-privileges:true', 'no-new-privileges=true'])
      expect(statusOf(container('a', { securityOpt: [o] }), 'DOCKER-NO-NEW-PRIVILEGES'), o).toBe('pass');
    const daemon = { daemonJson: { present: true, noNewPrivileges: true, usernsRemap: '', icc: null, liveRestore: null, userlandProxy: null } };
    expect(statusOf(container('a'), 'DOCKER-NO-NEW-PRIVILEGES', daemon)).toBe('pass');
    expect(evidence(container('a', { securityOpt: ['no-new-privileges:false'] }), 'DOCKER-NO-NEW-PRIVILEGES', daemon)?.evidence).toMatch(/sets no-new-privileges:false/);
  });

  it('root user: root, 0, 0:0, root:root; remapped root is low', () => {
    for (const u of ['', 'root', '0', '0:0', 'root:root']) expect(statusOf(container('a', { user: u }), 'DOCKER-ROOT-USER'), u).toBe('fail');
    for (const u of ['1000', 'app', '1000:0', 'nobody']) expect(statusOf(container('a', { user: u }), 'DOCKER-ROOT-USER'), u).toBe('pass');
    const remapped = { daemon: { ...dockerFacts([]).daemon, userns: true } };
    expect(evidence(container('a'), 'DOCKER-ROOT-USER', remapped)?.severity).toBe('low');
    expect(evidence(container('a', { usernsMode: 'host' }), 'DOCKER-ROOT-USER', remapped)?.severity).toBe('medium');
  });

  it('limits: cpu by shares, quota, cpuset or nanoCpus; pids ≤ 0 is unlimited', () => {
    for (const over of [{ nanoCpus: 1e9 }, { cpuQuota: 50000 }, { cpuShares: 512 }, { cpusetCpus: '0' }])
      expect(statusOf(container('a', over), 'DOCKER-NO-CPU-LIMIT'), JSON.stringify(over)).toBe('pass');
    expect(statusOf(container('a', { cpuShares: 1024 }), 'DOCKER-NO-CPU-LIMIT')).toBe('fail');
    expect(statusOf(container('a', { pidsLimit: -1 }), 'DOCKER-NO-PIDS-LIMIT')).toBe('fail');
    expect(statusOf(container('a', { pidsLimit: 0 }), 'DOCKER-NO-PIDS-LIMIT')).toBe('fail');
    expect(statusOf(container('a', { pidsLimit: 100 }), 'DOCKER-NO-PIDS-LIMIT')).toBe('pass');
    expect(statusOf(container('a', { memory: 1 << 20 }), 'DOCKER-NO-MEMORY-LIMIT')).toBe('pass');
  });

  it('sensitive mounts: exact dirs and sensitive files, rw vs ro, volumes and harmless files ignored', () => {
    const m = (source: string, rw = true, type = 'bind') => ({ type, source, destination: '/x', rw });
    expect(sensitivity(m('/'))).toBe('critical');
    expect(sensitivity(m('/etc/'))).toBe('critical');
    expect(sensitivity(m('/etc', false))).toBe('high');
    expect(sensitivity(m('/etc/shadow', false))).toBe('high');
    expect(sensitivity(m('/root/.ssh'))).toBe('critical');
    expect(sensitivity(m('/home'))).toBe('high');
    expect(sensitivity(m('/var/log', false))).toBe('medium');
    expect(sensitivity(m('/etc/localtime', false))).toBeNull();
    expect(sensitivity(m('/etc/nginx/conf.d', false))).toBeNull();
    expect(sensitivity(m('/srv/app/data'))).toBeNull();
    expect(sensitivity(m('/var/lib/docker/volumes/x/_data', true, 'volume'))).toBeNull();
    expect(sensitivity(m('/var/run/docker.sock'))).toBeNull(); // DOCKER-SOCKET-MOUNT's business
    expect(statusOf(container('a', { mounts: [m('/run')] }), 'DOCKER-SOCKET-MOUNT')).toBe('fail'); // /run holds the socket
    expect(statusOf(container('a', { mounts: [m('/run/containerd/containerd.sock', false)] }), 'DOCKER-SOCKET-MOUNT')).toBe('fail');
    expect(statusOf(container('a', { mounts: [m('/srv/app.sock')] }), 'DOCKER-SOCKET-MOUNT')).toBe('pass');
  });

  it('AppArmor and seccomp: both spellings; privileged containers left to DOCKER-PRIVILEGED; a daemon without seccomp', () => {
    expect(statusOf(container('a', { securityOpt: ['apparmor:unconfined'] }), 'DOCKER-APPARMOR-UNCONFINED')).toBe('fail');
    expect(statusOf(container('a', { appArmorProfile: 'unconfined' }), 'DOCKER-APPARMOR-UNCONFINED')).toBe('fail');
    expect(statusOf(container('a', { appArmorProfile: 'docker-default' }), 'DOCKER-APPARMOR-UNCONFINED')).toBe('pass');
    expect(statusOf(container('a', { privileged: true, appArmorProfile: 'unconfined' }), 'DOCKER-APPARMOR-UNCONFINED')).toBe('pass');
    expect(statusOf(container('a', { securityOpt: ['seccomp:unconfined'] }), 'DOCKER-SECCOMP-UNCONFINED')).toBe('fail');
    expect(statusOf(container('a', { securityOpt: ['seccomp=/etc/docker/profile.json'] }), 'DOCKER-SECCOMP-UNCONFINED')).toBe('pass');
    const noSeccomp = { daemon: { ...dockerFacts([]).daemon, securityOptions: ['apparmor'] } };
    expect(findings(run([container('a')], noSeccomp), 'DOCKER-SECCOMP-UNCONFINED').map((f) => `${f.resource} ${f.severity}`)).toEqual(['docker:daemon medium']);
  });

  it('ports: 0.0.0.0, ::, empty are all addresses; specific addresses pass', () => {
    const p = (hostIp: string) => ({ containerPort: '80/tcp', hostIp, hostPort: '8080' });
    for (const ip of ['', '0.0.0.0', '::', '[::]']) expect(statusOf(container('a', { ports: [p(ip)] }), 'DOCKER-PORTS-ALL-INTERFACES'), ip).toBe('fail');
    for (const ip of ['127.0.0.1', '10.77.0.25', '::1']) expect(statusOf(container('a', { ports: [p(ip)] }), 'DOCKER-PORTS-ALL-INTERFACES'), ip).toBe('pass');
  });

  it('healthcheck NONE counts as none; unhealthy only while running', () => {
    expect(evidence(container('a', { healthcheck: ['NONE'] }), 'DOCKER-NO-HEALTHCHECK')?.evidence).toMatch(/disabled/);
    expect(statusOf(container('a', { healthcheck: ['CMD', 'true'] }), 'DOCKER-NO-HEALTHCHECK')).toBe('pass');
    const stopped = container('a');
    stopped.state = { status: 'exited', running: false, restarting: false, health: 'unhealthy', restartCount: 0, startedAt: null };
    expect(statusOf(stopped, 'DOCKER-UNHEALTHY')).toBe('pass');
  });

  it('a crash loop caught between two restarts (running for an instant) is still a crash loop', () => {
    const now = 1_800_000_000;
    const looping = container('a');
    looping.state = { status: 'running', running: true, restarting: false, health: null, restartCount: 5, startedAt: now - 1 };
    expect(evidence(looping, 'DOCKER-UNHEALTHY', { collectedAt: now })?.evidence).toBe('crash-looping, 5 restart(s) so far (image lab/busybox:1.35)');
    expect(statusOf(looping, 'DOCKER-UNHEALTHY', { collectedAt: null })).toBe('pass'); // no host clock: no guess
    const settled = container('b');
    settled.state = { ...looping.state, startedAt: now - 3600 }; // restarted 5 times long ago, up for an hour now
    expect(statusOf(settled, 'DOCKER-UNHEALTHY', { collectedAt: now })).toBe('pass');
    const young = container('c');
    young.state = { ...looping.state, restartCount: 2 };
    expect(statusOf(young, 'DOCKER-UNHEALTHY', { collectedAt: now })).toBe('pass');
  });

  it('image pinning', () => {
    expect(imagePinning('nginx')).toEqual({ kind: 'latest', tag: '(none)' });
    expect(imagePinning('nginx:latest')).toEqual({ kind: 'latest', tag: 'latest' });
    expect(imagePinning('localhost:5000/app')).toEqual({ kind: 'latest', tag: '(none)' });
    expect(imagePinning('localhost:5000/app:2.1')).toEqual({ kind: 'tag', tag: '2.1' });
    expect(imagePinning('ghcr.io/o/app:v1@sha256:' + 'a'.repeat(64))).toEqual({ kind: 'digest', tag: '' });
    expect(imagePinning('sha256:' + 'b'.repeat(64))).toEqual({ kind: 'id', tag: '' });
    expect(imagePinning('0123456789ab')).toEqual({ kind: 'id', tag: '' });
  });

  it('resources are stable: the same container gives the same finding ids across runs', () => {
    const a = run(VULNERABLE).findings.map((f) => f.id).sort();
    const b = run([...VULNERABLE].reverse()).findings.map((f) => f.id).sort();
    expect(a).toEqual(b);
  });

  it('a check that throws is contained (the engine, with a container missing fields)', () => {
    const broken = { ...container('a'), capAdd: undefined, mounts: undefined, ports: undefined } as unknown as DockerContainer;
    const ev = run([broken]);
    expect(ev.checks.length).toBe(CATALOG.length);
  });
});
