// The check catalog. Every check is one module; ids are stable forever.
import type { CheckDef } from './types';
import type { SectionName } from '../facts';
import { checks as access } from './access';
import { checks as backups } from './backups';
import { checks as containers } from './containers';
import { checks as cve } from './cve';
import { checks as hardening } from './hardening';
import { checks as kernel } from './kernel';
import { checks as mail } from './mail';
import { checks as network } from './network';
import { checks as permissions } from './permissions';
import { checks as proxy } from './proxy';
import { checks as secrets } from './secrets';
import { checks as segmentation } from './segmentation';
import { checks as ssh } from './ssh';
import { checks as system } from './system';
import { checks as vpn } from './vpn';

export const CHECKS: ReadonlyArray<CheckDef<SectionName>> = [
  ...ssh,
  ...secrets,
  ...permissions,
  ...containers,
  ...network,
  ...segmentation,
  ...proxy,
  ...access,
  ...system,
  ...kernel,
  ...hardening,
  ...backups,
  ...vpn,
  ...mail,
  ...cve,
];

const ids = new Set<string>();
for (const c of CHECKS) {
  if (ids.has(c.id)) throw new Error(`duplicate check id ${c.id}`);
  ids.add(c.id);
}
