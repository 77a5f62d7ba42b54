// The Chromium-headless PDF printer (CLI, tests, bench): which binary it picks, and that the
// headless shell it prefers prints a real, tagged PDF of the page (checked with poppler).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium, htmlToPdfFile, NoChromiumError } from './pdf';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-pdf-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('findChromium', () => {
  it('takes RAMPART_CHROMIUM when it exists, and null (no fallback) when it does not', () => {
    const fake = path.join(dir, 'my-chrome');
    fs.writeFileSync(fake, '');
    expect(findChromium({ RAMPART_CHROMIUM: fake })).toBe(fake);
    expect(findChromium({ RAMPART_CHROMIUM: path.join(dir, 'missing') })).toBeNull();
  });

  it("prefers Debian's chromium-headless-shell (installed by scripts/setup.sh) over the full chromium", () => {
    // Both are installed here; the shell starts without the full browser (bench/report.ts).
    expect(fs.existsSync('/usr/bin/chromium')).toBe(true);
    expect(findChromium({})).toBe('/usr/lib/chromium/chromium-headless-shell');
  });
});

describe('htmlToPdfFile', () => {
  it('prints the page to a tagged PDF with its text and no header/footer', async () => {
    const out = path.join(dir, 'page.pdf');
    const html =
      '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title>' +
      '<style>h1{background:#f6f8fa}.p{break-before:page}</style></head>' +
      '<body><h1>Grade B report</h1><p>first page</p><p class="p">second page: ssh root login</p></body></html>';
    await htmlToPdfFile(html, out, { chromium: findChromium({}) });
    expect(fs.readFileSync(out).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const info = execFileSync('pdfinfo', [out], { encoding: 'utf8' });
    expect(info).toMatch(/^Pages:\s+2$/m);
    expect(info).toMatch(/^Tagged:\s+yes$/m); // accessible structure kept (no --disable-pdf-tagging)
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    expect(text).toContain('Grade B report');
    expect(text).toContain('second page: ssh root login');
    expect(text).not.toMatch(/file:\/\//); // no URL footer: --no-pdf-header-footer
  });

  it('says clearly when there is no Chromium, and writes nothing', async () => {
    const out = path.join(dir, 'none.pdf');
    await expect(htmlToPdfFile('<p>x</p>', out, { chromium: null })).rejects.toBeInstanceOf(NoChromiumError);
    await expect(htmlToPdfFile('<p>x</p>', out, { chromium: null })).rejects.toThrow(/apt-get install chromium-headless-shell/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
