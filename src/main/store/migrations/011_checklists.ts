// v11: checklists (issue 14 item 4). A checklist belongs to a host (or, with host_id NULL, to the
// fleet) and is a copy of a shipped template or a custom list. Items linked to checks are ticked
// from the latest run when read (auto_state keeps the last state seen and since when, so a tick
// that goes away is reported as a regression); manual items carry owner, due date, note and
// evidence (a reference to proof such as a ticket or report path, never a secret) and a manual tick.
export const sql = `
CREATE TABLE checklists (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  template_id TEXT,
  host_id INTEGER REFERENCES hosts(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE TABLE checklist_items (
  id INTEGER PRIMARY KEY,
  checklist_id INTEGER NOT NULL REFERENCES checklists(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  section TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL,
  check_ids_json TEXT NOT NULL DEFAULT '[]',
  owner TEXT,
  due_date TEXT,
  note TEXT,
  evidence TEXT,
  manual_done INTEGER NOT NULL DEFAULT 0,
  manual_done_at TEXT,
  auto_state TEXT,
  auto_prev_state TEXT,
  auto_run_id TEXT,
  auto_changed_at TEXT
) STRICT;
CREATE INDEX checklist_items_by_list ON checklist_items(checklist_id, position);
`;
