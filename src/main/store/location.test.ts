import { describe, expect, it } from 'vitest';
import { appDataDir, defaultDbFile } from './location';

describe('defaultDbFile: the folder Electron calls userData for "rampart"', () => {
  it('Linux: $XDG_CONFIG_HOME when absolute, else ~/.config', () => {
    expect(defaultDbFile({ env: {}, platform: 'linux', home: '/home/ada' })).toBe('/home/ada/.config/rampart/rampart.sqlite3');
    expect(defaultDbFile({ env: { XDG_CONFIG_HOME: '/x/cfg' }, platform: 'linux', home: '/home/ada' })).toBe('/x/cfg/rampart/rampart.sqlite3');
    // A relative XDG_CONFIG_HOME is invalid per the spec (Electron ignores it too).
    expect(appDataDir({ env: { XDG_CONFIG_HOME: 'cfg' }, platform: 'linux', home: '/home/ada' })).toBe('/home/ada/.config');
  });
  it('macOS and Windows', () => {
    expect(defaultDbFile({ env: {}, platform: 'darwin', home: '/Users/ada' })).toBe('/Users/ada/Library/Application Support/rampart/rampart.sqlite3');
    expect(defaultDbFile({ env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\ada' })).toBe('C:\\Users\\ada\\AppData\\Roaming\\rampart\\rampart.sqlite3');
  });
  it('RAMPART_DB overrides it for the app and the CLI alike', () => {
    expect(defaultDbFile({ env: { RAMPART_DB: '/tmp/x.sqlite3' }, platform: 'linux', home: '/home/ada' })).toBe('/tmp/x.sqlite3');
  });
});
