// The e2e harness itself: the static server serves out/renderer and nothing else, and the bridge
// gives the page the same `window.rampart` shape as src/preload/index.ts. No lab host needed.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_METHODS } from '../src/shared/ipc/names';
import { CSP, ELECTRON_MODE, ensureBuilt, mimeType, openApp, serveStatic, type App, type StaticServer } from './harness';

/** A raw GET: the path is sent exactly as given (no URL normalization as fetch would do). */
function get(base: string, path: string, method = 'GET'): Promise<{ status: number; type: string; csp: string; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest({ host: hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolvePromise({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          csp: String(res.headers['content-security-policy'] ?? ''),
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server for the built renderer', () => {
  let root = '';
  let server: StaticServer;

  beforeAll(async () => {
    // <tmp>/site is served; <tmp>/secret.txt sits next to it.
    const tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-static-'));
    root = join(tmp, 'site');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(tmp, 'secret.txt'), 'SECRET');
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'export {};');
    writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
    symlinkSync(join(tmp, 'secret.txt'), join(root, 'assets', 'link.txt'));
    server = await serveStatic(root);
  });

  afterAll(async () => {
    await server?.close();
    if (root) rmSync(join(root, '..'), { recursive: true, force: true });
  });

  it('listens on loopback only and serves files with their MIME types; HTML gets the app CSP', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await get(server.url, '/');
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', csp: CSP });
    expect(await get(server.url, '/index.html')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(await get(server.url, '/assets/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'export {};' });
    expect(await get(server.url, '/assets/app.css?v=1')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(mimeType('x.woff2')).toBe('font/woff2');
    expect(mimeType('x.unknown')).toBe('application/octet-stream');
  });

  it('refuses everything outside the folder, directories, other methods and malformed paths', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const r = await get(server.url, path);
      expect([400, 403, 404], path).toContain(r.status);
      expect(r.body, path).not.toContain('SECRET');
    }
    expect((await get(server.url, '/assets/link.txt')).status).toBe(403); // symlink leaving the root
    expect((await get(server.url, '/assets')).status).toBe(404);
    expect((await get(server.url, '/assets/')).status).toBe(404);
    expect((await get(server.url, '/nope.js')).status).toBe(404);
    expect((await get(server.url, '/%E0%A4%A')).status).toBe(400);
    expect((await get(server.url, '/index.html%00.js')).status).toBe(400);
    expect((await get(server.url, '/', 'POST')).status).toBe(405);
  });
});

describe('window.rampart in the page', () => {
  let tmp = '';
  let app: App | null = null;

  beforeAll(async () => {
    ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-bridge-'));
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3') });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('has the preload shape: one function per CHANNEL_METHODS entry, plus onEvent; no Node', async () => {
    const page = app!.page;
    const shape = (await page.evaluate(`(() => {
      const r = window.rampart;
      const out = {};
      for (const k of Object.keys(r)) out[k] = typeof r[k] === 'function' ? 'function' : Object.fromEntries(Object.keys(r[k]).map((m) => [m, typeof r[k][m]]));
      return out;
    })()`)) as Record<string, unknown>;
    const expected: Record<string, unknown> = { onEvent: 'function' };
    for (const [domain, methods] of Object.entries(CHANNEL_METHODS)) expected[domain] = Object.fromEntries(methods.map((m) => [m, 'function']));
    expect(shape).toEqual(expected);
    expect(await page.evaluate(`typeof window.require + ' ' + typeof window.process + ' ' + typeof window.Buffer`)).toBe('undefined undefined undefined');
    expect(await page.evaluate(`typeof window.rampart.onEvent(() => {})`)).toBe('function');
    expect(app!.problems).toEqual([]);
  });

  it('answers with Result envelopes from the real handlers and database', async () => {
    const a = app!;
    expect(await a.call('hosts', 'list', {})).toEqual({ ok: true, data: [] });
    const info = await a.call<{ dbPath: string; schemaVersion: number }>('app', 'info', {});
    expect(info).toMatchObject({ ok: true, data: { dbPath: join(tmp, 'rampart.sqlite3') } });
    const bad = await a.call('hosts', 'add', { name: 'x', address: 'no spaces allowed', username: 'root' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const missing = await a.call('runs', 'get', { runId: 'does-not-exist' });
    expect(missing).toMatchObject({ ok: false });
    expect(a.problems).toEqual([]);
  });

  it.skipIf(ELECTRON_MODE)('CSP is enforced: inline script is refused and reported as a problem', async () => {
    const a = app!;
    await a.page.evaluate(`(() => { const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.body.appendChild(s); })()`);
    await expect.poll(() => a.problems.some((p) => /Content Security Policy|CSP violation/.test(p))).toBe(true);
    expect(await a.page.evaluate('window.__inlineRan === true')).toBe(false);
    a.problems.splice(0);
  });
});
