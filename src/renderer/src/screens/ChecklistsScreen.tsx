// Checklists: templates shipped with the app or custom lists, for a host or the fleet. Items
// linked to checks tick themselves from the latest run (and untick when it fails again); manual
// items carry owner, due date, note and evidence. Progress per checklist and per host. Every read
// re-evaluates the linked items against the runs stored now, so an audit shows up on the next visit.
import { useEffect, useState } from 'react';
import type React from 'react';
import type { AutoState, Checklist, ChecklistItem, ChecklistTemplate } from '../../../shared/ipc/checklists';
import { call } from '../api';
import { useChecklists } from '../checklists';
import { formatDate } from '../format';
import { useStore } from '../store';
import '../checklists.css';

const STATE_MARK: Record<AutoState, { mark: string; word: string }> = {
  pass: { mark: '✓', word: 'passes' },
  'not-applicable': { mark: '✓', word: 'does not apply' },
  fail: { mark: '✗', word: 'fails' },
  accepted: { mark: '!', word: 'accepted risk' },
  unknown: { mark: '?', word: 'not evaluated' },
  'not-audited': { mark: '–', word: 'not audited yet' },
};

function Progress({ done, total, label }: { done: number; total: number; label: string }): React.JSX.Element {
  const pct = total ? Math.round((100 * done) / total) : 0;
  return (
    <span className="cl-progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} data-done={done} data-total={total}>
      <span className="cl-bar">
        <span className="cl-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="mono small">
        {done}/{total}
      </span>
    </span>
  );
}

export function ChecklistsScreen(): React.JSX.Element {
  const showError = useStore((s) => s.showError);
  const [templates, setTemplates] = useState<ChecklistTemplate[]>([]);
  const list = useChecklists((s) => s.list);
  const selectedId = useChecklists((s) => s.selectedId);
  const refresh = useChecklists((s) => s.refresh);
  const select = useChecklists((s) => s.select);
  // The checklist read last, only while it is the selected one (not the one the user just left).
  const current = useChecklists((s) => (s.current !== null && s.current.id === s.selectedId ? s.current : null));

  useEffect(() => {
    useChecklists.getState().reset();
    void useChecklists.getState().refresh();
    call('checklists', 'templates', {}).then(setTemplates, showError);
  }, [showError]);

  /** A change answered with the checklist: show it, and refresh the list's progress. */
  const changed = (c: Checklist): void => void useChecklists.getState().changed(c);

  return (
    <section className="screen checklists" data-testid="checklists-screen">
      <header className="screen-header">
        <h1>Checklists</h1>
        <span className="muted">{list ? `${list.checklists.length} checklist${list.checklists.length === 1 ? '' : 's'}` : 'loading…'}</span>
        <span className="spacer" />
        <button type="button" className="btn" data-testid="checklists-refresh" onClick={() => void refresh()}>
          Refresh
        </button>
      </header>
      <div className="cl-layout">
        <aside className="cl-side">
          <NewChecklist
            templates={templates}
            onCreated={(c) => {
              void select(c.id);
              changed(c);
            }}
          />
          {list && list.hosts.length > 0 && (
            <div className="panel flush">
              <table className="table" data-testid="checklist-hosts" aria-labelledby="cl-hosts-title">
                <caption id="cl-hosts-title" className="table-caption">
                  Progress per host
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Host</th>
                    <th scope="col" className="num">
                      Lists
                    </th>
                    <th scope="col">Done</th>
                  </tr>
                </thead>
                <tbody>
                  {list.hosts.map((h) => (
                    <tr key={h.hostId ?? 'fleet'} data-testid="checklist-host" data-host={h.hostName}>
                      <th scope="row">{h.hostName}</th>
                      <td className="num mono">{h.checklists}</td>
                      <td>
                        <Progress done={h.done} total={h.total} label={`${h.hostName}: ${h.done} of ${h.total} items done`} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav className="panel flush cl-lists" aria-label="Checklists">
            {list?.checklists.length === 0 && <p className="muted cl-empty">No checklist yet: start one from a template above.</p>}
            {list?.checklists.map((c) => (
              <button
                key={c.id}
                type="button"
                className={`cl-list-item${c.id === selectedId ? ' selected' : ''}`}
                aria-current={c.id === selectedId ? 'true' : undefined}
                data-testid="checklist-row"
                data-checklist-id={c.id}
                data-name={c.name}
                onClick={() => void select(c.id)}
              >
                <span className="strong">{c.name}</span>
                <span className="muted small">{c.hostName ?? 'Fleet (every host)'}</span>
                <Progress done={c.done} total={c.total} label={`${c.name}: ${c.done} of ${c.total} done`} />
                <span className="small">
                  {c.regressed > 0 && <span className="cl-tag cl-regressed">{c.regressed} regressed</span>}
                  {c.overdue > 0 && <span className="cl-tag cl-overdue">{c.overdue} overdue</span>}
                </span>
              </button>
            ))}
          </nav>
        </aside>
        <div className="cl-main">
          {current ? (
            <ChecklistView
              checklist={current}
              onChanged={changed}
              onRemoved={() => {
                void select(null);
                void refresh();
              }}
            />
          ) : (
            <div className="panel empty">{selectedId !== null ? 'Loading the checklist…' : 'Pick or start a checklist.'}</div>
          )}
        </div>
      </div>
    </section>
  );
}

function NewChecklist({ templates, onCreated }: { templates: ChecklistTemplate[]; onCreated: (c: Checklist) => void }): React.JSX.Element {
  const hosts = useStore((s) => s.hosts);
  const loadHosts = useStore((s) => s.loadHosts);
  const showError = useStore((s) => s.showError);
  const [templateId, setTemplateId] = useState('pre-production');
  const [name, setName] = useState('');
  const [hostId, setHostId] = useState<string>('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void loadHosts();
  }, [loadHosts]);
  useEffect(() => {
    if (hostId === '' && hosts[0]) setHostId(String(hosts[0].id));
  }, [hosts, hostId]);
  const tpl = templates.find((t) => t.id === templateId);
  const custom = templateId === '';
  const create = async (): Promise<void> => {
    setBusy(true);
    try {
      const c = await call('checklists', 'create', {
        ...(custom ? {} : { templateId }),
        ...(name.trim() ? { name: name.trim() } : {}),
        hostId: hostId === 'fleet' || hostId === '' ? null : Number(hostId),
      });
      setName('');
      onCreated(c);
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="panel cl-new"
      data-testid="checklist-new"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <h2 className="chart-title">New checklist</h2>
      <div className="field">
        <label htmlFor="cl-template">Template</label>
        <select id="cl-template" data-testid="checklist-template" value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
          <option value="">Custom (empty)</option>
        </select>
        {tpl && (
          <span className="field-hint">
            {tpl.description} {tpl.items} items, {tpl.linkedItems} proved by checks.
          </span>
        )}
      </div>
      <div className="field">
        <label htmlFor="cl-name">Name{custom ? '' : ' (optional)'}</label>
        <input id="cl-name" data-testid="checklist-name" value={name} maxLength={200} placeholder={tpl?.name ?? 'e.g. Go-live of the wiki'} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="cl-host">For</label>
        <select id="cl-host" data-testid="checklist-host-select" value={hostId} onChange={(e) => setHostId(e.target.value)}>
          {hosts.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))}
          <option value="fleet">Fleet (every host)</option>
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" data-testid="checklist-create" disabled={busy || (custom && !name.trim())}>
          Create
        </button>
      </div>
    </form>
  );
}

function ChecklistView({ checklist, onChanged, onRemoved }: { checklist: Checklist; onChanged: (c: Checklist) => void; onRemoved: () => void }): React.JSX.Element {
  const showError = useStore((s) => s.showError);
  // Items by section, sections in the order they first appear (an item added later joins its section).
  const sections: Array<{ title: string; items: ChecklistItem[] }> = [];
  for (const i of checklist.items) {
    const s = sections.find((x) => x.title === i.section);
    if (s) s.items.push(i);
    else sections.push({ title: i.section, items: [i] });
  }
  const [saved, setSaved] = useState<{ id: number; file: string; bytes: number } | null>(null);
  const saveMarkdown = async (): Promise<void> => {
    try {
      const r = await call('checklists', 'exportMarkdown', { id: checklist.id });
      setSaved({ id: checklist.id, file: r.file, bytes: r.bytes });
    } catch (e) {
      showError(e);
    }
  };
  const remove = async (): Promise<void> => {
    if (!window.confirm(`Remove the checklist "${checklist.name}" and its ${checklist.total} items?`)) return;
    try {
      await call('checklists', 'remove', { id: checklist.id });
      onRemoved();
    } catch (e) {
      showError(e);
    }
  };
  return (
    <div className="panel cl-view" data-testid="checklist-view" data-checklist-id={checklist.id}>
      <div className="panel-title">
        <h2>{checklist.name}</h2>
        <span className="muted">{checklist.hostName ?? 'Fleet (every host)'}</span>
        <span className="spacer" />
        <Progress done={checklist.done} total={checklist.total} label={`${checklist.done} of ${checklist.total} items done`} />
        <button type="button" className="btn small" data-testid="checklist-save-md" title="Write it as a Markdown task list into the reports folder beside the database" onClick={() => void saveMarkdown()}>
          Save as Markdown
        </button>
        <button type="button" className="btn small danger-outline" data-testid="checklist-remove" onClick={() => void remove()}>
          Remove
        </button>
      </div>
      {saved && saved.id === checklist.id && (
        <p className="small" role="status" data-testid="checklist-saved" data-file={saved.file}>
          Saved <span className="mono">{saved.file}</span> ({saved.bytes} bytes).
        </p>
      )}
      <p className="muted small" data-testid="checklist-summary">
        {checklist.linkedDone} of {checklist.linked} items proved by checks pass in the latest run; {checklist.done - checklist.linkedDone} of {checklist.total - checklist.linked} manual items
        done.
        {checklist.regressed > 0 && (
          <strong className="cl-regressed-text">
            {' '}
            {checklist.regressed} ticked before, failing again now.
          </strong>
        )}
      </p>
      {sections.map((s) => (
        <section key={s.title || '—'} className="cl-section">
          {s.title && <h3>{s.title}</h3>}
          <ul className="cl-items">
            {s.items.map((i) => (
              <Item key={i.id} item={i} onChanged={onChanged} />
            ))}
          </ul>
        </section>
      ))}
      <AddItem checklistId={checklist.id} onChanged={onChanged} />
    </div>
  );
}

function Item({ item, onChanged }: { item: ChecklistItem; onChanged: (c: Checklist) => void }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const showError = useStore((s) => s.showError);
  const [editing, setEditing] = useState(false);
  const linked = item.checkIds.length > 0;
  const update = async (patch: Omit<Parameters<typeof window.rampart.checklists.updateItem>[0], 'id'>): Promise<boolean> => {
    try {
      onChanged(await call('checklists', 'updateItem', { id: item.id, ...patch }));
      return true;
    } catch (e) {
      showError(e);
      return false;
    }
  };
  const state = item.auto?.state;
  return (
    <li
      className={`cl-item${item.done ? ' done' : ''}${item.auto?.regressed ? ' regressed' : ''}`}
      data-testid="checklist-item"
      data-item-id={item.id}
      data-text={item.text}
      data-linked={linked}
      data-done={item.done}
      data-state={state ?? (item.manualDone ? 'manual-done' : 'manual-open')}
    >
      <div className="cl-item-row">
        {linked ? (
          <span className={`cl-auto cl-auto-${state}`} role="img" aria-label={`${item.done ? 'Done' : 'Not done'}: ${state ? STATE_MARK[state].word : ''} (ticked by the latest run)`} data-testid="item-auto">
            {state ? STATE_MARK[state].mark : ''}
          </span>
        ) : (
          <input
            type="checkbox"
            className="cl-check"
            checked={item.manualDone}
            aria-label={`Done: ${item.text}`}
            data-testid="item-manual-toggle"
            onChange={(e) => void update({ manualDone: e.target.checked })}
          />
        )}
        <div className="cl-item-body">
          <span className="cl-text">{item.text}</span>
          {item.auto && (
            <span className="cl-auto-detail small" data-testid="item-auto-detail">
              <span className="muted">
                {linked && `${item.checkIds.length === 1 ? item.checkIds[0] : `${item.checkIds.length} checks`} · `}
                {STATE_MARK[item.auto.state].word}
                {item.auto.since && ` since ${formatDate(item.auto.since)}`}
              </span>
              {item.auto.regressed && <strong className="cl-regressed-text"> · regressed (was ticked)</strong>}
              <span className="muted"> — {item.auto.detail}</span>
              {item.auto.runId && (
                <>
                  {' '}
                  <button type="button" className="link small" data-testid="item-open-run" onClick={() => navigate({ screen: 'run', runId: item.auto!.failing[0]?.runId ?? item.auto!.runId! })}>
                    open the run
                  </button>
                </>
              )}
            </span>
          )}
          <span className="cl-meta small">
            {item.owner && <span data-testid="item-owner">Owner: {item.owner}</span>}
            {item.dueDate && (
              <span className={item.overdue ? 'cl-overdue-text' : ''} data-testid="item-due">
                Due {item.dueDate}
                {item.overdue ? ' (overdue)' : ''}
              </span>
            )}
            {item.manualDoneAt && item.manualDone && <span className="muted">done {formatDate(item.manualDoneAt)}</span>}
            {item.note && <span className="muted">Note: {item.note}</span>}
            {item.evidence && <span data-testid="item-evidence">Evidence: {item.evidence}</span>}
          </span>
        </div>
        <button type="button" className="btn small" data-testid="item-edit" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          {editing ? 'Close' : 'Edit'}
        </button>
      </div>
      {editing && (
        <ItemEditor
          item={item}
          onSave={async (patch) => {
            if (await update(patch)) setEditing(false);
          }}
          onRemove={async () => {
            try {
              onChanged(await call('checklists', 'removeItem', { id: item.id }));
            } catch (e) {
              showError(e);
            }
          }}
        />
      )}
    </li>
  );
}

interface Fields {
  text: string;
  owner: string;
  dueDate: string;
  note: string;
  evidence: string;
  checkIds: string;
}

function ItemEditor({ item, onSave, onRemove }: { item: ChecklistItem; onSave: (patch: Record<string, unknown>) => Promise<void>; onRemove: () => Promise<void> }): React.JSX.Element {
  const [f, setF] = useState<Fields>({ text: item.text, owner: item.owner ?? '', dueDate: item.dueDate ?? '', note: item.note ?? '', evidence: item.evidence ?? '', checkIds: item.checkIds.join(', ') });
  const field = (key: keyof Fields, label: string, type = 'text'): React.JSX.Element => (
    <div className="field">
      <label htmlFor={`cl-${key}-${item.id}`}>{label}</label>
      <input id={`cl-${key}-${item.id}`} data-testid={`item-field-${key}`} type={type} value={f[key]} onChange={(e) => setF({ ...f, [key]: e.target.value })} />
    </div>
  );
  const ids = f.checkIds.split(/[\s,]+/).filter(Boolean);
  return (
    <form
      className="cl-editor"
      data-testid="item-editor"
      onSubmit={(e) => {
        e.preventDefault();
        const idsChanged = ids.join(',') !== item.checkIds.join(',');
        void onSave({ text: f.text, owner: f.owner, dueDate: f.dueDate || null, note: f.note, evidence: f.evidence, ...(idsChanged ? { checkIds: ids } : {}) });
      }}
    >
      <div className="cl-editor-grid">
        {field('text', 'Text')}
        {field('owner', 'Owner')}
        {field('dueDate', 'Due date', 'date')}
        {field('note', 'Note')}
        {field('evidence', 'Evidence (a reference: ticket, report path — never a secret)')}
        {field('checkIds', 'Linked checks (ids; empty: a manual item)')}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary small" data-testid="item-save">
          Save
        </button>
        <button type="button" className="btn small danger-outline" data-testid="item-remove" onClick={() => void onRemove()}>
          Remove item
        </button>
      </div>
    </form>
  );
}

function AddItem({ checklistId, onChanged }: { checklistId: number; onChanged: (c: Checklist) => void }): React.JSX.Element {
  const showError = useStore((s) => s.showError);
  const [text, setText] = useState('');
  const [section, setSection] = useState('');
  const [checkIds, setCheckIds] = useState('');
  const [owner, setOwner] = useState('');
  const [dueDate, setDueDate] = useState('');
  const add = async (): Promise<void> => {
    try {
      const ids = checkIds.split(/[\s,]+/).filter(Boolean);
      onChanged(
        await call('checklists', 'addItem', {
          checklistId,
          text,
          ...(section.trim() ? { section } : {}),
          ...(ids.length ? { checkIds: ids } : {}),
          ...(owner.trim() ? { owner } : {}),
          ...(dueDate ? { dueDate } : {}),
        }),
      );
      setText('');
      setCheckIds('');
    } catch (e) {
      showError(e);
    }
  };
  return (
    <form
      className="cl-add"
      data-testid="item-add"
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <h3>Add an item</h3>
      <div className="cl-editor-grid">
        <div className="field">
          <label htmlFor={`cl-add-text-${checklistId}`}>Text</label>
          <input id={`cl-add-text-${checklistId}`} data-testid="item-add-text" value={text} maxLength={500} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`cl-add-section-${checklistId}`}>Section</label>
          <input id={`cl-add-section-${checklistId}`} data-testid="item-add-section" value={section} onChange={(e) => setSection(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`cl-add-checks-${checklistId}`}>Linked checks (optional)</label>
          <input id={`cl-add-checks-${checklistId}`} data-testid="item-add-checks" value={checkIds} placeholder="SSH-PASSWORD-AUTH, …" onChange={(e) => setCheckIds(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`cl-add-owner-${checklistId}`}>Owner</label>
          <input id={`cl-add-owner-${checklistId}`} data-testid="item-add-owner" value={owner} onChange={(e) => setOwner(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`cl-add-due-${checklistId}`}>Due date</label>
          <input id={`cl-add-due-${checklistId}`} data-testid="item-add-due" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn small" data-testid="item-add-submit" disabled={!text.trim()}>
          Add item
        </button>
      </div>
    </form>
  );
}
