// ipcMain wiring: only contract channels, only from our own window's main frame, every request
// validated by the shared handler table.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Handlers } from '../handlers';

export function isTrustedSender(event: IpcMainInvokeEvent, win: BrowserWindow, appUrlPrefix: string): boolean {
  const frame = event.senderFrame;
  if (event.sender !== win.webContents || !frame) return false;
  // Only the top-level frame of our own page, never an iframe or a navigated-away document.
  if (frame.parent !== null) return false;
  return frame.url.startsWith(appUrlPrefix);
}

export function wireIpc(handlers: Handlers, win: BrowserWindow, appUrlPrefix: string): () => void {
  for (const name of handlers.channels) {
    ipcMain.handle(name, async (event, request: unknown) => {
      if (!isTrustedSender(event, win, appUrlPrefix))
        return { ok: false, error: { code: 'VALIDATION', message: 'Request refused: it did not come from the Rampart window.' } };
      return handlers.invoke(name, request);
    });
  }
  return () => {
    for (const name of handlers.channels) ipcMain.removeHandler(name);
  };
}
