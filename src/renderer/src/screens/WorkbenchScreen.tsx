// The findings workbench: every finding across hosts (each host's latest audit, or one run) in a
// virtualized grid whose filter, sort and grouping run in SQLite over every row (workbench:query),
// so only the rows in view are ever rendered. Keyboard first: j/k move, x selects, a/f/o triage,
// / searches, ? lists the keys. Bulk triage shows what applies and what is skipped (and why)
// before anything changes; the detail panel shows the finding's evidence and its timeline.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type React from 'react';
import type { Category, Severity } from '../../../shared/domain';
import { CATEGORY_LABEL, SEVERITY_LABEL } from '../../../shared/labels';
import type { BulkTriagePreview, WorkbenchFilter, WorkbenchGroup, WorkbenchRow, WorkbenchStatus } from '../../../shared/ipc/workbench';
import { ModalDialog } from '../components/ModalDialog';
import { expiryFromDateInput } from '../components/Triage';
import { errorMessage, isApiError } from '../api';
import { SEVERITY_ICON, categoryLabel, formatDate, formatDay } from '../format';
import { useStore } from '../store';
import { useWorkbench } from '../workbench';
import '../workbench.css';

// Plain lists, not the zod enums: zod in the renderer trips the window's CSP (its eval probe).
const SEVERITIES = Object.keys(SEVERITY_LABEL) as Severity[];
const CATEGORIES = Object.keys(CATEGORY_LABEL) as Category[];
const WORKBENCH_STATUSES: readonly WorkbenchStatus[] = ['open', 'regressed', 'accepted', 'false-positive', 'fixed'];
export const WB_STATUS_LABEL: Record<WorkbenchStatus, string> = {
  open: 'Open',
  regressed: 'Regressed',
  accepted: 'Accepted risk',
  'false-positive': 'False positive',
  fixed: 'Fixed',
};
const WB_STATUS_ICON: Record<WorkbenchStatus, string> = { open: '○', regressed: '↺', accepted: '✓', 'false-positive': '⊘', fixed: '✔' };

const ROW_HEIGHT_PX = 32;
const COLUMNS: ReadonlyArray<{ id: string; label: string; sortable: boolean }> = [
  { id: 'select', label: 'Select', sortable: false },
  { id: 'severity', label: 'Severity', sortable: true },
  { id: 'status', label: 'Status', sortable: true },
  { id: 'host', label: 'Host', sortable: true },
  { id: 'check', label: 'Check', sortable: true },
  { id: 'title', label: 'Finding', sortable: true },
  { id: 'resource', label: 'Resource', sortable: true },
  { id: 'firstSeen', label: 'First seen', sortable: true },
  { id: 'lastSeen', label: 'Last seen', sortable: true },
];
const GROUP_COLUMNS: ReadonlyArray<{ id: string; label: string; sortable: boolean }> = [
  { id: 'severity', label: 'Severity', sortable: true },
  { id: 'check', label: 'Check', sortable: true },
  { id: 'title', label: 'Finding', sortable: true },
  { id: 'category', label: 'Category', sortable: true },
  { id: 'instances', label: 'Instances', sortable: true },
  { id: 'hosts', label: 'Hosts', sortable: true },
  { id: 'statuses', label: 'By status', sortable: false },
];

export function SeverityTag({ severity }: { severity: Severity }): React.JSX.Element {
  return (
    <span className={`wb-sev wb-sev-${severity}`} data-severity={severity}>
      <span className="wb-sev-icon" aria-hidden="true">
        {SEVERITY_ICON[severity]}
      </span>
      {SEVERITY_LABEL[severity]}
    </span>
  );
}

function StatusTag({ status }: { status: WorkbenchStatus }): React.JSX.Element {
  return (
    <span className={`wb-status wb-st-${status}`} data-status={status}>
      <span aria-hidden="true">{WB_STATUS_ICON[status]}</span> {WB_STATUS_LABEL[status]}
    </span>
  );
}

type DialogState =
  | { kind: 'triage'; status: 'accepted' | 'false-positive' | 'open'; keys: string[] }
  | { kind: 'shortcuts' }
  | { kind: 'save-view' }
  | null;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function WorkbenchScreen({ filter }: { filter?: WorkbenchFilter | undefined }): React.JSX.Element {
  const wb = useWorkbench();
  const [dialog, setDialog] = useState<DialogState>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void useWorkbench.getState().init(filter);
  }, [filter]);

  const grouped = wb.groupBy === 'check';
  const count = grouped ? wb.groups.length : wb.total;
  const current: WorkbenchRow | undefined = grouped ? undefined : wb.rows.get(wb.cursor);
  const targetKeys = (): string[] => (wb.selected.size > 0 ? [...wb.selected] : current ? [current.findingKey] : []);

  // The detail follows the cursor (rows mode), a moment after it stops moving.
  const currentKey = current?.findingKey ?? null;
  const currentRun = wb.filter.scope?.kind === 'run' ? current?.runId : undefined;
  useEffect(() => {
    if (!currentKey) return;
    const t = setTimeout(() => void useWorkbench.getState().openDetail(currentKey, currentRun), 120);
    return () => clearTimeout(t);
  }, [currentKey, currentRun]);

  // Keys anywhere on the screen, except while typing in a field or inside a dialog.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (dialog || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTyping(e.target)) {
        if (e.key === 'Escape' && e.target === searchRef.current) gridRef.current?.focus();
        return;
      }
      // Space and Enter belong to a focused button, link or checkbox; the grid takes them only when it (or nothing) has the focus.
      const onGrid = e.target === gridRef.current || e.target === document.body;
      if ((e.key === ' ' || e.key === 'Enter') && !onGrid) return;
      const s = useWorkbench.getState();
      const isGrouped = s.groupBy === 'check';
      const row = isGrouped ? undefined : s.rows.get(s.cursor);
      const keys = s.selected.size > 0 ? [...s.selected] : row ? [row.findingKey] : [];
      let handled = true;
      switch (e.key) {
        case 'j':
        case 'ArrowDown':
          s.moveCursor(s.cursor + 1);
          break;
        case 'k':
        case 'ArrowUp':
          s.moveCursor(s.cursor - 1);
          break;
        case 'Home':
          s.moveCursor(0);
          break;
        case 'End':
          s.moveCursor(Number.MAX_SAFE_INTEGER);
          break;
        case '/':
          searchRef.current?.focus();
          break;
        case '?':
          setDialog({ kind: 'shortcuts' });
          break;
        case 'x':
        case ' ':
          if (row) s.toggleSelect(row.findingKey);
          break;
        case 'a':
          if (keys.length) setDialog({ kind: 'triage', status: 'accepted', keys });
          break;
        case 'f':
          if (keys.length) setDialog({ kind: 'triage', status: 'false-positive', keys });
          break;
        case 'o':
          if (keys.length) setDialog({ kind: 'triage', status: 'open', keys });
          break;
        case 'g':
          void s.setGroupBy(isGrouped ? 'none' : 'check');
          break;
        case 'Enter':
          if (isGrouped) {
            const g = s.groups[s.cursor];
            if (g) void openGroup(g);
          } else gridRef.current?.focus();
          break;
        case 'Escape':
          s.clearSelection();
          break;
        default:
          handled = false;
      }
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialog]);

  const openGroup = async (g: WorkbenchGroup): Promise<void> => {
    const s = useWorkbench.getState();
    await s.replaceFilter({ ...s.filter, checks: [g.checkId] }, null, 'none');
  };

  const ready = wb.readySeq === wb.seq;
  return (
    <section className="screen workbench" data-testid="workbench-screen">
      <header className="screen-header">
        <h1>Findings</h1>
        <span className="muted" data-testid="workbench-summary" aria-live="polite">
          {ready ? `${count} ${grouped ? `check${count === 1 ? '' : 's'}` : `finding${count === 1 ? '' : 's'}`}` : 'loading…'}
          {wb.filter.scope?.kind === 'run' ? ' in one run' : ' · latest audit of each host'}
        </span>
        <span className="spacer" />
        <ViewsMenu onSave={() => setDialog({ kind: 'save-view' })} />
        <button type="button" className="btn small" data-testid="workbench-shortcuts" onClick={() => setDialog({ kind: 'shortcuts' })} aria-keyshortcuts="?">
          Keys ?
        </button>
        <button type="button" className="btn small" data-testid="workbench-refresh" onClick={() => void wb.refresh()}>
          Refresh
        </button>
      </header>
      <FilterBar searchRef={searchRef} />
      <div className="wb-actions" role="toolbar" aria-label="Selection">
        <span data-testid="workbench-selected" data-count={wb.selected.size}>
          {wb.selected.size} selected
        </span>
        <button type="button" className="btn small" data-testid="bulk-accept" disabled={targetKeys().length === 0} onClick={() => setDialog({ kind: 'triage', status: 'accepted', keys: targetKeys() })}>
          Accept risk… <kbd>a</kbd>
        </button>
        <button type="button" className="btn small" data-testid="bulk-false-positive" disabled={targetKeys().length === 0} onClick={() => setDialog({ kind: 'triage', status: 'false-positive', keys: targetKeys() })}>
          False positive… <kbd>f</kbd>
        </button>
        <button type="button" className="btn small" data-testid="bulk-reopen" disabled={targetKeys().length === 0} onClick={() => setDialog({ kind: 'triage', status: 'open', keys: targetKeys() })}>
          Reopen… <kbd>o</kbd>
        </button>
        {!grouped && wb.total > 0 && wb.total <= 20_000 && (
          <button type="button" className="link small" data-testid="select-all-matching" onClick={() => void wb.selectAllMatching()}>
            Select all {wb.total} matching
          </button>
        )}
        {wb.selected.size > 0 && (
          <button type="button" className="link small" data-testid="clear-selection" onClick={() => wb.clearSelection()}>
            Clear selection
          </button>
        )}
        <span className="spacer" />
        <label className="wb-toggle">
          <input type="checkbox" data-testid="group-by-check" checked={grouped} onChange={(e) => void wb.setGroupBy(e.target.checked ? 'check' : 'none')} /> Group by check <kbd>g</kbd>
        </label>
        <span className="muted small" data-testid="workbench-query-ms">
          {wb.queryMs !== null ? `query ${wb.queryMs.toFixed(1)} ms` : ''}
        </span>
      </div>
      <div className="sr-only" aria-live="polite" data-testid="workbench-announcement">
        {wb.announcement}
      </div>
      <div className="wb-body">
        {grouped ? <GroupGrid gridRef={gridRef} onOpen={(g) => void openGroup(g)} /> : <FindingGrid gridRef={gridRef} />}
        {!grouped && <DetailPanel />}
      </div>
      {dialog?.kind === 'triage' && <TriageDialog status={dialog.status} keys={dialog.keys} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'shortcuts' && <ShortcutSheet onClose={() => setDialog(null)} />}
      {dialog?.kind === 'save-view' && <SaveViewDialog onClose={() => setDialog(null)} />}
    </section>
  );
}

// ---- filters and views -------------------------------------------------------------------

function FilterBar({ searchRef }: { searchRef: React.RefObject<HTMLInputElement | null> }): React.JSX.Element {
  const filter = useWorkbench((s) => s.filter);
  const facets = useWorkbench((s) => s.facets);
  const setFilter = useWorkbench((s) => s.setFilter);
  const [text, setText] = useState(filter.text ?? '');
  const id = useId();
  useEffect(() => setText(filter.text ?? ''), [filter.text]);
  // Typing waits for a short pause; the query itself runs over every row in SQLite.
  useEffect(() => {
    if (text === (filter.text ?? '')) return;
    const t = setTimeout(() => void setFilter({ text }), 150);
    return () => clearTimeout(t);
  }, [text, filter.text, setFilter]);

  const toggle = <T extends string>(list: readonly T[] | undefined, v: T): T[] => (list?.includes(v) ? list.filter((x) => x !== v) : [...(list ?? []), v]);
  const single = (values: readonly string[] | undefined): string => (values && values.length === 1 ? values[0]! : values && values.length > 1 ? '__many' : '');

  return (
    <div className="wb-filters panel" role="search" aria-label="Filter findings">
      <div className="field wb-search">
        <label htmlFor={`${id}-q`}>
          Search <kbd>/</kbd>
        </label>
        <input
          id={`${id}-q`}
          ref={searchRef}
          type="search"
          data-testid="workbench-search"
          value={text}
          maxLength={200}
          placeholder="title, resource, check, host, evidence"
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-host`}>Host</label>
        <select id={`${id}-host`} data-testid="filter-host" value={single(filter.hosts)} onChange={(e) => void setFilter({ hosts: e.target.value ? [e.target.value] : [] })}>
          <option value="">All hosts</option>
          {(filter.hosts?.length ?? 0) > 1 && <option value="__many">{filter.hosts!.length} hosts</option>}
          {facets?.hosts.map((h) => (
            <option key={h} value={h}>
              {h}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-cat`}>Category</label>
        <select
          id={`${id}-cat`}
          data-testid="filter-category"
          value={single(filter.categories)}
          onChange={(e) => void setFilter({ categories: e.target.value ? [e.target.value as Category] : [] })}
        >
          <option value="">All categories</option>
          {(filter.categories?.length ?? 0) > 1 && <option value="__many">{filter.categories!.length} categories</option>}
          {(facets?.categories ?? CATEGORIES).map((c) => (
            <option key={c} value={c}>
              {categoryLabel(c)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-check`}>Check</label>
        <select id={`${id}-check`} data-testid="filter-check" value={single(filter.checks)} onChange={(e) => void setFilter({ checks: e.target.value ? [e.target.value] : [] })}>
          <option value="">All checks</option>
          {(filter.checks?.length ?? 0) > 1 && <option value="__many">{filter.checks!.length} checks</option>}
          {filter.checks?.length === 1 && !facets?.checks.some((c) => c.checkId === filter.checks![0]) && <option value={filter.checks[0]}>{filter.checks[0]}</option>}
          {facets?.checks.map((c) => (
            <option key={c.checkId} value={c.checkId}>
              {c.checkId}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="wb-chips" data-testid="filter-severity">
        <legend>Severity</legend>
        {SEVERITIES.map((s) => (
          <button
            key={s}
            type="button"
            className={`wb-chip${filter.severities?.includes(s) ? ' on' : ''}`}
            aria-pressed={filter.severities?.includes(s) ?? false}
            data-value={s}
            onClick={() => void setFilter({ severities: toggle(filter.severities, s) })}
          >
            <SeverityTag severity={s} />
          </button>
        ))}
      </fieldset>
      <fieldset className="wb-chips" data-testid="filter-status">
        <legend>Status</legend>
        {WORKBENCH_STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className={`wb-chip${filter.statuses?.includes(s) ? ' on' : ''}`}
            aria-pressed={filter.statuses?.includes(s) ?? false}
            data-value={s}
            onClick={() => void setFilter({ statuses: toggle(filter.statuses, s) })}
          >
            {WB_STATUS_LABEL[s]}
          </button>
        ))}
      </fieldset>
      {hasFilter(filter) && (
        <button
          type="button"
          className="link small"
          data-testid="filter-clear"
          onClick={() => {
            setText('');
            void useWorkbench.getState().replaceFilter({ scope: filter.scope ?? { kind: 'latest' } });
          }}
        >
          Clear filters
        </button>
      )}
    </div>
  );
}

function hasFilter(f: WorkbenchFilter): boolean {
  return Boolean(f.hosts?.length || f.categories?.length || f.severities?.length || f.statuses?.length || f.checks?.length || f.text?.trim() || f.scope?.kind === 'run');
}

function ViewsMenu({ onSave }: { onSave: () => void }): React.JSX.Element {
  const views = useWorkbench((s) => s.views);
  const replaceFilter = useWorkbench((s) => s.replaceFilter);
  const deleteView = useWorkbench((s) => s.deleteView);
  const [chosen, setChosen] = useState('');
  const id = useId();
  const view = views.find((v) => String(v.id) === chosen);
  return (
    <span className="wb-views">
      <label htmlFor={`${id}-views`} className="muted small">
        Saved views
      </label>
      <select
        id={`${id}-views`}
        data-testid="saved-views"
        value={chosen}
        onChange={(e) => {
          setChosen(e.target.value);
          const v = views.find((x) => String(x.id) === e.target.value);
          if (v) void replaceFilter(v.filter, v.sort, v.groupBy);
        }}
      >
        <option value="">—</option>
        {views.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
          </option>
        ))}
      </select>
      {view && (
        <button
          type="button"
          className="link small"
          data-testid="delete-view"
          onClick={() => {
            setChosen('');
            void deleteView(view.id);
          }}
        >
          Delete
        </button>
      )}
      <button type="button" className="btn small" data-testid="save-view" onClick={onSave}>
        Save view…
      </button>
    </span>
  );
}

function SaveViewDialog({ onClose }: { onClose: () => void }): React.JSX.Element {
  const saveView = useWorkbench((s) => s.saveView);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    try {
      await saveView(name);
      onClose();
    } catch (err) {
      setError(isApiError(err) ? (err.fieldErrors()['name'] ?? err.message) : errorMessage(err));
    }
  };
  return (
    <ModalDialog title="Save this view" onClose={onClose} testId="save-view-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <p className="muted small">The filters, sort and grouping, under a name (a view of the same name is replaced).</p>
        <div className={`field full${error ? ' has-error' : ''}`}>
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} data-autofocus data-testid="view-name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} aria-invalid={error ? true : undefined} />
          {error && (
            <div className="field-error" role="alert" data-testid="view-name-error">
              {error}
            </div>
          )}
        </div>
        <div className="form-actions">
          <button type="submit" className="btn primary small" data-testid="view-save-submit">
            Save view
          </button>
          <button type="button" className="btn small" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

// ---- the grids ---------------------------------------------------------------------------

function SortHeader({ column }: { column: { id: string; label: string; sortable: boolean } }): React.JSX.Element {
  const sort = useWorkbench((s) => s.sort);
  const toggleSort = useWorkbench((s) => s.toggleSort);
  const active = sort.column === column.id;
  return (
    <div
      role="columnheader"
      className={`wb-cell wb-col-${column.id}`}
      aria-sort={!column.sortable ? undefined : active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      data-testid={`col-${column.id}`}
    >
      {column.sortable ? (
        <button type="button" className="wb-sort" data-testid={`sort-${column.id}`} onClick={() => void toggleSort(column.id)}>
          {column.label}
          <span aria-hidden="true">{active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
        </button>
      ) : (
        <span className="sr-only">{column.label}</span>
      )}
    </div>
  );
}

function FindingGrid({ gridRef }: { gridRef: React.RefObject<HTMLDivElement | null> }): React.JSX.Element {
  const wb = useWorkbench();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: wb.total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT_PX, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    void wb.loadRange(first, last);
  }, [first, last, wb.seq, wb.readySeq, wb]);
  useEffect(() => {
    virtualizer.scrollToIndex(wb.cursor, { align: 'auto' });
  }, [wb.cursor, virtualizer]);
  const ready = wb.readySeq === wb.seq;
  const activeId = wb.total > 0 ? `wb-row-${wb.cursor}` : undefined;
  const allOnScreen = items.map((i) => wb.rows.get(i.index)?.findingKey).filter((k): k is string => Boolean(k));

  return (
    <div
      ref={gridRef}
      className="wb-grid panel flush"
      role="grid"
      aria-label="Findings"
      aria-rowcount={wb.total + 1}
      aria-colcount={COLUMNS.length}
      aria-multiselectable="true"
      aria-activedescendant={activeId}
      tabIndex={0}
      data-testid="workbench-table"
      data-state={ready ? 'ready' : 'loading'}
      data-seq={wb.seq}
      data-total={wb.total}
    >
      <div role="row" className="wb-row wb-head" aria-rowindex={1}>
        <div role="columnheader" className="wb-cell wb-col-select">
          <input
            type="checkbox"
            aria-label="Select the findings in view"
            data-testid="select-visible"
            checked={allOnScreen.length > 0 && allOnScreen.every((k) => wb.selected.has(k))}
            onChange={(e) => wb.selectKeys(allOnScreen, e.target.checked)}
          />
        </div>
        {COLUMNS.slice(1).map((c) => (
          <SortHeader key={c.id} column={c} />
        ))}
      </div>
      <div ref={scrollRef} className="wb-scroll" data-testid="workbench-scroll">
        {ready && wb.total === 0 && (
          <div className="wb-empty muted" data-testid="workbench-empty">
            No finding matches these filters.
          </div>
        )}
        <div className="wb-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const r = wb.rows.get(item.index);
            const on = r ? wb.selected.has(r.findingKey) : false;
            return (
              <div
                key={item.key}
                id={`wb-row-${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={on}
                className={`wb-row${item.index === wb.cursor ? ' cursor' : ''}${on ? ' selected' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
                data-testid="workbench-row"
                data-index={item.index}
                data-key={r?.findingKey ?? ''}
                data-status={r?.status ?? ''}
                data-severity={r?.severity ?? ''}
                data-host={r?.host ?? ''}
                onClick={() => {
                  wb.moveCursor(item.index);
                  gridRef.current?.focus({ preventScroll: true });
                }}
              >
                {r ? (
                  <>
                    <div role="gridcell" className="wb-cell wb-col-select">
                      <input type="checkbox" aria-label={`Select ${r.title} on ${r.host}`} data-testid="row-select" checked={on} onChange={() => wb.toggleSelect(r.findingKey)} onClick={(e) => e.stopPropagation()} />
                    </div>
                    <div role="gridcell" className="wb-cell wb-col-severity">
                      <SeverityTag severity={r.severity} />
                    </div>
                    <div role="gridcell" className="wb-cell wb-col-status">
                      <StatusTag status={r.status} />
                    </div>
                    <div role="gridcell" className="wb-cell wb-col-host" title={r.host}>
                      {r.host}
                    </div>
                    <div role="gridcell" className="wb-cell wb-col-check mono" title={r.checkId}>
                      {r.checkId}
                    </div>
                    <div role="gridcell" className="wb-cell wb-col-title" title={r.title}>
                      {r.title}
                    </div>
                    <div role="gridcell" className="wb-cell wb-col-resource mono" title={r.resource}>
                      {r.resource}
                    </div>
                    <div role="gridcell" className="wb-cell wb-col-firstSeen">
                      {formatDay(r.firstSeen)}
                    </div>
                    <div role="gridcell" className="wb-cell wb-col-lastSeen">
                      {formatDay(r.lastSeen)}
                    </div>
                  </>
                ) : (
                  <div role="gridcell" className="wb-cell muted">
                    loading…
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function GroupGrid({ gridRef, onOpen }: { gridRef: React.RefObject<HTMLDivElement | null>; onOpen: (g: WorkbenchGroup) => void }): React.JSX.Element {
  const wb = useWorkbench();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: wb.groups.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT_PX, overscan: 12 });
  useEffect(() => {
    virtualizer.scrollToIndex(wb.cursor, { align: 'auto' });
  }, [wb.cursor, virtualizer]);
  const ready = wb.readySeq === wb.seq;
  return (
    <div
      ref={gridRef}
      className="wb-grid wb-groups panel flush"
      role="grid"
      aria-label="Findings grouped by check"
      aria-rowcount={wb.groups.length + 1}
      aria-colcount={GROUP_COLUMNS.length}
      aria-activedescendant={wb.groups.length ? `wb-group-${wb.cursor}` : undefined}
      tabIndex={0}
      data-testid="workbench-groups"
      data-state={ready ? 'ready' : 'loading'}
      data-seq={wb.seq}
      data-total={wb.total}
    >
      <div role="row" className="wb-row wb-head" aria-rowindex={1}>
        {GROUP_COLUMNS.map((c) => (
          <SortHeader key={c.id} column={c} />
        ))}
      </div>
      <div ref={scrollRef} className="wb-scroll">
        <div className="wb-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const g = wb.groups[item.index]!;
            return (
              <div
                key={item.key}
                id={`wb-group-${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                className={`wb-row${item.index === wb.cursor ? ' cursor' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
                data-testid="workbench-group"
                data-check={g.checkId}
                data-instances={g.instances}
                onClick={() => wb.moveCursor(item.index)}
                onDoubleClick={() => onOpen(g)}
              >
                <div role="gridcell" className="wb-cell wb-col-severity">
                  <SeverityTag severity={g.severity} />
                </div>
                <div role="gridcell" className="wb-cell wb-col-check mono">
                  <button type="button" className="link mono" data-testid="group-open" onClick={() => onOpen(g)} aria-label={`Show the ${g.instances} findings of ${g.checkId}`}>
                    {g.checkId}
                  </button>
                </div>
                <div role="gridcell" className="wb-cell wb-col-title" title={g.title}>
                  {g.title}
                </div>
                <div role="gridcell" className="wb-cell wb-col-category">
                  {categoryLabel(g.category)}
                </div>
                <div role="gridcell" className="wb-cell wb-col-instances num">
                  {g.instances}
                </div>
                <div role="gridcell" className="wb-cell wb-col-hosts num">
                  {g.hosts}
                </div>
                <div role="gridcell" className="wb-cell wb-col-statuses small">
                  {WORKBENCH_STATUSES.filter((st) => g.byStatus[st]).map((st) => `${g.byStatus[st]} ${WB_STATUS_LABEL[st].toLowerCase()}`).join(' · ')}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

// ---- detail ------------------------------------------------------------------------------

const EVENT_LABEL: Record<string, string> = {
  'first-seen': 'First seen',
  seen: 'Seen again',
  resolved: 'Not found (resolved)',
  'found-again': 'Found again (regressed)',
  triage: 'Status changed',
};

function DetailPanel(): React.JSX.Element {
  const detail = useWorkbench((s) => s.detail);
  const error = useWorkbench((s) => s.detailError);
  const navigate = useStore((s) => s.navigate);
  if (error)
    return (
      <aside className="wb-detail panel" data-testid="finding-detail" aria-label="Finding detail">
        <p className="field-error">{error}</p>
      </aside>
    );
  if (!detail)
    return (
      <aside className="wb-detail panel muted" data-testid="finding-detail" aria-label="Finding detail">
        Move to a finding (j/k) to see its evidence and timeline.
      </aside>
    );
  const r = detail.row;
  return (
    <aside className="wb-detail panel" data-testid="finding-detail" data-key={r.findingKey} aria-label={`Detail of ${r.title}`}>
      <h2 className="wb-detail-title" data-testid="detail-title">
        {r.title}
      </h2>
      <div className="wb-detail-meta">
        <SeverityTag severity={r.severity} /> <StatusTag status={r.status} /> <span className="muted">on</span> <strong data-testid="detail-host">{r.host}</strong>
      </div>
      <dl className="wb-dl">
        <dt>Check</dt>
        <dd className="mono">{r.checkId}</dd>
        <dt>Category</dt>
        <dd>{categoryLabel(r.category)}</dd>
        <dt>Resource</dt>
        <dd className="mono">{r.resource}</dd>
        <dt>First seen</dt>
        <dd data-testid="detail-first-seen">{formatDate(detail.firstSeen)}</dd>
        <dt>Last seen</dt>
        <dd data-testid="detail-last-seen">
          <button type="button" className="link" onClick={() => navigate({ screen: 'run', runId: r.runId })}>
            {formatDate(detail.lastSeen)}
          </button>
        </dd>
        {r.reason && r.status !== 'open' && r.status !== 'regressed' && (
          <>
            <dt>Reason</dt>
            <dd data-testid="detail-reason">{r.reason}</dd>
          </>
        )}
        {r.expiresAt && (r.status === 'accepted' || r.status === 'open') && (
          <>
            <dt>{r.status === 'accepted' ? 'Accepted until' : 'Acceptance expired'}</dt>
            <dd>{formatDay(r.expiresAt)}</dd>
          </>
        )}
      </dl>
      <h3>Why it matters</h3>
      <p data-testid="detail-rationale">{detail.rationale}</p>
      <h3>Evidence</h3>
      <pre className="wb-evidence mono" data-testid="detail-evidence">
        {detail.evidence}
      </pre>
      <h3>Remediation</h3>
      <p data-testid="detail-remediation">{detail.remediation}</p>
      {detail.references.length > 0 && (
        <>
          <h3>References</h3>
          <ul className="wb-refs" data-testid="detail-references">
            {detail.references.map((ref) => (
              <li key={ref} className="mono small">
                {ref}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Timeline</h3>
      <ol className="wb-timeline" data-testid="detail-timeline">
        {detail.timeline.map((e, i) => (
          <li key={i} data-testid="timeline-event" data-kind={e.kind} data-status={e.status ?? ''} className={`wb-tl-${e.kind}`}>
            <span className="muted small">{formatDate(e.at)}</span>{' '}
            <strong>{e.kind === 'triage' && e.status ? `${EVENT_LABEL.triage}: ${WB_STATUS_LABEL[e.status]}` : EVENT_LABEL[e.kind]}</strong>
            {e.kind === 'triage' && (
              <span className="small" data-testid="timeline-actor">
                {' '}
                by {e.actor ?? 'unknown (before actors were recorded)'}
              </span>
            )}
            {e.expiresAt && <span className="small"> until {formatDay(e.expiresAt)}</span>}
            {e.reason && <span className="small"> — {e.reason}</span>}
            {e.runId && (
              <>
                {' '}
                <button type="button" className="link small" onClick={() => navigate({ screen: 'run', runId: e.runId! })}>
                  run
                </button>
              </>
            )}
          </li>
        ))}
      </ol>
    </aside>
  );
}

// ---- dialogs -----------------------------------------------------------------------------

function inDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const TRIAGE_TITLE = { accepted: 'Accept the risk', 'false-positive': 'Mark as false positive', open: 'Reopen' } as const;

function TriageDialog({ status, keys, onClose }: { status: 'accepted' | 'false-positive' | 'open'; keys: string[]; onClose: () => void }): React.JSX.Element {
  const preview = useWorkbench((s) => s.preview);
  const apply = useWorkbench((s) => s.apply);
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState(status === 'accepted' ? inDays(90) : '');
  const [result, setResult] = useState<BulkTriagePreview | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const applyRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  // Reopen asks nothing: once its preview is in, Apply has the focus (Enter applies).
  useEffect(() => {
    if (status === 'open' && result) applyRef.current?.focus();
  }, [status, result]);
  const request = () => ({
    findingKeys: keys,
    status,
    ...(status !== 'open' ? { reason } : {}),
    ...(status === 'accepted' ? { expiresAt: expires ? expiryFromDateInput(expires) : null } : {}),
  });

  const handle = (err: unknown): void => {
    if (isApiError(err) && err.code === 'VALIDATION') {
      const f = err.fieldErrors();
      setErrors(f);
      if (!f['reason'] && !f['expiresAt']) setFormError(err.message);
    } else setFormError(errorMessage(err));
  };
  const runPreview = async (): Promise<void> => {
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      setResult(await preview(request()));
    } catch (err) {
      setResult(null);
      handle(err);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (status === 'open') void runPreview();
    // Reopen needs no input: its preview is shown at once.
  }, []);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!result) return runPreview();
    setBusy(true);
    try {
      await apply(request());
      onClose();
    } catch (err) {
      handle(err);
      setBusy(false);
    }
  };

  const title = `${TRIAGE_TITLE[status]} — ${keys.length} finding${keys.length === 1 ? '' : 's'}`;
  return (
    <ModalDialog title={title} onClose={onClose} testId="triage-dialog" className="wb-triage-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate data-status={status}>
        {status !== 'open' && (
          <div className={`field full${errors['reason'] ? ' has-error' : ''}`}>
            <label htmlFor={`${id}-reason`}>Reason</label>
            <input
              id={`${id}-reason`}
              data-autofocus
              data-testid="bulk-reason"
              type="text"
              maxLength={1000}
              value={reason}
              aria-invalid={errors['reason'] ? true : undefined}
              aria-describedby={errors['reason'] ? `${id}-reason-err` : undefined}
              onChange={(e) => {
                setReason(e.target.value);
                setResult(null);
              }}
            />
            {errors['reason'] && (
              <div id={`${id}-reason-err`} className="field-error" data-testid="bulk-error-reason">
                {errors['reason']}
              </div>
            )}
          </div>
        )}
        {status === 'accepted' && (
          <div className={`field${errors['expiresAt'] ? ' has-error' : ''}`}>
            <label htmlFor={`${id}-exp`}>Expires on (the finding reopens then)</label>
            <input
              id={`${id}-exp`}
              type="date"
              data-testid="bulk-expires"
              value={expires}
              min={inDays(1)}
              aria-invalid={errors['expiresAt'] ? true : undefined}
              aria-describedby={errors['expiresAt'] ? `${id}-exp-err` : undefined}
              onChange={(e) => {
                setExpires(e.target.value);
                setResult(null);
              }}
            />
            {errors['expiresAt'] && (
              <div id={`${id}-exp-err`} className="field-error" data-testid="bulk-error-expiresAt">
                {errors['expiresAt']}
              </div>
            )}
          </div>
        )}
        {formError && (
          <div className="form-error" role="alert" data-testid="bulk-form-error">
            {formError}
          </div>
        )}
        {result && <PreviewList preview={result} />}
        <div className="form-actions">
          {result ? (
            <button ref={applyRef} type="submit" className="btn primary small" data-testid="bulk-apply" disabled={busy || result.applies.length === 0}>
              {busy ? 'Applying…' : `Apply to ${result.applies.length}`}
            </button>
          ) : (
            <button type="submit" className="btn primary small" data-testid="bulk-preview" disabled={busy}>
              {busy ? 'Checking…' : 'Preview'}
            </button>
          )}
          <button type="button" className="btn small" data-testid="bulk-cancel" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

const PREVIEW_SHOWN = 50;

function PreviewList({ preview }: { preview: BulkTriagePreview }): React.JSX.Element {
  return (
    <div className="wb-preview" data-testid="bulk-preview-result" data-applies={preview.applies.length} data-skipped={preview.skipped.length} aria-live="polite">
      <h3>
        Applies to {preview.applies.length}
        {preview.skipped.length > 0 ? `, skips ${preview.skipped.length}` : ''}
      </h3>
      {preview.applies.length > 0 && (
        <ul className="wb-preview-list" data-testid="bulk-applies">
          {preview.applies.slice(0, PREVIEW_SHOWN).map((i) => (
            <li key={i.findingKey} data-testid="bulk-apply-item">
              <span className="mono small">{i.checkId}</span> {i.title} <span className="muted">on {i.host}</span> {i.from && <span className="muted small">({WB_STATUS_LABEL[i.from]})</span>}
            </li>
          ))}
          {preview.applies.length > PREVIEW_SHOWN && <li className="muted">… and {preview.applies.length - PREVIEW_SHOWN} more</li>}
        </ul>
      )}
      {preview.skipped.length > 0 && (
        <>
          <h3>Skipped</h3>
          <ul className="wb-preview-list skipped" data-testid="bulk-skipped">
            {preview.skipped.slice(0, PREVIEW_SHOWN).map((i) => (
              <li key={i.findingKey} data-testid="bulk-skip-item" data-key={i.findingKey}>
                <span className="mono small">{i.checkId ?? i.findingKey}</span> {i.title ?? ''} {i.host && <span className="muted">on {i.host}</span>} —{' '}
                <span className="warn-text" data-testid="bulk-skip-reason">
                  {i.skipped}
                </span>
              </li>
            ))}
            {preview.skipped.length > PREVIEW_SHOWN && <li className="muted">… and {preview.skipped.length - PREVIEW_SHOWN} more</li>}
          </ul>
        </>
      )}
    </div>
  );
}

const SHORTCUTS: ReadonlyArray<readonly [string, string]> = [
  ['j / ↓', 'Next finding'],
  ['k / ↑', 'Previous finding'],
  ['Home / End', 'First / last finding'],
  ['x or Space', 'Select or unselect the finding'],
  ['a', 'Accept the risk (asks a reason and an expiry) — selection, or the current finding'],
  ['f', 'Mark false positive (asks a reason)'],
  ['o', 'Reopen'],
  ['g', 'Group by check on / off'],
  ['Enter', 'Open the group (grouped view)'],
  ['/', 'Search'],
  ['Esc', 'Clear the selection; leave the search; close a dialog'],
  ['?', 'This list'],
];

function ShortcutSheet({ onClose }: { onClose: () => void }): React.JSX.Element {
  return (
    <ModalDialog title="Keyboard shortcuts" onClose={onClose} testId="shortcut-sheet">
      <table className="table" data-testid="shortcut-table">
        <caption className="sr-only">Keys of the findings workbench</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map(([k, d]) => (
            <tr key={k}>
              <th scope="row">
                <kbd>{k}</kbd>
              </th>
              <td>{d}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="button" className="btn small" onClick={onClose} data-testid="shortcut-close">
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
