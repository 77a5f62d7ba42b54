// The one application window, locked down: isolated, sandboxed, no Node, strict CSP,
// no navigation, no new windows, no permissions.
import path from 'node:path';
import { BrowserWindow, session, shell } from 'electron';
import { APP_CSP } from '../../shared/csp';

export const CSP = APP_CSP;

export function createMainWindow(outDir: string): { win: BrowserWindow; appUrlPrefix: string } {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });

  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: 'Rampart',
    backgroundColor: '#11151c',
    icon: path.join(outDir, '..', 'resources', 'icon.png'),
    webPreferences: {
      preload: path.join(outDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });

  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const indexFile = path.join(outDir, 'renderer', 'index.html');
  const appUrlPrefix = devUrl ? new URL(devUrl).origin + '/' : 'file://' + indexFile.replace(/\\/g, '/');

  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.on('will-redirect', (e) => e.preventDefault());
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; nothing opens inside the app.
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());

  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(indexFile);
  return { win, appUrlPrefix };
}
