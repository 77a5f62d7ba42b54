// Shared bits of the host-hardening checks (mounts, AppArmor, auditd, journald, password policy,
// cron, SUID, listeners, key rotation, encryption at rest, restore tests, service accounts).
import { loginDefs, type HostHardening } from '../../parsers/hardening';

/** CIS Debian Linux 12 v1.1.0, as the other checks name it. */
export const CIS = 'CIS Debian Linux 12 v1.1.0';

/** The first uid of a regular account (login.defs UID_MIN; 1000 when unset). */
export function uidMin(h: HostHardening): number {
  const v = Number(loginDefs(h).UID_MIN);
  return Number.isInteger(v) && v > 0 ? v : 1000;
}

export function days(s: number): number {
  return Math.floor(s / 86_400);
}
