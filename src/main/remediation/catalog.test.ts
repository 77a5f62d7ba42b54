// The fix catalog on the recorded lab facts: every file-mode finding of the vulnerable host gets a
// plan target with the check's mode and owner, and checking the facts again with those modes
// applied finds none of them; targets are never guessed from the evidence text.
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../audit/checks';
import { evaluate } from '../audit/engine';
import type { HostFacts } from '../audit/facts';
import { hostFacts, rawScenario } from '../../../test/support/hostFixtures';
import { checksOver, fixForCheck, FIXES, sectionsFor } from './catalog';
import { FIREWALL_FIX } from './firewallFixes';
import { SUDOERS_FIX } from './sudoersFixes';
import { FixNotApplicable, type PresentState } from './types';
import { UPDATES_FIX } from './updatesFixes';

const HOST = '192.0.2.10:22';

/** A path's stat as the facts hold it (uid/gid from the first FileStat with that path). */
function statOf(facts: HostFacts, path: string): PresentState {
  let found: PresentState | null = null;
  const walk = (o: unknown): void => {
    if (found || !o || typeof o !== 'object') return;
    if (Array.isArray(o)) return o.forEach(walk);
    const r = o as Record<string, unknown>;
    if (r.path === path && typeof r.mode === 'number' && typeof r.uid === 'number')
      found = { kind: 'present', type: r.type === 'd' ? 'd' : 'f', mode: r.mode, uid: r.uid, gid: r.gid as number, sha256: '-' };
    else Object.values(r).forEach(walk);
  };
  walk(facts);
  if (!found) throw new Error(`no stat of ${path} in the facts`);
  return found;
}

function present(mode: number, uid = 4101, gid = 4101): PresentState {
  return { kind: 'present', type: 'f', mode, uid, gid, sha256: 'a'.repeat(64) };
}

describe('fix catalog', () => {
  it('declares each fix once, for checks that exist and say file-mode (the file fixes), are container checks (compose edits, restart) or sshd-config checks (access fixes)', () => {
    for (const f of FIXES) {
      expect(f.checkIds.length).toBeGreaterThan(0);
      // Container fixes (compose edits, restart) and the guarded fixes (sshd settings, firewall, sudoers, updates) are planned by a module.
      const guarded = [...FIREWALL_FIX.checkIds, ...SUDOERS_FIX.checkIds, ...UPDATES_FIX.checkIds];
      if (f.container)
        for (const c of f.checkIds)
          expect(CHECKS.find((x) => x.id === c)?.requires.some((s) => s === 'docker' || s === 'compose') || CHECKS.find((x) => x.id === c)?.fixKind === 'sshd-config' || guarded.includes(c), c).toBe(true);
      else for (const c of f.checkIds) expect(CHECKS.find((x) => x.id === c)?.fixKind, c).toBe('file-mode');
      expect(['low', 'medium', 'high']).toContain(f.risk);
    }
    // Every file-mode check has a fix.
    for (const c of CHECKS.filter((x) => x.fixKind === 'file-mode')) expect(fixForCheck(c.id)?.id, c.id).toBeTruthy();
  });

  it('re-checks only the sections a check reads, and every check those sections allow', () => {
    expect(sectionsFor(['SECRET-FILE-READABLE'])).toEqual(['secretFiles', 'accounts']);
    const over = checksOver(['secretFiles', 'accounts']).map((c) => c.id);
    expect(over).toEqual(expect.arrayContaining(['SECRET-FILE-READABLE', 'SECRET-FILE-WRITABLE']));
    expect(over).not.toContain('PERM-LOG-FILES');
  });

  it('on the vulnerable host: a target for every fixable finding, with the check\'s mode', () => {
    const facts = hostFacts(rawScenario('vulnerable'), 0);
    const ev = evaluate(facts, HOST);
    const fixable = ev.findings.filter((f) => fixForCheck(f.checkId) && !fixForCheck(f.checkId)!.container);
    expect(fixable.length).toBeGreaterThan(10);
    const modes = new Map<string, number>();
    for (const f of fixable) {
      if (f.resource === 'file:/etc/ssh/authorized_keys_alice') continue;
      const targets = fixForCheck(f.checkId)!.targets(f, facts);
      expect(targets.length, `${f.checkId} ${f.resource}`).toBeGreaterThan(0);
      for (const t of targets) modes.set(`${f.checkId} ${t.path}`, t.want(present(0o666)).mode);
    }
    expect(modes.get('SECRET-FILE-READABLE /srv/lab/srv/stack/.env')).toBe(0o600);
    expect(modes.get('SECRET-FILE-WRITABLE /srv/lab/home/alice/apps/web/acme.json')).toBe(0o600);
    expect(modes.get('PERM-LOG-FILES /var/log/kern.log')).toBe(0o640);
    expect(modes.get('PERM-SSH-DIR /srv/lab/home/alice/.ssh')).toBe(0o700);
    expect([...modes.keys()].filter((k) => k.startsWith('BACKUP-READABLE')).length).toBeGreaterThan(0);
  });

  it('on the vulnerable host: with every target at its planned mode and owner, the checks find none of those findings', () => {
    const facts = hostFacts(rawScenario('vulnerable'), 0);
    const ev = evaluate(facts, HOST);
    const fixable = ev.findings.filter((f) => {
      try {
        return fixForCheck(f.checkId)?.targets(f, facts).length;
      } catch (e) {
        if (e instanceof FixNotApplicable) return false;
        throw e;
      }
    });
    expect(ev.findings.filter((f) => fixForCheck(f.checkId) && !fixForCheck(f.checkId)!.container && !fixable.includes(f)).map((f) => `${f.checkId} ${f.resource}`)).toEqual(['PERM-AUTHORIZED-KEYS file:/etc/ssh/authorized_keys_alice']);
    const changes = new Map<string, { mode: number; uid: number; gid: number }>();
    for (const f of fixable)
      for (const t of fixForCheck(f.checkId)!.targets(f, facts)) {
        const prev = changes.get(t.path);
        changes.set(t.path, t.want(prev ? { kind: 'present', type: 'f', sha256: '-', ...prev } : statOf(facts, t.path)));
      }
    // Apply the planned modes/owners to every stat of those paths in the facts.
    const seen = new Set<string>();
    const walk = (o: unknown): void => {
      if (!o || typeof o !== 'object') return;
      if (Array.isArray(o)) return o.forEach(walk);
      const r = o as Record<string, unknown>;
      const c = typeof r.path === 'string' && typeof r.mode === 'number' ? changes.get(r.path) : undefined;
      if (c) {
        seen.add(r.path as string);
        r.mode = c.mode;
        if (typeof r.uid === 'number') r.uid = c.uid;
        if (typeof r.gid === 'number') r.gid = c.gid;
        if (c.uid === 0 && typeof r.owner === 'string') r.owner = 'root';
      }
      Object.values(r).forEach(walk);
    };
    walk(facts);
    // The collector lists only what is world-writable now.
    if (facts.writableFiles.ok) facts.writableFiles.value.files = facts.writableFiles.value.files.filter((f) => f.mode & 0o002);
    expect([...changes.keys()].filter((p) => !seen.has(p))).toEqual([]);
    const after = evaluate(facts, HOST);
    expect(after.findings.filter((f) => fixable.some((x) => x.id === f.id)).map((f) => `${f.checkId} ${f.resource}`)).toEqual([]);
  });

  it('WireGuard configs become root:root 0600; ownership is kept for secrets', () => {
    const facts = hostFacts(rawScenario('vulnerable'), 0);
    const wg = fixForCheck('VPN-WG-CONFIG-READABLE')!;
    const f = { id: 'x', checkId: 'VPN-WG-CONFIG-READABLE', resource: 'wireguard:/etc/wireguard/wg0.conf', severity: 'critical' as const, title: '' };
    const withWg: Partial<HostFacts> = {
      ...facts,
      wireguardConfigs: { ok: true, value: { dir: { mode: 0o755, owner: 'root', group: 'root' }, files: [{ path: '/etc/wireguard/wg0.conf', name: 'wg0', mode: 0o644, owner: 'alice', group: 'alice', readable: true, addresses: [], listenPort: null, hasPrivateKey: true, saveConfig: null, otherKeys: [] }] } } as unknown as HostFacts['wireguardConfigs'],
    };
    expect(wg.targets(f, withWg).map((t) => t.want(present(0o644)))).toEqual([{ mode: 0o600, uid: 0, gid: 0 }]);
    const secret = fixForCheck('SECRET-FILE-READABLE')!;
    const ev = evaluate(facts, HOST).findings.find((x) => x.checkId === 'SECRET-FILE-READABLE')!;
    expect(secret.targets(ev, facts)[0]!.want(present(0o644, 4101, 100))).toEqual({ mode: 0o600, uid: 4101, gid: 100 });
  });

  it('refuses a resource the fresh facts do not show, or facts that are missing', () => {
    const facts = hostFacts(rawScenario('vulnerable'), 0);
    const secret = fixForCheck('SECRET-FILE-READABLE')!;
    const ghost = { id: 'x', checkId: 'SECRET-FILE-READABLE', resource: 'file:/nowhere/.env', severity: 'critical' as const, title: '' };
    expect(() => secret.targets(ghost, facts)).toThrow(FixNotApplicable);
    expect(() => secret.targets({ ...ghost, resource: 'container:x' }, facts)).toThrow(FixNotApplicable);
    expect(() => secret.targets(ghost, {})).toThrow(/not collected/);
    const unpriv = hostFacts(rawScenario('hardened-unprivileged'), 4100);
    expect(() => secret.targets(ghost, unpriv)).toThrow(/missing/);
  });
});
