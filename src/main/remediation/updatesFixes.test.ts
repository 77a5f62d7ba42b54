// The automatic-updates fix's edit: both APT::Periodic settings set in place or appended, every
// other byte kept, an empty/absent file created with the two lines.
import { describe, expect, it } from 'vitest';
import { PERIODIC_SETTINGS, setAptPeriodic } from './updatesFixes';

describe('automatic updates: 20auto-upgrades edit', () => {
  it('creates the two lines when the file is absent or empty', () => {
    expect(setAptPeriodic('', PERIODIC_SETTINGS)).toBe('APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n');
  });

  it('sets a value in place, keeping indentation, comments and other lines; appends what is missing', () => {
    const before = '// managed by hand\n  APT::Periodic::Unattended-Upgrade "0";\nAPT::Periodic::AutocleanInterval "7";\n';
    expect(setAptPeriodic(before, PERIODIC_SETTINGS)).toBe('// managed by hand\n  APT::Periodic::Unattended-Upgrade "1";\nAPT::Periodic::AutocleanInterval "7";\nAPT::Periodic::Update-Package-Lists "1";\n');
  });

  it('keeps CRLF endings and a file without a final newline gets one', () => {
    expect(setAptPeriodic('APT::Periodic::Update-Package-Lists "0";\r\nAPT::Periodic::Unattended-Upgrade "0";\r\n', PERIODIC_SETTINGS)).toBe('APT::Periodic::Update-Package-Lists "1";\r\nAPT::Periodic::Unattended-Upgrade "1";\r\n');
    expect(setAptPeriodic('APT::Periodic::Update-Package-Lists "1";', PERIODIC_SETTINGS)).toBe('APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n');
  });

  it('is idempotent, and leaves lines it does not understand alone (a hostile or nested setting is not rewritten)', () => {
    const once = setAptPeriodic('APT { Periodic { Unattended-Upgrade "0"; }; };\nAPT::Periodic::Unattended-Upgrade "0"; // "1"; $(reboot)\n', PERIODIC_SETTINGS);
    expect(once.split('\n').slice(0, 2)).toEqual(['APT { Periodic { Unattended-Upgrade "0"; }; };', 'APT::Periodic::Unattended-Upgrade "0"; // "1"; $(reboot)']);
    // Appended after them: the last value apt reads wins.
    expect(once.endsWith('APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n')).toBe(true);
    expect(setAptPeriodic(once, PERIODIC_SETTINGS)).toBe(once);
    expect(() => setAptPeriodic('', [['Unattended-Upgrade', '1"; X "']])).toThrow(/unexpected apt setting/);
  });
});
