// Guided fixes in the renderer: the fix catalog (which findings get a "Fix" action), the fix
// dialog (planning → preview → running with live steps → result), the jobs a crash left
// unfinished, and each host's fix history. Everything goes through window.rampart (api.ts).
import { create } from 'zustand';
import { CONFIRM_WINDOW_S } from '../../shared/confirmWindow';
import type { DesktopFixPreview, FixDeclaration, FixFailurePolicy, FixJobDetail, FixJobReport, FixJobSummary, FixProgressEvent } from '../../shared/ipc/remediation';
import { call, errorMessage, isApiError } from './api';
import { useStore } from './store';

export interface LiveStep {
  seq: number;
  /** The step's kind and fix (from the preview or the journal; null for a step only an event named). */
  kind: string | null;
  fixIndex: number | null;
  name: string;
  /** The exact command (known from the preview or the journal). */
  command: string | null;
  status: string;
  detail: string;
}

export type FixKind = 'apply' | 'rollback' | 'resume';

export interface FixDialogState {
  phase: 'planning' | 'preview' | 'running' | 'result' | 'error';
  kind: FixKind;
  hostId: number;
  hostName: string;
  findingKeys: string[];
  preview: DesktopFixPreview | null;
  /** What the user typed as the host name (high-risk plans). */
  typed: string;
  /** What a failing fix does to the rest of the job (chosen in the preview; rollback-all by default). */
  onFailure: FixFailurePolicy;
  /** The dead-man window as typed in the preview (seconds, as text); the plan's own is preview.confirmWindowS. */
  confirmWindow: string;
  /** When each dead-man switch was armed (client clock, ms), by seq of its arm step: the live "reverts at". */
  armedAt: Record<number, number>;
  jobId: string | null;
  steps: LiveStep[];
  /** The latest progress line of the running job. */
  message: string;
  jobStatus: string | null;
  report: FixJobReport | null;
  /** A failed call: planning refused, a confirmation refused by main (field: typedHostName), … */
  error: { code: string; message: string; field: string | null } | null;
}

export interface FixState {
  catalog: FixDeclaration[];
  /** checkId → the fix that resolves it. */
  fixByCheck: Record<string, FixDeclaration>;
  dialog: FixDialogState | null;
  unfinished: FixJobSummary[];
  unfinishedLoaded: boolean;
  history: Record<number, FixJobSummary[]>;
  details: Record<string, FixJobDetail>;

  loadCatalog(): Promise<void>;
  loadUnfinished(): Promise<void>;
  loadHistory(hostId: number): Promise<void>;
  loadJob(jobId: string): Promise<void>;
  /** Opens the dialog and plans a fix of these findings (read-only on the host), with this dead-man window for access fixes. */
  startFix(hostId: number, findingKeys: string[], opts?: { confirmWindowS?: number }): Promise<void>;
  setTyped(text: string): void;
  setConfirmWindow(text: string): void;
  /** Plans again with the dead-man window typed in the preview (its commands change, so it is a new plan). */
  replanWithWindow(): Promise<void>;
  setOnFailure(policy: FixFailurePolicy): void;
  /** Applies the previewed plan (the confirmation). */
  confirm(): Promise<void>;
  rollbackJob(hostId: number, jobId: string): Promise<void>;
  resumeJob(hostId: number, jobId: string): Promise<void>;
  closeDialog(): void;
  handleEvent(event: FixProgressEvent): void;
}

function hostName(hostId: number): string {
  return useStore.getState().hosts.find((h) => h.id === hostId)?.name ?? `host ${hostId}`;
}

function errorOf(e: unknown): { code: string; message: string; field: string | null } {
  const field = isApiError(e) ? (e.issues[0]?.path[0] ?? null) : null;
  return { code: isApiError(e) ? e.code : 'INTERNAL', message: errorMessage(e), field };
}

function stepLabel(name: string, target: string | null): string {
  return target !== null ? `${name} ${JSON.stringify(target)}` : name;
}

/**
 * The typed dead-man window, or why it cannot be used (bounded as the plan request is: whole
 * seconds, CONFIRM_WINDOW_S.min..max).
 */
export function parseConfirmWindow(text: string): { ok: true; seconds: number } | { ok: false; message: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { ok: false, message: 'The dead-man window is a whole number of seconds.' };
  const n = Number(t);
  if (n < CONFIRM_WINDOW_S.min || n > CONFIRM_WINDOW_S.max) return { ok: false, message: `The dead-man window is ${CONFIRM_WINDOW_S.min} to ${CONFIRM_WINDOW_S.max} seconds.` };
  return { ok: true, seconds: n };
}

/** After a job: the run on screen (a verified fix marks its finding fixed), grades, history, unfinished. */
function refreshAfter(hostId: number): void {
  const app = useStore.getState();
  void app.reloadCurrentRun();
  void app.loadHosts();
  void app.loadHostRuns(hostId);
  const fixes = useFixes.getState();
  void fixes.loadHistory(hostId);
  void fixes.loadUnfinished();
}

export const useFixes = create<FixState>()((set, get) => {
  // Answers can arrive late or out of order: a plan applies only if it is the last one asked for
  // (a re-plan with another dead-man window, or the dialog closed and another fix opened), and
  // the newest history, unfinished list and job detail win.
  let planSeq = 0;
  let unfinishedSeq = 0;
  const historySeq = new Map<number, number>();
  const detailSeq = new Map<string, number>();
  const bump = <K>(m: Map<K, number>, key: K): number => {
    const n = (m.get(key) ?? 0) + 1;
    m.set(key, n);
    return n;
  };
  const fetchJob = async (jobId: string): Promise<FixJobDetail> => {
    const mine = bump(detailSeq, jobId);
    const detail = await call('remediation', 'job', { jobId });
    if (detailSeq.get(jobId) === mine) set((s) => ({ details: { ...s.details, [jobId]: detail } }));
    return detail;
  };

  /** Runs a job call (apply, rollback, resume) with the dialog in the running phase. */
  const runJob = async (kind: FixKind, hostId: number, jobId: string, steps: LiveStep[], fn: () => Promise<FixJobReport>): Promise<void> => {
    set((s) => ({
      dialog: {
        phase: 'running',
        kind,
        hostId,
        hostName: hostName(hostId),
        findingKeys: s.dialog?.findingKeys ?? [],
        preview: s.dialog?.preview ?? null,
        typed: s.dialog?.typed ?? '',
        onFailure: s.dialog?.onFailure ?? 'rollback-all',
        confirmWindow: s.dialog?.confirmWindow ?? '',
        armedAt: {},
        jobId,
        steps,
        message: kind === 'apply' ? 'Starting…' : kind === 'rollback' ? 'Rolling back…' : 'Finishing the job…',
        jobStatus: null,
        report: null,
        error: null,
      },
    }));
    let report: FixJobReport;
    try {
      report = await fn();
    } catch (e) {
      const d = get().dialog;
      // A confirmation main refused (e.g. the typed host name): back to the preview, with the reason.
      if (kind === 'apply' && d?.preview && isApiError(e) && e.code === 'VALIDATION') set({ dialog: { ...d, phase: 'preview', error: errorOf(e) } });
      else if (d) set({ dialog: { ...d, phase: 'error', error: errorOf(e) } });
      refreshAfter(hostId);
      return;
    }
    // The journal's final word on every step (the events may have been coalesced).
    let finalSteps = get().dialog?.steps ?? steps;
    try {
      const detail = await fetchJob(jobId);
      finalSteps = detail.steps.map((st) => ({ seq: st.seq, kind: st.kind, fixIndex: st.fixIndex, name: stepLabel(st.name, st.target), command: st.command, status: st.status, detail: st.detail ?? '' }));
    } catch {
      /* keep the live steps */
    }
    const d = get().dialog;
    if (d && d.jobId === jobId) set({ dialog: { ...d, phase: 'result', report, steps: finalSteps, jobStatus: report.status } });
    refreshAfter(hostId);
  };

  const stepsOfJob = async (jobId: string): Promise<LiveStep[]> => {
    const detail = await fetchJob(jobId);
    return detail.steps.map((st) => ({ seq: st.seq, kind: st.kind, fixIndex: st.fixIndex, name: stepLabel(st.name, st.target), command: st.command, status: st.status, detail: st.detail ?? '' }));
  };

  return {
    catalog: [],
    fixByCheck: {},
    dialog: null,
    unfinished: [],
    unfinishedLoaded: false,
    history: {},
    details: {},

    async loadCatalog() {
      try {
        const catalog = await call('remediation', 'catalog', {});
        const fixByCheck: Record<string, FixDeclaration> = {};
        for (const f of catalog) for (const c of f.checkIds) fixByCheck[c] = f;
        set({ catalog, fixByCheck });
      } catch (e) {
        useStore.getState().showError(e);
      }
    },

    async loadUnfinished() {
      const mine = ++unfinishedSeq;
      try {
        const unfinished = await call('remediation', 'unfinished', {});
        if (mine === unfinishedSeq) set({ unfinished, unfinishedLoaded: true });
      } catch (e) {
        if (mine !== unfinishedSeq) return;
        set({ unfinishedLoaded: true });
        useStore.getState().showError(e);
      }
    },

    async loadHistory(hostId) {
      const mine = bump(historySeq, hostId);
      try {
        const list = await call('remediation', 'history', { hostId });
        if (historySeq.get(hostId) === mine) set((s) => ({ history: { ...s.history, [hostId]: list } }));
      } catch (e) {
        if (historySeq.get(hostId) === mine) useStore.getState().showError(e);
      }
    },

    async loadJob(jobId) {
      try {
        await fetchJob(jobId);
      } catch (e) {
        useStore.getState().showError(e);
      }
    },

    async startFix(hostId, findingKeys, opts = {}) {
      if (get().dialog && get().dialog?.phase !== 'result' && get().dialog?.phase !== 'error' && get().dialog?.phase !== 'preview') return;
      const base: FixDialogState = {
        phase: 'planning',
        kind: 'apply',
        hostId,
        hostName: hostName(hostId),
        findingKeys,
        preview: null,
        typed: '',
        onFailure: 'rollback-all',
        confirmWindow: String(opts.confirmWindowS ?? CONFIRM_WINDOW_S.default),
        armedAt: {},
        jobId: null,
        steps: [],
        message: '',
        jobStatus: null,
        report: null,
        error: null,
      };
      const mine = ++planSeq;
      set({ dialog: base });
      try {
        const preview = await call('remediation', 'plan', { hostId, findingKeys, ...(opts.confirmWindowS !== undefined ? { confirmWindowS: opts.confirmWindowS } : {}) });
        if (mine === planSeq && get().dialog?.phase === 'planning')
          set({
            dialog: {
              ...base,
              phase: 'preview',
              preview,
              onFailure: preview.onFailure,
              confirmWindow: preview.confirmWindowS !== null ? String(preview.confirmWindowS) : base.confirmWindow,
              jobId: preview.fixes.length ? preview.jobId : null,
            },
          });
      } catch (e) {
        if (mine === planSeq && get().dialog?.phase === 'planning') set({ dialog: { ...base, phase: 'error', error: errorOf(e) } });
      }
    },

    setTyped(text) {
      const d = get().dialog;
      if (d) set({ dialog: { ...d, typed: text, error: d.error?.field === 'typedHostName' ? null : d.error } });
    },

    setConfirmWindow(text) {
      const d = get().dialog;
      if (d && d.phase === 'preview') set({ dialog: { ...d, confirmWindow: text } });
    },

    async replanWithWindow() {
      const d = get().dialog;
      if (!d || d.phase !== 'preview') return;
      const w = parseConfirmWindow(d.confirmWindow);
      if (!w.ok) return;
      await get().startFix(d.hostId, d.findingKeys, { confirmWindowS: w.seconds });
    },

    setOnFailure(policy) {
      const d = get().dialog;
      if (d && d.phase === 'preview') set({ dialog: { ...d, onFailure: policy } });
    },

    async confirm() {
      const d = get().dialog;
      if (!d || d.phase !== 'preview' || !d.preview || !d.preview.fixes.length) return;
      const preview = d.preview;
      const steps = preview.steps.map((s) => ({ seq: s.seq, kind: s.kind, fixIndex: s.fixIndex, name: stepLabel(s.name, s.target), command: s.command, status: 'pending', detail: '' }));
      await runJob('apply', d.hostId, preview.jobId, steps, () =>
        call('remediation', 'apply', { hostId: d.hostId, jobId: preview.jobId, onFailure: d.onFailure, ...(preview.requiresTypedHostName ? { typedHostName: d.typed } : {}) }),
      );
    },

    async rollbackJob(hostId, jobId) {
      const steps = await stepsOfJob(jobId).catch((e: unknown) => {
        useStore.getState().showError(e);
        return null;
      });
      if (steps) await runJob('rollback', hostId, jobId, steps, () => call('remediation', 'rollback', { hostId, jobId }));
    },

    async resumeJob(hostId, jobId) {
      const steps = await stepsOfJob(jobId).catch((e: unknown) => {
        useStore.getState().showError(e);
        return null;
      });
      if (steps) await runJob('resume', hostId, jobId, steps, () => call('remediation', 'resume', { hostId, jobId }));
    },

    closeDialog() {
      if (get().dialog?.phase === 'running') return;
      set({ dialog: null });
    },

    handleEvent(event) {
      const d = get().dialog;
      if (!d || d.phase !== 'running' || d.jobId !== event.jobId) return;
      if (event.kind === 'message') set({ dialog: { ...d, message: event.detail } });
      else if (event.kind === 'job') set({ dialog: { ...d, jobStatus: event.status } });
      else {
        const known = d.steps.find((s) => s.seq === event.seq);
        const steps = known
          ? d.steps.map((s) => (s.seq === event.seq ? { ...s, status: event.status, detail: event.detail } : s))
          : [...d.steps, { seq: event.seq ?? -1, kind: null, fixIndex: null, name: event.name, command: null, status: event.status, detail: event.detail }].sort((a, b) => a.seq - b.seq);
        // A dead-man switch armed now: the dialog shows when the host reverts by itself.
        const armedAt = known?.kind === 'deadman-arm' && event.status === 'done' && event.seq !== null ? { ...d.armedAt, [event.seq]: Date.now() } : d.armedAt;
        set({ dialog: { ...d, steps, armedAt } });
      }
    },
  };
});
