// The Settings screen's state and the theme. The theme is applied as data-theme on <html>
// (theme.css: "system" follows the OS through prefers-color-scheme), loaded at start and changed
// at once when the user picks another.
import { create } from 'zustand';
import type { Settings, SettingsUpdate, SettingsView, Theme } from '../../shared/ipc/settings';
import { call } from './api';
import './theme.css';

const darkQuery = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
let chosen: Theme = 'system';

function paint(): void {
  const dark = chosen === 'dark' || (chosen === 'system' && darkQuery?.matches === true);
  document.documentElement.dataset.theme = chosen;
  document.documentElement.dataset.colorScheme = dark ? 'dark' : 'light';
}
// "System" follows the OS as it changes (a scheduled dark mode at dusk), not only at start.
darkQuery?.addEventListener('change', paint);

export function applyTheme(theme: Theme): void {
  chosen = theme;
  paint();
}
paint();

export interface SettingsState {
  view: SettingsView | null;
  loading: boolean;
  error: string | null;
  /** With the keychain's counts only for the Settings screen (reading it may prompt to unlock it). */
  load(opts?: { keychain?: boolean }): Promise<void>;
  /** Throws ApiError (field errors stay in the form). */
  update(patch: SettingsUpdate): Promise<Settings>;
}

// Counts the user's changes: a load that was in flight when the user changed something must not
// put the settings it read before that change back (the theme would flip back to the old one).
let changes = 0;

export const useSettings = create<SettingsState>()((set, get) => ({
  view: null,
  loading: false,
  error: null,

  async load(opts = {}) {
    set({ loading: true });
    const changesBefore = changes;
    try {
      const loaded = await call('settings', 'get', opts.keychain ? { keychain: true } : {});
      const current = get().view;
      const stale = changes !== changesBefore && current !== null;
      const view = stale ? { ...loaded, settings: current.settings } : loaded;
      if (!stale) applyTheme(view.settings.theme);
      // A load without the keychain (the app's start) never hides counts a Settings load got.
      set({ view: { ...view, keychain: view.keychain ?? current?.keychain ?? null }, loading: false, error: null });
    } catch (e) {
      set({ loading: false, error: e instanceof Error ? e.message : String(e) });
    }
  },

  async update(patch) {
    // A radio (theme, fail-on) shows the choice at once, not after the round trip; a refused
    // change puts the stored value back.
    const mine = ++changes;
    const before = get().view;
    if (before) {
      set({ view: { ...before, settings: { ...before.settings, ...patch } as Settings } });
      if (patch.theme) applyTheme(patch.theme);
    }
    try {
      const settings = await call('settings', 'update', patch);
      // A later change (a second click before this answer) has the last word.
      if (changes !== mine) return settings;
      applyTheme(settings.theme);
      const view = get().view;
      if (view) set({ view: { ...view, settings } });
      return settings;
    } catch (e) {
      const view = get().view;
      if (before && view && changes === mine) {
        set({ view: { ...view, settings: before.settings } });
        applyTheme(before.settings.theme);
      }
      throw e;
    }
  },
}));
