// The check catalog. Every check is one module; ids are stable forever.
import maxAuthTries from './ssh/maxAuthTries';
import loginGraceTime from './ssh/loginGraceTime';
import passwordAuthentication from './ssh/passwordAuthentication';
import permitEmptyPasswords from './ssh/permitEmptyPasswords';
import permitRootLogin from './ssh/permitRootLogin';
import { weakCiphers, weakHostKeys, weakKex, weakMacs } from './ssh/weakAlgorithms';
import x11Forwarding from './ssh/x11Forwarding';
import type { CheckDef } from './types';
import type { SectionName } from '../facts';

export const CHECKS: ReadonlyArray<CheckDef<SectionName>> = [
  permitRootLogin,
  passwordAuthentication,
  permitEmptyPasswords,
  weakKex,
  weakCiphers,
  weakMacs,
  weakHostKeys,
  maxAuthTries,
  x11Forwarding,
  loginGraceTime,
] as ReadonlyArray<CheckDef<SectionName>>;

const ids = new Set<string>();
for (const c of CHECKS) {
  if (ids.has(c.id)) throw new Error(`duplicate check id ${c.id}`);
  ids.add(c.id);
}
