// The fix catalog, beside the check catalog: which fix resolves which check, and what a fix's
// verification re-runs (the check's collector sections, and every check that reads only those).
import { CHECKS } from '../audit/checks';
import type { CheckDef } from '../audit/checks/types';
import type { SectionName } from '../audit/facts';
import { ACCESS_FIXES } from './accessFixes';
import { CONTAINER_FIXES } from './composeFixes';
import { FILE_FIXES } from './fileFixes';
import { FIREWALL_FIX } from './firewallFixes';
import { SUDOERS_FIX } from './sudoersFixes';
import { UPDATES_FIX } from './updatesFixes';
import type { FixDef } from './types';

export const FIXES: readonly FixDef[] = [...FILE_FIXES, ...CONTAINER_FIXES, ...ACCESS_FIXES, FIREWALL_FIX, SUDOERS_FIX, UPDATES_FIX];

{
  const ids = new Set<string>();
  const checks = new Set<string>();
  for (const f of FIXES) {
    if (ids.has(f.id)) throw new Error(`two fixes have the id ${f.id}`);
    ids.add(f.id);
    for (const c of f.checkIds) {
      if (checks.has(c)) throw new Error(`two fixes claim the check ${c}`);
      if (!CHECKS.some((x) => x.id === c)) throw new Error(`fix ${f.id} names an unknown check ${c}`);
      checks.add(c);
    }
  }
}

export function fixForCheck(checkId: string): FixDef | null {
  return FIXES.find((f) => f.checkIds.includes(checkId)) ?? null;
}

export function fixById(id: string): FixDef | null {
  return FIXES.find((f) => f.id === id) ?? null;
}

/** Check ids that have a fix. */
export function fixableChecks(): string[] {
  return FIXES.flatMap((f) => [...f.checkIds]);
}

function checkDef(id: string): CheckDef<SectionName> {
  const c = CHECKS.find((x) => x.id === id);
  if (!c) throw new Error(`unknown check ${id}`);
  return c;
}

/** The collector sections these checks read (deduplicated, catalog order). */
export function sectionsFor(checkIds: readonly string[]): SectionName[] {
  const out: SectionName[] = [];
  for (const id of checkIds) for (const s of checkDef(id).requires) if (!out.includes(s)) out.push(s);
  return out;
}

/** Every check that can be evaluated from these sections alone: what a re-check evaluates. */
export function checksOver(sections: readonly SectionName[]): Array<CheckDef<SectionName>> {
  return CHECKS.filter((c) => c.requires.length > 0 && c.requires.every((s) => sections.includes(s)));
}
