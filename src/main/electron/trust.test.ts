import { describe, expect, it } from 'vitest';
import { isTrustedSender } from './trust';

const app = { id: 1 };
const other = { id: 2 };
const prefix = 'file:///opt/rampart/out/renderer/index.html';
const top = (url: string) => ({ url, parent: null });

describe('isTrustedSender', () => {
  it('accepts the app window top frame showing the app page (with hash or query)', () => {
    expect(isTrustedSender({ sender: app, senderFrame: top(prefix) }, app, prefix)).toBe(true);
    expect(isTrustedSender({ sender: app, senderFrame: top(prefix + '#/runs') }, app, prefix)).toBe(true);
    expect(isTrustedSender({ sender: app, senderFrame: top(prefix + '?x=1') }, app, prefix)).toBe(true);
  });
  it('refuses another webContents', () => {
    expect(isTrustedSender({ sender: other, senderFrame: top(prefix) }, app, prefix)).toBe(false);
  });
  it('refuses a subframe', () => {
    expect(isTrustedSender({ sender: app, senderFrame: { url: prefix, parent: {} as never } }, app, prefix)).toBe(false);
  });
  it('refuses a missing frame (destroyed or navigated)', () => {
    expect(isTrustedSender({ sender: app, senderFrame: null }, app, prefix)).toBe(false);
  });
  it('refuses other pages, including look-alike prefixes', () => {
    expect(isTrustedSender({ sender: app, senderFrame: top('https://evil.example/') }, app, prefix)).toBe(false);
    expect(isTrustedSender({ sender: app, senderFrame: top(prefix + '.evil.html') }, app, prefix)).toBe(false);
    expect(isTrustedSender({ sender: app, senderFrame: top('file:///tmp/index.html') }, app, prefix)).toBe(false);
  });
  it('dev server origin prefix', () => {
    const dev = 'http://localhost:5173/';
    expect(isTrustedSender({ sender: app, senderFrame: top('http://localhost:5173/') }, app, dev)).toBe(true);
    expect(isTrustedSender({ sender: app, senderFrame: top('http://localhost:5173/index.html#x') }, app, dev)).toBe(true);
    expect(isTrustedSender({ sender: app, senderFrame: top('http://localhost:51730/') }, app, dev)).toBe(false);
  });
});
