// Where the database lives: one file shared by the desktop app and the CLI, so CLI audits show up
// in the app and host keys pinned in one are trusted by the other. The folder is the one Electron
// calls `userData` for an app named "rampart" (package.json's name): appData + app name, where
// appData is $XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on macOS and
// %APPDATA% on Windows. Both the app (electron/main.ts) and the CLI call this function, so they
// cannot drift apart. RAMPART_DB overrides it for both (`:memory:` keeps nothing).
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'rampart';
export const DB_FILE_NAME = 'rampart.sqlite3';

export interface LocationEnv {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/** Electron's `appData` folder for this platform. */
export function appDataDir({ env = process.env, platform = process.platform, home = os.homedir() }: LocationEnv = {}): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (platform === 'win32') return env.APPDATA || p.join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return p.join(home, 'Library', 'Application Support');
  const xdg = env.XDG_CONFIG_HOME;
  return xdg && p.isAbsolute(xdg) ? xdg : p.join(home, '.config');
}

/** The database the app opens, and the CLI by default: RAMPART_DB, else <appData>/rampart/rampart.sqlite3. */
export function defaultDbFile(loc: LocationEnv = {}): string {
  const env = loc.env ?? process.env;
  if (env.RAMPART_DB) return env.RAMPART_DB;
  const p = (loc.platform ?? process.platform) === 'win32' ? path.win32 : path.posix;
  return p.join(appDataDir(loc), APP_NAME, DB_FILE_NAME);
}
