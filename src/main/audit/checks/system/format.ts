// Shared bits of the system checks.
export const DEBIAN_SECURITY_REFS = ['https://www.debian.org/doc/manuals/securing-debian-manual/ch04s02.en.html'];
export const UNATTENDED_REFS = ['https://wiki.debian.org/UnattendedUpgrades', 'https://help.ubuntu.com/community/AutomaticSecurityUpdates'];

/** "2026-11-20 07:00 UTC" */
export function utc(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "3 days" / "5 hours" */
export function age(seconds: number): string {
  const h = Math.max(0, seconds) / 3600;
  if (h < 48) return `${Math.round(h)} hour${Math.round(h) === 1 ? '' : 's'}`;
  const d = Math.floor(h / 24);
  return `${d} days`;
}
