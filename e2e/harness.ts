// End-to-end harness: the built renderer (out/renderer) in a real browser, with `window.rampart`
// bridged to the same handler table the Electron main process uses, on a real SQLite file.
//
// Two modes:
//   - browser (default, what runs here): out/renderer is served on 127.0.0.1 by a tiny static
//     server and opened in Debian's Chromium through playwright-core. An init script builds
//     `window.rampart` with the preload's exact shape (one function per CHANNEL_METHODS entry plus
//     `onEvent`); each call goes through an exposed binding to `createHandlers(services).invoke`
//     in this (the test) process, and every `services.emit` event is pushed into the page.
//   - electron (RAMPART_E2E_ELECTRON=1): Playwright's `_electron.launch` starts the real app
//     (out/main/index.js) with RAMPART_DB pointing at the test's database; the real preload and
//     ipcMain do the bridging. UNTESTED HERE: no Electron binary can be downloaded in this
//     environment. Set ELECTRON_PATH to use a specific binary (default: the `electron` package's).
//
// Either way the test sees an `App`: a Playwright Page plus reload/restart/close, a list of
// problems (console errors, page errors, CSP violations, failed requests) the test must keep
// empty, and `call()` to query the backend through the page's own `window.rampart`.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, chromium, type Browser, type BrowserContext, type ElectronApplication, type Page } from 'playwright-core';
import type { Result } from '../src/shared/errors';
import { APP_CSP } from '../src/shared/csp';
import type { AppEvent } from '../src/shared/ipc/events';
import { CHANNEL_METHODS, channelName } from '../src/shared/ipc/names';
import { createHandlers } from '../src/main/handlers';
import type { RemediationTestHooks } from '../src/main/remediation/service';
import { createServices, type Services } from '../src/main/services';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'e2e', 'screenshots');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ELECTRON_MODE = process.env.RAMPART_E2E_ELECTRON === '1';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The CSP the Electron window sets as a response header (src/main/electron/window.ts), so the page runs under the same policy. */
export const CSP = APP_CSP;

const VIEWPORT = { width: 1280, height: 820 };

// ---------------------------------------------------------------------------------------------
// Build

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Makes sure out/ holds a build: runs `electron-vite build` when out/renderer/index.html (or, in
 * Electron mode, out/main/index.js) is missing; warns when the renderer sources are newer.
 */
export function ensureBuilt(): void {
  const needed = [join(RENDERER_DIR, 'index.html'), ...(ELECTRON_MODE ? [join(REPO_ROOT, 'out', 'main', 'index.js')] : [])];
  if (needed.every((f) => existsSync(f))) {
    const src = join(REPO_ROOT, 'src', 'renderer');
    if (newestMtime(src) > statSync(join(RENDERER_DIR, 'index.html')).mtimeMs)
      console.warn('[e2e] src/renderer is newer than out/renderer: run `npm run build` to test the current code.');
    return;
  }
  console.warn('[e2e] no build in out/: running `electron-vite build` (normally `npm run build` runs before `npm run test:e2e`).');
  const cli = join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, 'build'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 110_000 });
  if (r.status !== 0 || !needed.every((f) => existsSync(f)))
    throw new Error(`electron-vite build failed (exit ${r.status}); run \`npm run build\` and look at its output.\n${r.stderr ?? ''}${r.stdout ?? ''}`.slice(0, 4000));
}

// ---------------------------------------------------------------------------------------------
// Static server for out/renderer

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function mimeType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234/ */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `root` read-only on 127.0.0.1 (random port): GET/HEAD only, `/` is index.html, no
 * directory listings, and nothing outside `root` (`..`, encoded slashes, NUL bytes and symlinks
 * that leave the folder are refused).
 */
export async function serveStatic(root: string): Promise<StaticServer> {
  const realRoot = realpathSync(root);
  const inside = (p: string): boolean => p === realRoot || p.startsWith(realRoot + sep);
  const server: Server = createServer((req, res) => {
    const send = (status: number, text: string): void => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(405, 'method not allowed');
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      return send(400, 'bad request');
    }
    if (pathname.includes('\0') || pathname.includes('\\')) return send(400, 'bad request');
    const rel = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
    if (rel.split('/').includes('..')) return send(403, 'forbidden');
    const file = resolve(realRoot, rel);
    if (!inside(file)) return send(403, 'forbidden');
    let real: string;
    try {
      real = realpathSync(file);
      if (!inside(real)) return send(403, 'forbidden');
      if (!statSync(real).isFile()) return send(404, 'not found');
    } catch {
      return send(404, 'not found');
    }
    res.writeHead(200, {
      'Content-Type': mimeType(real),
      'Content-Length': statSync(real).size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...(real.endsWith('.html') ? { 'Content-Security-Policy': CSP } : {}),
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(real)
      .on('error', () => res.destroy())
      .pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The bridge: window.rampart in the page, handlers in this process

const INVOKE_BINDING = '__rampartInvoke';
const DELIVER_FN = '__rampartDeliver';
const EVENT_LOG = '__rampartEventLog';

/**
 * Init script (runs before any page script on every document): builds `window.rampart` exactly
 * like src/preload/index.ts does — `rampart.<domain>.<method>(request)` → Promise<Result>, and
 * `rampart.onEvent(listener)` → unsubscribe — over the exposed binding. It is a plain string so
 * that no transpiler helper can leak into the serialized function. Also reports CSP violations
 * as console errors (which the harness collects) and keeps a log of delivered events.
 */
const BRIDGE_SCRIPT = `(function (channels) {
  'use strict';
  var invoke = function (name, request) { return window[${JSON.stringify(INVOKE_BINDING)}](name, request); };
  var api = {};
  Object.keys(channels).forEach(function (domain) {
    var group = {};
    Object.keys(channels[domain]).forEach(function (method) {
      var name = channels[domain][method];
      group[method] = function (request) { return invoke(name, request); };
    });
    api[domain] = Object.freeze(group);
  });
  var listeners = [];
  api.onEvent = function (listener) {
    var wrapped = function (event) { listener(event); };
    listeners.push(wrapped);
    return function () { var i = listeners.indexOf(wrapped); if (i >= 0) listeners.splice(i, 1); };
  };
  var log = [];
  Object.defineProperty(window, 'rampart', { value: Object.freeze(api), enumerable: true });
  Object.defineProperty(window, ${JSON.stringify(EVENT_LOG)}, { value: log });
  Object.defineProperty(window, ${JSON.stringify(DELIVER_FN)}, {
    value: function (event) {
      log.push(event);
      listeners.slice().forEach(function (l) {
        try { l(event); } catch (e) { console.error('rampart event listener threw', e); }
      });
      return listeners.length;
    },
  });
  document.addEventListener('securitypolicyviolation', function (e) {
    console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' at ' + e.sourceFile + ':' + e.lineNumber);
  });
})`;

/** `{ domain: { method: 'domain:method' } }` from the shared name table. */
function channelTable(): Record<string, Record<string, string>> {
  const table: Record<string, Record<string, string>> = {};
  for (const [domain, methods] of Object.entries(CHANNEL_METHODS)) {
    table[domain] = Object.fromEntries(methods.map((m) => [m, channelName(domain, m)]));
  }
  return table;
}

/**
 * Delivers main → renderer events to the current page, one at a time and in order. Replies to
 * `window.rampart` calls wait until every earlier event was delivered, as Electron's single IPC
 * pipe guarantees. A test can pause delivery after a given event to look at an intermediate
 * screen (e.g. an audit in progress), then resume.
 */
class EventPipe {
  private queue: AppEvent[] = [];
  private pumping: Promise<void> | null = null;
  private pausePredicate: ((e: AppEvent) => boolean) | null = null;
  private paused = false;
  private resumeWaiters: Array<() => void> = [];
  private pausedWaiters: Array<() => void> = [];
  readonly delivered: AppEvent[] = [];
  page: Page | null = null;

  push(event: AppEvent): void {
    this.queue.push(event);
    this.kick();
  }

  private kick(): void {
    if (this.pumping) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.queue.length > 0) this.kick(); // pushed while the last pump was finishing
    });
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      if (this.paused) await new Promise<void>((r) => this.resumeWaiters.push(r));
      const event = this.queue.shift()!;
      const page = this.page;
      if (page && !page.isClosed()) {
        // Lost if the page is mid-reload, exactly as webContents.send would lose it.
        await page.evaluate(`window.${DELIVER_FN} && window.${DELIVER_FN}(${JSON.stringify(event)})`).catch(() => undefined);
      }
      this.delivered.push(event);
      if (this.pausePredicate?.(event)) {
        this.pausePredicate = null;
        this.paused = true;
        for (const w of this.pausedWaiters.splice(0)) w();
      }
    }
  }

  /** Resolves once every event queued so far has been delivered (waits while paused). */
  async drained(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  pauseAfter(predicate: (e: AppEvent) => boolean): void {
    this.pausePredicate = predicate;
  }

  /** Resolves when delivery paused (the predicate matched); rejects after `timeoutMs`. */
  whenPaused(timeoutMs = 30_000): Promise<void> {
    if (this.paused) return Promise.resolve();
    return new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => {
        this.pausedWaiters = this.pausedWaiters.filter((w) => w !== done);
        fail(new Error(`no matching event within ${timeoutMs} ms; delivered so far: ${JSON.stringify(this.delivered.slice(-5))}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        ok();
      };
      this.pausedWaiters.push(done);
    });
  }

  resume(): void {
    this.pausePredicate = null;
    this.paused = false;
    for (const w of this.resumeWaiters.splice(0)) w();
  }
}

// ---------------------------------------------------------------------------------------------
// The app under test

export interface AppEvents {
  /** Browser mode only: stop delivering events to the page right after the one `predicate` matches. */
  pauseAfter(predicate: (e: AppEvent) => boolean): void;
  /** Resolves once delivery is paused; rejects if no matching event arrives within `timeoutMs` (default 30 s). */
  whenPaused(timeoutMs?: number): Promise<void>;
  resume(): void;
  /** Events delivered to pages so far (browser mode; [] under Electron). */
  readonly delivered: readonly AppEvent[];
}

export interface App {
  readonly mode: 'browser' | 'electron';
  readonly page: Page;
  readonly dbFile: string;
  /** Console errors, uncaught page errors, CSP violations, failed or 4xx/5xx requests. */
  readonly problems: string[];
  readonly events: AppEvents;
  /** `window.rampart.<domain>.<method>(request)` evaluated in the page: the backend as the renderer sees it. */
  call<T = unknown>(domain: string, method: string, request?: unknown): Promise<Result<T>>;
  /** Events the current page's `window.rampart.onEvent` listeners received (browser mode; [] under Electron). */
  pageEvents(): Promise<AppEvent[]>;
  /** Reloads the page (same backend). */
  reload(): Promise<void>;
  /** Closes everything (page, browser, services / the Electron app) and starts again on the same database file. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  dbFile: string;
  /**
   * Browser mode only: test-only fault injection for the fix service (an object the test may
   * change between jobs). Under Electron the app's own services have none.
   */
  remediationTestHooks?: RemediationTestHooks;
}

function watchPage(page: Page, problems: string[]): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.push(`console.error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.stack ?? err.message}`));
  page.on('crash', () => problems.push('page crashed'));
  page.on('requestfailed', (req) => {
    // Requests cut off by a reload or close are not failures of the app.
    const reason = req.failure()?.errorText ?? 'failed';
    if (!/ERR_ABORTED/.test(reason)) problems.push(`request failed: ${req.url()} ${reason}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
}

async function waitForApp(page: Page): Promise<void> {
  await page.getByTestId('app-name').waitFor({ state: 'visible', timeout: 15_000 });
}

class BrowserApp implements App {
  readonly mode = 'browser' as const;
  readonly problems: string[] = [];
  private readonly pipe = new EventPipe();
  readonly events: AppEvents;
  private services: Services | null = null;
  private server: StaticServer | null = null;
  private browser: Browser | null = null;
  private context: BrowserContext | null = null;
  private currentPage: Page | null = null;

  constructor(
    readonly dbFile: string,
    private readonly remediationTestHooks?: RemediationTestHooks,
  ) {
    const pipe = this.pipe;
    this.events = {
      pauseAfter: (p) => pipe.pauseAfter(p),
      whenPaused: (timeoutMs) => pipe.whenPaused(timeoutMs),
      resume: () => pipe.resume(),
      get delivered() {
        return pipe.delivered;
      },
    };
  }

  get page(): Page {
    if (!this.currentPage) throw new Error('the app is not open');
    return this.currentPage;
  }

  async open(): Promise<void> {
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH).`);
    this.services = createServices({ dbFile: this.dbFile, emit: (event) => this.pipe.push(event), ...(this.remediationTestHooks ? { remediationTestHooks: this.remediationTestHooks } : {}) });
    const handlers = createHandlers(this.services);
    this.server = await serveStatic(RENDERER_DIR);
    // A fresh, throw-away profile every launch (Playwright's default for launch()).
    this.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    this.context = await this.browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, serviceWorkers: 'block' });
    // Nothing but the local renderer server: any other request is a bug (and is reported).
    const origin = new URL(this.server.url).origin;
    await this.context.route(
      (url) => url.origin !== origin,
      (route) => {
        this.problems.push(`request outside the app: ${route.request().url()}`);
        return route.abort('blockedbyclient');
      },
    );
    await this.context.exposeBinding(INVOKE_BINDING, async (_source, channel: unknown, request: unknown) => {
      const result = await handlers.invoke(String(channel), request);
      await this.pipe.drained();
      return result;
    });
    await this.context.addInitScript({ content: `${BRIDGE_SCRIPT}(${JSON.stringify(channelTable())});` });
    const page = await this.context.newPage();
    watchPage(page, this.problems);
    this.currentPage = page;
    this.pipe.page = page;
    await page.goto(this.server.url);
    await waitForApp(page);
  }

  call<T>(domain: string, method: string, request: unknown = {}): Promise<Result<T>> {
    return callInPage<T>(this.page, domain, method, request);
  }

  async pageEvents(): Promise<AppEvent[]> {
    return (await this.page.evaluate(`Array.from(window.${EVENT_LOG} || [])`)) as AppEvent[];
  }

  async reload(): Promise<void> {
    await this.pipe.drained();
    await this.page.reload();
    await waitForApp(this.page);
  }

  async restart(): Promise<void> {
    await this.close();
    await this.open();
  }

  async close(): Promise<void> {
    this.pipe.resume();
    this.pipe.page = null;
    const steps: Array<() => Promise<unknown> | unknown> = [
      () => this.context?.close(),
      () => this.browser?.close(),
      () => this.server?.close(),
      () => this.services?.close(),
    ];
    const errors: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (e) {
        errors.push(e);
      }
    }
    this.currentPage = null;
    this.context = null;
    this.browser = null;
    this.server = null;
    this.services = null;
    if (errors.length > 0) throw new AggregateError(errors, 'closing the e2e app failed');
  }
}

/**
 * The Electron executable: ELECTRON_PATH, else the one the `electron` package installed
 * (node_modules/electron/path.txt → dist/…). Resolved here rather than by Playwright, because
 * requiring the `electron` package without its binary starts a download.
 */
export function electronBinary(): string {
  const fromEnv = process.env.ELECTRON_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`ELECTRON_PATH=${fromEnv} does not exist.`);
    return fromEnv;
  }
  const pkg = join(REPO_ROOT, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const bin = rel ? join(pkg, 'dist', rel) : '';
  if (!bin || !existsSync(bin))
    throw new Error(
      'RAMPART_E2E_ELECTRON=1 needs an Electron binary: none is installed in node_modules/electron (ELECTRON_SKIP_BINARY_DOWNLOAD). ' +
        'Set ELECTRON_PATH to an Electron executable, or install the binary (node node_modules/electron/install.js) where downloads are allowed.',
    );
  return bin;
}

/** Untested in this environment (no Electron binary can be downloaded here). */
class ElectronApp implements App {
  readonly mode = 'electron' as const;
  readonly problems: string[] = [];
  readonly events: AppEvents = {
    pauseAfter: () => undefined,
    whenPaused: () => Promise.resolve(),
    resume: () => undefined,
    delivered: [],
  };
  private app: ElectronApplication | null = null;
  private currentPage: Page | null = null;

  constructor(readonly dbFile: string) {}

  get page(): Page {
    if (!this.currentPage) throw new Error('the app is not open');
    return this.currentPage;
  }

  async open(): Promise<void> {
    this.app = await _electron.launch({
      executablePath: electronBinary(),
      args: [join(REPO_ROOT, 'out', 'main', 'index.js')],
      cwd: REPO_ROOT,
      env: { ...(process.env as Record<string, string>), RAMPART_DB: this.dbFile },
    });
    const page = await this.app.firstWindow();
    watchPage(page, this.problems);
    await page.setViewportSize(VIEWPORT);
    this.currentPage = page;
    await waitForApp(page);
  }

  call<T>(domain: string, method: string, request: unknown = {}): Promise<Result<T>> {
    return callInPage<T>(this.page, domain, method, request);
  }

  pageEvents(): Promise<AppEvent[]> {
    return Promise.resolve([]);
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await waitForApp(this.page);
  }

  async restart(): Promise<void> {
    await this.close();
    await this.open();
  }

  async close(): Promise<void> {
    const app = this.app;
    this.app = null;
    this.currentPage = null;
    await app?.close();
  }
}

function callInPage<T>(page: Page, domain: string, method: string, request: unknown): Promise<Result<T>> {
  return page.evaluate(
    `window.rampart[${JSON.stringify(domain)}][${JSON.stringify(method)}](${JSON.stringify(request)})`,
  ) as Promise<Result<T>>;
}

/** Opens the app (browser or Electron mode) on `dbFile`. On failure everything started is closed again. */
export async function openApp(opts: OpenOptions): Promise<App> {
  const app = ELECTRON_MODE ? new ElectronApp(opts.dbFile) : new BrowserApp(opts.dbFile, opts.remediationTestHooks);
  try {
    await app.open();
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
  return app;
}

// ---------------------------------------------------------------------------------------------
// Screenshots

let shotSeq = 0;
let shotDir = SCREENSHOT_DIR;

/**
 * Empties the screenshot folder of one suite and restarts the numbering: e2e/screenshots/
 * (git-ignored) itself without `group` (its subfolders are left alone), e2e/screenshots/<group>/
 * with one, so suites running in any order never delete each other's screenshots.
 */
export function resetScreenshots(group?: string): void {
  shotDir = group ? join(SCREENSHOT_DIR, group.replace(/[^a-z0-9-]+/gi, '-')) : SCREENSHOT_DIR;
  mkdirSync(shotDir, { recursive: true });
  for (const entry of readdirSync(shotDir, { withFileTypes: true })) if (entry.isFile() && entry.name.endsWith('.png')) rmSync(join(shotDir, entry.name), { force: true });
  shotSeq = 0;
}

/** Saves a full-page screenshot as NN-name.png in the suite's screenshot folder and returns its path. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(shotDir, { recursive: true });
  const safe = name.replace(/[^a-z0-9-]+/gi, '-').replace(/^-+|-+$/g, '').toLowerCase();
  const file = join(shotDir, `${String(++shotSeq).padStart(2, '0')}-${safe}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}
