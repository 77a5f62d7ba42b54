// The Settings store against answers that arrive out of order: the Settings screen's load (which
// reads the keychain, slow on a busy machine) can still be in flight when the user picks a theme.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Settings, SettingsView } from '../../shared/ipc/settings';
import type * as Api from './api';
import { flush, pending, take } from './testing/deferredApi';

vi.mock('./api', async (importOriginal) => ({ ...(await importOriginal<typeof Api>()), call: (await import('./testing/deferredApi')).deferredCall }));

const root = { dataset: {} as Record<string, string> };
let osDark = false;
const listeners: (() => void)[] = [];
vi.stubGlobal('document', { documentElement: root });
vi.stubGlobal('window', {
  matchMedia: () => ({
    get matches() {
      return osDark;
    },
    addEventListener: (_: string, fn: () => void) => listeners.push(fn),
  }),
});

const { useSettings } = await import('./settings');

const settings = (theme: Settings['theme']): Settings => ({ theme, retention: { keepRunsPerTarget: null, keepDays: null }, defaultFailOn: 'high' });
const view = (theme: Settings['theme']): SettingsView => ({
  settings: settings(theme),
  dbPath: '/tmp/x.sqlite3',
  dbBytes: 1,
  schemaVersion: 1,
  backupsDir: '/tmp',
  keychain: null,
  nativeDialogs: false,
});

describe('settings store', () => {
  beforeEach(async () => {
    pending.length = 0;
    osDark = false;
    const start = useSettings.getState().load();
    take('settings.get').resolve(view('dark'));
    await start;
    expect(root.dataset.colorScheme).toBe('dark');
  });
  afterEach(() => expect(pending).toEqual([]));

  it('a load that was in flight when the user picked a theme does not put the old theme back', async () => {
    const load = useSettings.getState().load({ keychain: true });
    const update = useSettings.getState().update({ theme: 'system' });
    expect(root.dataset.colorScheme).toBe('light'); // at once, before the answer
    take('settings.update').resolve(settings('system'));
    await update;
    take('settings.get').resolve({ ...view('dark'), keychain: { available: true, message: null, privateKeys: 1, passphrases: 0, sudoPasswords: 0, other: 0 } });
    await load;
    const state = useSettings.getState();
    expect(state.view?.settings.theme).toBe('system');
    expect(state.view?.keychain?.privateKeys).toBe(1); // the rest of what the load read is kept
    expect(root.dataset.theme).toBe('system');
    osDark = true;
    for (const fn of listeners) fn();
    expect(root.dataset.colorScheme).toBe('dark'); // "system" follows the OS again
  });

  it('a load with no change meanwhile applies what it read', async () => {
    const load = useSettings.getState().load();
    take('settings.get').resolve(view('light'));
    await load;
    expect(useSettings.getState().view?.settings.theme).toBe('light');
    expect(root.dataset.colorScheme).toBe('light');
  });

  it('two quick picks: the last one wins even when the first answer arrives last', async () => {
    const first = useSettings.getState().update({ theme: 'light' });
    const second = useSettings.getState().update({ theme: 'system' });
    osDark = true;
    const [a, b] = [take('settings.update'), take('settings.update')];
    b.resolve(settings('system'));
    await second;
    a.resolve(settings('light'));
    await first;
    expect(useSettings.getState().view?.settings.theme).toBe('system');
    expect(root.dataset.colorScheme).toBe('dark');
  });

  it('a refused change puts the stored theme back', async () => {
    const update = useSettings.getState().update({ theme: 'light' });
    expect(root.dataset.colorScheme).toBe('light');
    take('settings.update').reject(new Error('refused'));
    await expect(update).rejects.toThrow('refused');
    await flush();
    expect(useSettings.getState().view?.settings.theme).toBe('dark');
    expect(root.dataset.colorScheme).toBe('dark');
  });
});
