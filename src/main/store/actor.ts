// Who made a triage change, for the finding's timeline: the local account running Rampart (the
// console has no user accounts of its own). Never a secret; "unknown" when the OS will not say.
import os from 'node:os';

export function localActor(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
