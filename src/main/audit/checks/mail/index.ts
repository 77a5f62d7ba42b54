// The mail (Postfix) checks: open relay settings, queue size, STARTTLS, VRFY, banner. One module
// per check; all need the postfix fact and are not-applicable on hosts without Postfix.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import bannerVersion from './bannerVersion';
import mynetworks from './mynetworks';
import queueLarge from './queueLarge';
import relayRestrictions from './relayRestrictions';
import smtpdTls from './smtpdTls';
import vrfy from './vrfy';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  mynetworks,
  relayRestrictions,
  queueLarge,
  smtpdTls,
  vrfy,
  bannerVersion,
] as ReadonlyArray<CheckDef<SectionName>>;
