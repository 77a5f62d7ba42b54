// Which IPC senders the main process answers. Kept free of runtime electron imports (types only)
// so it is unit-tested without an Electron binary.
import type { WebContents, WebFrameMain } from 'electron';

export interface SenderInfo {
  sender: WebContents | unknown;
  senderFrame: Pick<WebFrameMain, 'url' | 'parent'> | null;
}

/**
 * Only our own window's top-level frame, showing our own page: never an iframe, another
 * webContents, or a document the window was somehow navigated to.
 */
export function isTrustedSender(event: SenderInfo, appWebContents: unknown, appUrlPrefix: string): boolean {
  const frame = event.senderFrame;
  if (event.sender !== appWebContents || !frame) return false;
  if (frame.parent !== null) return false;
  if (frame.url === appUrlPrefix) return true;
  if (!frame.url.startsWith(appUrlPrefix)) return false;
  // An origin prefix ("http://localhost:5173/") covers its paths; a file prefix only its own
  // query or hash, so "index.html.evil.html" does not pass.
  return appUrlPrefix.endsWith('/') || /^[?#]/.test(frame.url.slice(appUrlPrefix.length));
}
