// Electron entry: the only place (with preload) that imports 'electron'. It builds the plain
// Node services, the handler table, and wires them to one locked-down window.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow, dialog } from 'electron';
import { RampartError } from '../../shared/errors';
import { EVENT_CHANNEL } from '../../shared/ipc/events';
import { createHandlers } from '../handlers';
import { createServices, type Services } from '../services';
import { defaultDbFile } from '../store/location';
import { electronDialogs } from './dialogs';
import { wireIpc } from './ipc';
import { printReportPdf } from './reportPdf';
import { createMainWindow } from './window';

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

app.enableSandbox();

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (ev) => ev.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

let services: Services | null = null;

async function start(): Promise<void> {
  await app.whenReady();
  // The same file the CLI uses by default (store/location.ts: Electron's userData for "rampart").
  const dbFile = defaultDbFile();
  if (dbFile !== ':memory:') fs.mkdirSync(path.dirname(dbFile), { recursive: true, mode: 0o700 });
  let win: BrowserWindow | null = null;
  try {
    services = createServices({
      dbFile,
      appVersion: app.getVersion(),
      emit: (event) => win?.webContents.send(EVENT_CHANNEL, event),
      printPdf: printReportPdf,
      dialogs: electronDialogs(() => win),
    });
  } catch (e) {
    const msg = e instanceof RampartError ? e.message : `Rampart could not open its database ${dbFile}: ${(e as Error).message}`;
    dialog.showErrorBox('Rampart cannot start', msg);
    app.exit(1);
    return;
  }
  const created = createMainWindow(outDir);
  win = created.win;
  wireIpc(createHandlers(services), win, created.appUrlPrefix);
}

app.on('window-all-closed', () => {
  services?.close();
  app.quit();
});

void start();
