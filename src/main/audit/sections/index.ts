// Every collector section beyond the core (id, os-release, sshd -T), in script order.
import type { SectionName } from '../facts';
import { specs as access } from './access';
import { specs as backups } from './backups';
import { specs as containers } from './containers';
import { specs as cve } from './cve';
import { specs as files } from './files';
import { specs as hardening } from './hardening';
import { specs as kernel } from './kernel';
import { specs as mail } from './mail';
import { specs as mailStack } from './mailStack';
import { specs as network } from './network';
import { specs as proxy } from './proxy';
import { specs as system } from './system';
import type { SectionSpec } from './types';
import { specs as vpn } from './vpn';

export const SECTION_SPECS: ReadonlyArray<SectionSpec<SectionName>> = [...system, ...kernel, ...access, ...files, ...network, ...hardening, ...vpn, ...containers, ...proxy, ...backups, ...mail, ...mailStack, ...cve];

const facts = new Set<string>();
for (const s of SECTION_SPECS) {
  if (facts.has(s.fact)) throw new Error(`two collector sections produce the fact ${s.fact}`);
  facts.add(s.fact);
}
