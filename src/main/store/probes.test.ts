import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProbeProfileInput, type ProbeSeedResult } from '../../shared/ipc/probe';
import { probeFindings } from '../probe/findings';
import { allPass, getProbeProfile, listProbeProfiles, listProbeRuns, probeRate, probeSecretAccount, removeProbeProfile, saveProbeProfile, saveProbeRun } from './probes';
import { Store } from './store';

let store: Store;
beforeEach(() => {
  store = new Store(':memory:');
});
afterEach(() => store.close());

const input = (over: Partial<ProbeProfileInput> = {}) => {
  const { smtpPassword: _s, id: _i, ...p } = ProbeProfileInput.parse({
    name: 'lab',
    smtpHost: '10.1.0.2',
    smtpUsername: 'probe',
    smtpPassword: 'SMTP-SECRET-1',
    fromAddress: 'probe@Sender.test',
    seeds: [
      { label: 'seed one', toAddress: 'seed1@receiver.test', imapHost: '10.1.0.3', imapUsername: 'seed1', imapPassword: 'IMAP-SECRET-1' },
      { label: 'seed two', toAddress: 'seed2@receiver.test', imapHost: '10.1.0.3', imapUsername: 'seed2', junkFolders: ['Spam', 'Junk'], authservIds: ['MX.Google.com', 'mx.google.com'] },
    ],
    ...over,
  });
  return { ...p, seeds: p.seeds.map(({ imapPassword: _p, ...s }) => s) };
};

const result = (seed: string, folder: ProbeSeedResult['folder'], verdicts: { spf?: string; dkim?: string; dmarc?: string } = {}): ProbeSeedResult => ({
  seed,
  toAddress: `${seed}@receiver.test`,
  tag: `rp-${seed}`,
  sent: true,
  delivered: folder !== null,
  folder,
  folderName: folder === 'inbox' ? 'INBOX' : folder === 'junk' ? 'Junk' : null,
  latencyMs: folder ? 1200 : null,
  auth: folder
    ? { spf: verdicts.spf ?? 'pass', dkim: verdicts.dkim ?? 'pass', dmarc: verdicts.dmarc ?? 'pass', dkimDomains: ['sender.test'], dkimSelectors: ['mail'], spfMailFrom: ['probe@sender.test'], entries: [], unparsed: [] }
    : null,
  receivedHops: folder ? 3 : null,
  tlsHops: folder ? 2 : null,
  hops: [],
  spam: [],
  deleted: folder !== null,
  error: folder ? null : 'Not found',
});

describe('probe profiles', () => {
  it('stores the fields, defaults and the domain of the From address, and never a password', () => {
    const { profile } = saveProbeProfile(store, null, input());
    expect(profile).toMatchObject({ name: 'lab', domain: 'sender.test', smtpPort: 587, smtpSecurity: 'starttls', timeoutMs: 180_000, targetRate: 0.95, hasSmtpPassword: false, lastRun: null });
    expect(profile.seeds.map((s) => [s.label, s.imapPort, s.imapTls, s.inboxFolders, s.junkFolders, s.authservIds])).toEqual([
      ['seed one', 993, true, ['INBOX'], ['Junk'], []],
      ['seed two', 993, true, ['INBOX'], ['Spam', 'Junk'], ['mx.google.com']],
    ]);
    const dump = JSON.stringify(store.db.prepare("SELECT * FROM probe_profiles, probe_seeds").all());
    expect(dump).not.toContain('SECRET');
    expect(listProbeProfiles(store, 'SENDER.test')).toHaveLength(1);
    expect(listProbeProfiles(store, 'other.test')).toHaveLength(0);
  });

  it('keeps a seed id (and so its keychain account) when the seed keeps its label; reports removed seeds', () => {
    const { profile } = saveProbeProfile(store, null, input());
    const [one, two] = profile.seeds;
    const next = input();
    next.seeds = [{ ...next.seeds[1]!, toAddress: 'changed@receiver.test' }, { ...next.seeds[0]!, label: 'seed three' }];
    const saved = saveProbeProfile(store, profile.id, next);
    expect(saved.profile.seeds[0]).toMatchObject({ id: two!.id, toAddress: 'changed@receiver.test' });
    expect(saved.profile.seeds[1]!.id).not.toBe(one!.id);
    expect(saved.removedSeedIds).toEqual([one!.id]);
    expect(probeSecretAccount(profile.id, { seedId: two!.id })).toBe(`probe:${profile.id}:seed:${two!.id}:imap`);
  });

  it('refuses a second profile with the same name, and bad input with field paths', () => {
    saveProbeProfile(store, null, input());
    expect(() => saveProbeProfile(store, null, input())).toThrow(/exists already/);
    const bad = ProbeProfileInput.safeParse({ name: 'x', smtpHost: 'h.test', smtpUsername: 'u', fromAddress: 'not an address', seeds: [] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['fromAddress', 'seeds']));
    const dup = ProbeProfileInput.safeParse({ ...input(), seeds: [input().seeds[0], input().seeds[0]] });
    expect(dup.error!.issues.map((i) => i.path.join('.'))).toEqual(['seeds.1.label']);
  });
});

describe('probe runs, rate and findings', () => {
  it('rate = inbox ÷ probes over complete runs of the window, per seed and overall, with one point per run', () => {
    const { profile } = saveProbeProfile(store, null, input());
    const at = (d: string) => `2026-12-0${d}T10:00:00.000Z`;
    const base = { profileId: profile.id, profileName: 'lab', domain: 'sender.test', error: null, findings: [] };
    saveProbeRun(store, { ...base, id: 'r1', startedAt: at('1'), finishedAt: at('1'), status: 'complete', results: [result('seed one', 'inbox'), result('seed two', 'inbox')] });
    saveProbeRun(store, { ...base, id: 'r2', startedAt: at('2'), finishedAt: at('2'), status: 'complete', results: [result('seed one', 'inbox'), result('seed two', 'junk', { dkim: 'fail', dmarc: 'fail' })] });
    saveProbeRun(store, { ...base, id: 'r3', startedAt: at('3'), finishedAt: at('3'), status: 'failed', results: [{ ...result('seed one', null), sent: false }] });
    saveProbeRun(store, { ...base, id: 'r4', startedAt: at('4'), finishedAt: at('4'), status: 'complete', results: [result('seed one', null), result('seed two', 'inbox')] });
    const rate = probeRate(store, getProbeProfile(store, profile.id), 30, new Date('2026-12-05T00:00:00Z'));
    expect(rate.overall).toEqual({ inbox: 4, probes: 6, rate: 4 / 6 });
    expect(rate.seeds).toEqual([
      { seed: 'seed one', inbox: 2, probes: 3, rate: 2 / 3 },
      { seed: 'seed two', inbox: 2, probes: 3, rate: 2 / 3 },
    ]);
    expect(rate.series.map((p) => [p.runId, p.inbox, p.probes, p.rate])).toEqual([
      ['r1', 2, 2, 1],
      ['r2', 1, 2, 3 / 4],
      ['r4', 1, 2, 4 / 6],
    ]);
    // A window that starts after r1 and r2 sees only r4.
    expect(probeRate(store, getProbeProfile(store, profile.id), 1, new Date('2026-12-04T12:00:00Z')).overall).toEqual({ inbox: 1, probes: 2, rate: 0.5 });
    expect(getProbeProfile(store, profile.id).lastRun).toMatchObject({ id: 'r4', inbox: 1, probes: 2 });
    expect(listProbeRuns(store, { id: profile.id }).map((r) => [r.id, r.allPass])).toEqual([
      ['r4', false],
      ['r3', false],
      ['r2', false],
      ['r1', true],
    ]);

    const findings = probeFindings('sender.test', 0.95, listProbeRuns(store, { id: profile.id }).find((r) => r.id === 'r2')!.results, rate);
    expect(findings.map((f) => [f.checkId, f.resource, f.severity])).toEqual([
      ['PROBE-RATE', 'seed one', 'high'],
      ['PROBE-RATE', 'seed two', 'high'],
      ['PROBE-RATE', 'all seeds', 'high'],
      ['PROBE-DKIM', 'seed two', 'high'],
      ['PROBE-DMARC', 'seed two', 'high'],
    ]);
    expect(findings[3]!.evidence).toBe('dkim=fail header.d=sender.test header.s=mail at seed "seed two" (seed two@receiver.test), message in Junk');
    // Same identity for the same domain, check and seed in another run (triage carries over).
    expect(probeFindings('sender.test', 0.95, [result('seed two', 'inbox', { dkim: 'fail' })], { ...rate, seeds: [], overall: { inbox: 1, probes: 1, rate: 1 } })[0]!.id).toBe(findings[3]!.id);
    // Rate at the target: no rate finding.
    expect(probeFindings('sender.test', 2 / 3, [], rate)).toEqual([]);
  });

  it('runs outlive their profile', () => {
    const { profile } = saveProbeProfile(store, null, input());
    saveProbeRun(store, { id: 'r1', profileId: profile.id, profileName: 'lab', domain: 'sender.test', error: null, findings: [], startedAt: '2026-12-01T00:00:00Z', finishedAt: '2026-12-01T00:00:01Z', status: 'complete', results: [result('seed one', 'inbox')] });
    expect(removeProbeProfile(store, profile.id)).toBe(true);
    expect(listProbeRuns(store, { name: 'lab' })).toHaveLength(1);
    expect(listProbeRuns(store, { name: 'lab' })[0]!.profileId).toBeNull();
  });

  it('allPass needs every seed in an inbox with spf, dkim and dmarc pass', () => {
    expect(allPass([result('a', 'inbox'), result('b', 'inbox')])).toBe(true);
    expect(allPass([result('a', 'inbox'), result('b', 'inbox', { spf: 'softfail' })])).toBe(false);
    expect(allPass([result('a', 'inbox'), result('b', 'other')])).toBe(false);
    expect(allPass([])).toBe(false);
  });
});
