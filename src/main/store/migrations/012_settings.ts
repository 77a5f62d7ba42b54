// v12: the app's settings (theme, retention, default fail-on severity), one row per key with a
// JSON value validated by src/shared/ipc/settings.ts on the way in and out. Never a secret.
export const sql = `
CREATE TABLE app_settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
`;
