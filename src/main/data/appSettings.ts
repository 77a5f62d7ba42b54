// The app's settings in SQLite (table app_settings, schema v12): one row per key, a JSON value
// checked against the shared schema when read, so a hand-edited or older row falls back to the
// default for that key instead of breaking the app.
import { DEFAULT_SETTINGS, Settings, type SettingsUpdate } from '../../shared/ipc/settings';
import type { Db } from '../store/db';

const KEYS = ['theme', 'retention', 'defaultFailOn'] as const;

export function getSettings(db: Db): Settings {
  const rows = db.prepare('SELECT key, value_json FROM app_settings').all() as Array<{ key: string; value_json: string }>;
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const r of rows) {
    if (!(KEYS as readonly string[]).includes(r.key)) continue;
    try {
      const candidate = { ...out, [r.key]: JSON.parse(r.value_json) as unknown };
      if (Settings.safeParse(candidate).success) out[r.key] = candidate[r.key];
    } catch {
      // unreadable JSON: keep the default for this key
    }
  }
  return Settings.parse(out);
}

export function updateSettings(db: Db, patch: SettingsUpdate, now: Date = new Date()): Settings {
  const next = Settings.parse({ ...getSettings(db), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) });
  const put = db.prepare('INSERT INTO app_settings (key, value_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at');
  db.transaction(() => {
    for (const k of KEYS) if (patch[k] !== undefined) put.run(k, JSON.stringify(next[k]), now.toISOString());
  })();
  return next;
}
