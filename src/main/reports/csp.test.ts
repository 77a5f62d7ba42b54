// The app's CSP allows the report style sheet by its hash (src/shared/csp.ts): the hash must be
// the sheet's, every copy of the policy must carry it, and a rendered report must carry no other
// inline style (a style attribute would be refused in the preview iframe).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillStore, NOW } from '../../../test/support/reportStore';
import { APP_CSP, REPORT_CSS_HASH } from '../../shared/csp';
import { REPORT_KINDS } from '../../shared/report';
import { buildReport } from './model';
import { REPORT_CSS, renderHtml } from './html';

describe('report style sheet and the app CSP', () => {
  it('REPORT_CSS_HASH is the sha256 of the report style sheet', () => {
    expect(REPORT_CSS_HASH).toBe(`sha256-${createHash('sha256').update(REPORT_CSS, 'utf8').digest('base64')}`);
  });
  it('the Electron header, the harness and index.html allow that sheet and no other inline style', () => {
    expect(APP_CSP).toContain(`style-src 'self' '${REPORT_CSS_HASH}';`);
    const index = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    expect(index).toContain(`style-src 'self' '${REPORT_CSS_HASH}';`);
    expect(APP_CSP).not.toMatch(/unsafe-inline|unsafe-hashes/);
    expect(readFileSync(new URL('../electron/window.ts', import.meta.url), 'utf8')).toContain('export const CSP = APP_CSP;');
  });
  it('every kind of report has exactly that one sheet and no style attribute', () => {
    const { store } = fillStore();
    for (const kind of REPORT_KINDS)
      for (const scope of [{ kind: 'fleet' as const }, { kind: 'host' as const, name: 'web-1' }]) {
        const html = renderHtml(buildReport(store, { kind, scope, now: NOW }));
        const sheets = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
        expect(sheets).toEqual([REPORT_CSS]);
        expect(html).not.toMatch(/\sstyle=/i);
      }
    store.close();
  });
});
