// `rampart probe` and `rampart probe-profile`: the deliverability probe from a terminal or CI, on
// the same ProbeService as the app (profiles in the database, passwords in the keychain).
import { ZodError } from 'zod';
import { RampartError } from '../shared/errors';
import { ProbeProfileInput, type ProbeProfile, type ProbeRate, type ProbeRun, type ProbeSeedResult } from '../shared/ipc/probe';
import { describe as describeResult, isImapFailure } from '../main/probe/run';
import { DEFAULT_RATE_WINDOW_DAYS, ProbeService, type ProbeServiceDeps } from '../main/probe/service';
import { KeytarSecretStore, type SecretStore } from '../main/secrets/secretStore';
import { findProbeProfileByName, listProbeProfiles, listProbeRuns } from '../main/store/probes';
import type { Store } from '../main/store/store';
import { CliError } from './connect';
import { openDatabase } from './db';
import type { PasswordSource, ProbeCommand, ProbeHistoryCommand, ProbeProfileAddCommand, ProbeRunCommand } from './probeArgs';
import { EXIT, oneLine, TOOL } from './report';

export interface ProbeIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean | undefined };
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** The whole of stdin (read only for --passwords-stdin). */
  readStdin?: () => Promise<string>;
  /** Tests: another keychain, a shorter poll interval. */
  secrets?: SecretStore;
  runOptions?: ProbeServiceDeps['runOptions'];
}

const pct = (r: number | null): string => (r === null ? '-' : `${(r * 100).toFixed(1).replace(/\.0$/, '')} %`);
const pad = (s: string, n: number): string => (s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length));

function withService<T>(db: string, io: ProbeIo, fn: (svc: ProbeService, store: Store) => Promise<T>): Promise<T> {
  const store = openDatabase(db);
  const jobs = new Map<string, AbortController>();
  const onAbort = (): void => {
    for (const c of jobs.values()) c.abort();
  };
  io.signal?.addEventListener('abort', onAbort);
  const svc = new ProbeService({
    store,
    secrets: io.secrets ?? new KeytarSecretStore(),
    jobs,
    emit: (e) => {
      if (io.stderr.isTTY) io.stderr.write(`rampart: ${e.message}\n`);
    },
    ...(io.runOptions ? { runOptions: io.runOptions } : {}),
  });
  return fn(svc, store).finally(() => {
    io.signal?.removeEventListener('abort', onAbort);
    store.close();
  });
}

function profileByName(store: Store, name: string): ProbeProfile {
  const p = findProbeProfileByName(store, name);
  if (!p) {
    const known = listProbeProfiles(store).map((x) => x.name);
    throw new CliError('NOT_FOUND', `no probe profile named "${name}" in ${store.file}${known.length ? ` (profiles: ${known.join(', ')})` : ' (add one with rampart probe-profile add)'}`);
  }
  return p;
}

/** The JSON printed by `rampart probe --format json`. Fields are only ever added. */
export function toJsonProbeReport(run: ProbeRun, rate: ProbeRate | null, version: string) {
  return { tool: TOOL, version, ...run, rate };
}

export function seedLine(r: ProbeSeedResult): string {
  const a = r.auth;
  const spam = r.spam.find((s) => s.score !== null);
  return [
    pad(r.seed, 16),
    pad(r.delivered ? `${r.folder} (${r.folderName})` : r.sent ? 'not delivered' : 'not sent', 20),
    pad(r.latencyMs === null ? '-' : `${(r.latencyMs / 1000).toFixed(2)} s`, 9),
    pad(a?.spf ?? '-', 10),
    pad(a?.dkim ?? '-', 10),
    pad(a?.dmarc ?? '-', 10),
    pad(r.receivedHops === null ? '-' : `${r.receivedHops} (${r.tlsHops} TLS)`, 11),
    pad(spam ? String(spam.score) : '-', 7),
    r.delivered ? (r.deleted ? 'yes' : 'NO') : '-',
  ].join('');
}

export function formatProbeTable(run: ProbeRun, rate: ProbeRate | null): string {
  const inbox = run.results.filter((r) => r.folder === 'inbox').length;
  const out = [
    `Probe "${run.profileName}" (${run.domain}) — run ${run.id}`,
    `${run.startedAt} → ${run.finishedAt}  status ${run.status}: ${inbox} of ${run.results.length} in the inbox${run.allPass ? ', spf/dkim/dmarc pass' : ''}`,
    ...(run.error ? [`error: ${oneLine(run.error)}`] : []),
    '',
    pad('SEED', 16) + pad('FOLDER', 20) + pad('LATENCY', 9) + pad('SPF', 10) + pad('DKIM', 10) + pad('DMARC', 10) + pad('HOPS', 11) + pad('SPAM', 7) + 'DELETED',
    ...run.results.map(seedLine),
  ];
  for (const r of run.results) {
    const bits: string[] = [];
    if (r.auth?.dkimDomains.length) bits.push(`header.d=${r.auth.dkimDomains.join(',')}`);
    if (r.auth?.dkimSelectors.length) bits.push(`header.s=${r.auth.dkimSelectors.join(',')}`);
    if (r.auth?.spfMailFrom.length) bits.push(`smtp.mailfrom=${r.auth.spfMailFrom.join(',')}`);
    if (bits.length) out.push(`  ${r.seed}: ${bits.join(' ')}`);
    if (r.error) out.push(`  ${r.seed}: ${oneLine(r.error)}`);
  }
  if (rate) out.push('', `Deliverability (${rate.windowDays} d): ${rate.overall.inbox}/${rate.overall.probes} = ${pct(rate.overall.rate)} (target ${pct(rate.targetRate)})${rate.seeds.length > 1 ? '; ' + rate.seeds.map((s) => `${s.seed} ${pct(s.rate)}`).join(', ') : ''}`);
  if (run.findings.length) {
    out.push('', 'Findings:');
    for (const f of run.findings) out.push(`  [${f.severity}] ${f.checkId} ${f.resource}: ${f.evidence}${f.status !== 'open' ? ` (${f.status})` : ''}`);
  }
  return out.join('\n') + '\n';
}

async function runCommand(cmd: ProbeRunCommand, io: ProbeIo, version: string): Promise<number> {
  return withService(cmd.db, io, async (svc, store) => {
    const profile = profileByName(store, cmd.profile);
    const run = await svc.run(profile.id);
    const rate = svc.rate(profile.id, DEFAULT_RATE_WINDOW_DAYS);
    io.stdout.write(cmd.format === 'json' ? JSON.stringify(toJsonProbeReport(run, rate, version), null, 2) + '\n' : formatProbeTable(run, rate));
    // A seed whose IMAP server could not be used measured nothing: a connection error, not a verdict.
    const imap = run.results.filter(isImapFailure);
    if (imap.length) {
      io.stderr.write(`rampart: error: ${imap.map((r) => `${r.seed}: ${oneLine(r.error ?? '')}`).join('; ')}\n`);
      return EXIT.error;
    }
    return run.allPass ? EXIT.ok : EXIT.findings;
  });
}

async function historyCommand(cmd: ProbeHistoryCommand, io: ProbeIo, version: string): Promise<number> {
  return withService(cmd.db, io, async (_svc, store) => {
    const all = cmd.profile ? listProbeRuns(store, { name: profileByName(store, cmd.profile).name }, cmd.limit) : allRuns(store, cmd.limit);
    if (cmd.format === 'json') io.stdout.write(JSON.stringify({ tool: TOOL, version, runs: all }, null, 2) + '\n');
    else {
      const lines = [pad('STARTED', 26) + pad('PROFILE', 16) + pad('STATUS', 10) + pad('INBOX', 8) + 'SEEDS'];
      for (const r of all)
        lines.push(
          pad(r.startedAt, 26) +
            pad(r.profileName, 16) +
            pad(r.status, 10) +
            pad(`${r.results.filter((x) => x.folder === 'inbox').length}/${r.results.filter((x) => x.sent).length}`, 8) +
            r.results.map((x) => `${x.seed}: ${describeResult(x)}`).join('; '),
        );
      if (!all.length) lines.push('(no probe runs)');
      io.stdout.write(lines.join('\n') + '\n');
    }
    return EXIT.ok;
  });
}

function allRuns(store: Store, limit: number): ProbeRun[] {
  const names = store.db.prepare('SELECT DISTINCT profile_name FROM probe_runs').all() as Array<{ profile_name: string }>;
  return names
    .flatMap((n) => listProbeRuns(store, { name: n.profile_name }, limit))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .slice(0, limit);
}

async function passwordOf(src: PasswordSource, io: ProbeIo, stdinLines: () => Promise<string[]>, what: string): Promise<string> {
  if ('env' in src) {
    const v = (io.env ?? process.env)[src.env];
    if (v === undefined || v === '') throw new CliError('USAGE', `the environment variable ${src.env} (${what}) is not set`);
    return v;
  }
  const lines = await stdinLines();
  const v = lines[src.stdinLine];
  if (v === undefined || v === '') throw new CliError('USAGE', `--passwords-stdin: line ${src.stdinLine + 1} (${what}) is missing`);
  return v;
}

async function addCommand(cmd: ProbeProfileAddCommand, io: ProbeIo): Promise<number> {
  let cached: string[] | null = null;
  const stdinLines = async (): Promise<string[]> => {
    if (cached) return cached;
    if (!io.readStdin) throw new CliError('USAGE', '--passwords-stdin: no stdin to read');
    cached = (await io.readStdin()).split(/\r?\n/);
    return cached;
  };
  const smtpPassword = await passwordOf(cmd.smtpPassword, io, stdinLines, 'the submission password');
  const seeds: Array<Omit<ProbeProfileAddCommand['seeds'][number], 'password'> & { imapPassword: string }> = [];
  for (const s of cmd.seeds) {
    const { password, ...rest } = s;
    seeds.push({ ...rest, imapPassword: await passwordOf(password, io, stdinLines, `the IMAP password of seed ${s.label}`) });
  }
  return withService(cmd.db, io, async (svc, store) => {
    const existing = findProbeProfileByName(store, cmd.name);
    if (existing && !cmd.replace) throw new CliError('USAGE', `a probe profile named "${cmd.name}" exists already (--replace to replace it)`);
    const raw = {
      ...(existing ? { id: existing.id } : {}),
      name: cmd.name,
      smtpHost: cmd.smtpHost,
      ...(cmd.smtpPort !== undefined ? { smtpPort: cmd.smtpPort } : {}),
      ...(cmd.smtpSecurity ? { smtpSecurity: cmd.smtpSecurity } : {}),
      smtpUsername: cmd.smtpUsername,
      smtpPassword,
      fromAddress: cmd.fromAddress,
      caFile: cmd.caFile,
      ...(cmd.timeoutMs !== undefined ? { timeoutMs: cmd.timeoutMs } : {}),
      ...(cmd.targetRate !== undefined ? { targetRate: cmd.targetRate } : {}),
      seeds: seeds.map((s) => ({
        label: s.label,
        toAddress: s.toAddress,
        imapHost: s.imapHost,
        ...(s.imapPort !== undefined ? { imapPort: s.imapPort } : { imapPort: s.imapTls ? 993 : 143 }),
        imapTls: s.imapTls,
        imapUsername: s.imapUsername,
        imapPassword: s.imapPassword,
        ...(s.inboxFolders ? { inboxFolders: s.inboxFolders } : {}),
        ...(s.junkFolders ? { junkFolders: s.junkFolders } : {}),
        ...(s.authservIds ? { authservIds: s.authservIds } : {}),
      })),
    };
    let parsed;
    try {
      parsed = ProbeProfileInput.parse(raw);
    } catch (e) {
      if (e instanceof ZodError) throw new CliError('USAGE', e.issues.map((i) => `${i.path.join('.') || 'profile'}: ${i.message}`).join('; '));
      throw e;
    }
    const saved = await svc.saveProfile(parsed);
    io.stdout.write(cmd.format === 'json' ? JSON.stringify(saved, null, 2) + '\n' : `${existing ? 'Replaced' : 'Saved'} probe profile "${saved.name}" (${saved.domain}) with ${saved.seeds.length} seed${saved.seeds.length === 1 ? '' : 's'}; passwords in the keychain.\n`);
    return EXIT.ok;
  });
}

export async function probeCommand(cmd: ProbeCommand, io: ProbeIo, version: string): Promise<number> {
  try {
    switch (cmd.kind) {
      case 'probe':
        return await runCommand(cmd, io, version);
      case 'probe-history':
        return await historyCommand(cmd, io, version);
      case 'probe-profile-add':
        return await addCommand(cmd, io);
      case 'probe-profile-list':
        return await withService(cmd.db, io, async (_svc, store) => {
          const ps = listProbeProfiles(store);
          if (cmd.format === 'json') io.stdout.write(JSON.stringify(ps, null, 2) + '\n');
          else
            io.stdout.write(
              (ps.length
                ? ps.map((p) => `${p.name}  ${p.fromAddress} via ${p.smtpHost}:${p.smtpPort} (${p.smtpSecurity})  seeds: ${p.seeds.map((s) => `${s.label} <${s.toAddress}>`).join(', ')}`).join('\n')
                : '(no probe profiles)') + '\n',
            );
          return EXIT.ok;
        });
      case 'probe-profile-remove':
        return await withService(cmd.db, io, async (svc, store) => {
          const p = profileByName(store, cmd.name);
          await svc.deleteProfile(p.id);
          io.stdout.write(cmd.format === 'json' ? JSON.stringify({ removed: true, name: p.name }) + '\n' : `Removed probe profile "${p.name}" and its keychain passwords (its runs stay in the history).\n`);
          return EXIT.ok;
        });
    }
  } catch (e) {
    if (e instanceof RampartError && e.code === 'VALIDATION') throw new CliError('USAGE', e.message);
    throw e;
  }
}
