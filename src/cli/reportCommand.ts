// `rampart report`: reads stored runs, writes one report file. Exit 0 written; 2 when there is
// nothing to report, no Chromium for a PDF, or the file cannot be written.
import { buildReport, NoChromiumError, NothingToReport, writeReport, type ReportScope } from '../main/reports';
import { latestRunOf } from '../main/reports/model';
import { RampartError } from '../shared/errors';
import { openExistingDatabase } from './db';
import type { ReportCommand } from './reportArgs';
import { EXIT, oneLine } from './report';

interface ReportIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

function fail(io: ReportIo, message: string): number {
  io.stderr.write(`rampart: error: ${oneLine(message)}\n`);
  return EXIT.error;
}

export async function reportCommand(cmd: ReportCommand, io: ReportIo): Promise<number> {
  const opened = openExistingDatabase(cmd.db, 'report');
  if ('error' in opened) return fail(io, opened.error);
  const { store } = opened;
  try {
    let scope: ReportScope;
    if (cmd.run === 'latest') {
      const latest = cmd.host ? latestRunOf(store, cmd.host) : store.listRuns({ limit: 1 })[0];
      if (!latest) return fail(io, 'nothing to report: the database has no audit run');
      scope = { kind: 'run', runId: latest.id };
    } else if (cmd.run) {
      scope = { kind: 'run', runId: cmd.run };
      if (cmd.host) {
        // --host with --run: the run must be one of that target's (a profile's id, else the name it was stored under).
        const r = store.db.prepare('SELECT host_id, host_name, address FROM audit_runs WHERE id = ?').get(cmd.run) as
          | { host_id: number | null; host_name: string; address: string }
          | undefined;
        const profile = store.findHostByName(cmd.host);
        const lower = cmd.host.toLowerCase();
        const belongs = !r || (profile ? r.host_id === profile.id : r.host_name.toLowerCase() === lower || r.address.toLowerCase() === lower);
        if (!belongs) return fail(io, `run ${cmd.run} is a run of ${r!.host_name}, not of ${cmd.host}`);
      }
    } else if (cmd.host) scope = { kind: 'host', name: cmd.host };
    else scope = { kind: 'fleet' };
    const doc = buildReport(store, { kind: cmd.reportKind, scope });
    await writeReport(doc, cmd.format, cmd.out);
    const runs = doc.provenance.runs.length;
    io.stderr.write(
      `rampart: wrote ${cmd.reportKind} report (${cmd.format}) of ${doc.scope.label}: grade ${doc.summary.grade ?? '—'}, ${doc.summary.statusCounts.open} open finding(s), ${runs} run(s) → ${cmd.out}\n`,
    );
    return EXIT.ok;
  } catch (e) {
    if (e instanceof NothingToReport) return fail(io, `nothing to report: ${e.message}`);
    if (e instanceof NoChromiumError) return fail(io, e.message);
    if (e instanceof RampartError) return fail(io, e.message);
    const err = e as NodeJS.ErrnoException;
    if (err.code && err.syscall) return fail(io, `cannot write ${cmd.out}: ${err.message}`);
    if (err instanceof Error && /Chromium/.test(err.message)) return fail(io, err.message);
    throw e;
  } finally {
    store.close();
  }
}
