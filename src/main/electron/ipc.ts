// ipcMain wiring: only contract channels, only from our own window's main frame, every request
// validated by the shared handler table.
import { ipcMain, type BrowserWindow } from 'electron';
import type { Handlers } from '../handlers';
import { isTrustedSender } from './trust';

export function wireIpc(handlers: Handlers, win: BrowserWindow, appUrlPrefix: string): () => void {
  for (const name of handlers.channels) {
    ipcMain.handle(name, async (event, request: unknown) => {
      if (!isTrustedSender(event, win.webContents, appUrlPrefix))
        return { ok: false, error: { code: 'VALIDATION', message: 'Request refused: it did not come from the Rampart window.' } };
      return handlers.invoke(name, request);
    });
  }
  return () => {
    for (const name of handlers.channels) ipcMain.removeHandler(name);
  };
}
