// A report's HTML → PDF inside the app: an offscreen, sandboxed window with JavaScript off (the
// page has none and must run none), no preload, no network (the page's CSP allows nothing to
// load), then webContents.printToPDF. The CLI and tests print with Chromium headless instead
// (src/main/reports/pdf.ts). Untested here: no Electron binary can be downloaded on these machines.
import { BrowserWindow } from 'electron';

export async function printReportPdf(html: string): Promise<Buffer> {
  const win = new BrowserWindow({
    show: false,
    webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, offscreen: true, webSecurity: true },
  });
  try {
    // Every navigation away from the report is refused (the page has no link, but be sure).
    win.webContents.on('will-navigate', (e) => e.preventDefault());
    win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
    return await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4', displayHeaderFooter: false });
  } finally {
    win.destroy();
  }
}
