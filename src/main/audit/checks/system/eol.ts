// End-of-life dates of the distributions Rampart knows. "End of life" is the last day the
// distribution itself publishes security updates for the release: for Debian the end of LTS
// (from Debian 12 on, LTS updates ship in the usual -security suite), for Ubuntu the end of
// standard support (Expanded Security Maintenance needs an Ubuntu Pro subscription, which the
// remediation mentions), for Alpine the end of the branch's security fixes.
// Sources: https://wiki.debian.org/LTS, https://ubuntu.com/about/release-cycle,
// https://alpinelinux.org/releases/ (dates as published; planned dates for current releases).

export interface EolEntry {
  /** ISO date (UTC) of the last day of security support. */
  eol: string;
  name: string;
}

export const EOL_TABLE: Readonly<Record<string, Readonly<Record<string, EolEntry>>>> = {
  debian: {
    '7': { eol: '2018-05-31', name: 'Debian 7 (wheezy)' },
    '8': { eol: '2020-06-30', name: 'Debian 8 (jessie)' },
    '9': { eol: '2022-06-30', name: 'Debian 9 (stretch)' },
    '10': { eol: '2024-06-30', name: 'Debian 10 (buster)' },
    '11': { eol: '2026-08-31', name: 'Debian 11 (bullseye)' },
    '12': { eol: '2028-06-30', name: 'Debian 12 (bookworm)' },
    '13': { eol: '2030-06-30', name: 'Debian 13 (trixie)' },
  },
  ubuntu: {
    '14.04': { eol: '2019-04-30', name: 'Ubuntu 14.04 LTS' },
    '16.04': { eol: '2021-04-30', name: 'Ubuntu 16.04 LTS' },
    '18.04': { eol: '2023-05-31', name: 'Ubuntu 18.04 LTS' },
    '20.04': { eol: '2025-05-31', name: 'Ubuntu 20.04 LTS' },
    '20.10': { eol: '2021-07-22', name: 'Ubuntu 20.10' },
    '21.04': { eol: '2022-01-20', name: 'Ubuntu 21.04' },
    '21.10': { eol: '2022-07-14', name: 'Ubuntu 21.10' },
    '22.04': { eol: '2027-06-01', name: 'Ubuntu 22.04 LTS' },
    '22.10': { eol: '2023-07-20', name: 'Ubuntu 22.10' },
    '23.04': { eol: '2024-01-25', name: 'Ubuntu 23.04' },
    '23.10': { eol: '2024-07-11', name: 'Ubuntu 23.10' },
    '24.04': { eol: '2029-05-31', name: 'Ubuntu 24.04 LTS' },
    '24.10': { eol: '2025-07-10', name: 'Ubuntu 24.10' },
    '25.04': { eol: '2026-01-15', name: 'Ubuntu 25.04' },
    '25.10': { eol: '2026-07-09', name: 'Ubuntu 25.10' },
    '26.04': { eol: '2031-05-31', name: 'Ubuntu 26.04 LTS' },
  },
  alpine: {
    '3.15': { eol: '2023-11-01', name: 'Alpine 3.15' },
    '3.16': { eol: '2024-05-23', name: 'Alpine 3.16' },
    '3.17': { eol: '2024-11-22', name: 'Alpine 3.17' },
    '3.18': { eol: '2025-05-09', name: 'Alpine 3.18' },
    '3.19': { eol: '2025-11-01', name: 'Alpine 3.19' },
    '3.20': { eol: '2026-04-01', name: 'Alpine 3.20' },
    '3.21': { eol: '2026-11-01', name: 'Alpine 3.21' },
    '3.22': { eol: '2027-05-01', name: 'Alpine 3.22' },
  },
};

/** The table entry for an os-release ID / VERSION_ID ("12", "22.04", Alpine "3.19.1" → "3.19"). */
export function eolEntry(id: string | null, versionId: string | null): EolEntry | null {
  if (!id || !versionId) return null;
  const table = EOL_TABLE[id.toLowerCase()];
  if (!table) return null;
  const v = versionId.trim();
  if (table[v]) return table[v];
  const major = id.toLowerCase() === 'debian' ? v.split('.')[0]! : v.split('.').slice(0, 2).join('.');
  return table[major] ?? null;
}

/** Milliseconds at the end (23:59:59 UTC) of an ISO date. */
export function endOfDay(iso: string): number {
  return Date.parse(`${iso}T23:59:59Z`);
}
