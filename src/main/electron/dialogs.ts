// The native file dialogs (DialogService, src/main/dialogs.ts) on Electron's dialog module,
// attached to the app window so they are modal to it. Untested here: no Electron binary.
import { dialog, type BrowserWindow } from 'electron';
import type { DialogService } from '../dialogs';

export function electronDialogs(getWindow: () => BrowserWindow | null): DialogService {
  return {
    async saveFile(o) {
      const win = getWindow();
      const opts = { title: o.title, defaultPath: o.defaultName, filters: o.filters, properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const] };
      const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async openFile(o) {
      const win = getWindow();
      const opts = { title: o.title, filters: o.filters, properties: ['openFile' as const] };
      const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]!;
    },
  };
}
