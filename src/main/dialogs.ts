// Native file dialogs as a plain Node interface: the app implements it with Electron's dialog
// module (src/main/electron/dialogs.ts); the browser e2e bridge has none, and there the UI shows
// a typed-path field instead. Handlers take a file either from the dialog (app) or from the
// request's typed path (no dialog service) — never a typed path when a dialog exists, so in the
// app the file a handler writes is always one the user picked in the OS dialog.
import path from 'node:path';
import { RampartError } from '../shared/errors';

export interface FileFilter {
  name: string;
  /** Without the dot: ['html'], ['sqlite3', 'db']. */
  extensions: string[];
}

export interface SaveDialogOptions {
  title: string;
  /** The file name (or full path) the dialog proposes. */
  defaultName: string;
  filters: FileFilter[];
}

export interface OpenDialogOptions {
  title: string;
  filters: FileFilter[];
}

export interface DialogService {
  /** The chosen absolute path, or null when the user cancelled. */
  saveFile(o: SaveDialogOptions): Promise<string | null>;
  openFile(o: OpenDialogOptions): Promise<string | null>;
}

/**
 * The file a request works on: the dialog's choice when a dialog service exists (null: the
 * user cancelled), else the request's typed absolute path.
 */
export async function chooseFile(
  dialogs: DialogService | undefined,
  typedPath: string | undefined,
  mode: 'save' | 'open',
  o: SaveDialogOptions | OpenDialogOptions,
): Promise<string | null> {
  if (dialogs) {
    if (typedPath !== undefined)
      throw new RampartError('VALIDATION', 'path: The app picks files with its own file dialog; a typed path is not accepted.', { issues: [{ path: ['path'], message: 'Not accepted with a native file dialog' }] });
    return mode === 'save' ? dialogs.saveFile(o as SaveDialogOptions) : dialogs.openFile(o);
  }
  const p = typedPath?.trim();
  if (!p) throw new RampartError('VALIDATION', 'path: Type the full path of the file.', { issues: [{ path: ['path'], message: 'Required' }] });
  if (!path.isAbsolute(p)) throw new RampartError('VALIDATION', `path: "${p.slice(0, 200)}" is not an absolute path.`, { issues: [{ path: ['path'], message: 'Must be an absolute path' }] });
  return path.resolve(p);
}
