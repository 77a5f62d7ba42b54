// The kernel and network parameter checks (CIS Debian 12 1.5 and 3.3, and Lynis KRNL-6000), all on
// the kernelParams fact. One module per check.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import aslr from './aslr';
import dmesgRestrict from './dmesgRestrict';
import icmpBroadcasts from './icmpBroadcasts';
import icmpRedirects from './icmpRedirects';
import ipForward from './ipForward';
import ipv6AcceptRa from './ipv6AcceptRa';
import logMartians from './logMartians';
import protectedLinks from './protectedLinks';
import ptraceScope from './ptraceScope';
import rpFilter from './rpFilter';
import sendRedirects from './sendRedirects';
import sourceRoute from './sourceRoute';
import suidDumpable from './suidDumpable';
import tcpSyncookies from './tcpSyncookies';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  ipForward,
  icmpRedirects,
  sendRedirects,
  sourceRoute,
  rpFilter,
  logMartians,
  icmpBroadcasts,
  tcpSyncookies,
  ipv6AcceptRa,
  aslr,
  ptraceScope,
  suidDumpable,
  dmesgRestrict,
  protectedLinks,
] as ReadonlyArray<CheckDef<SectionName>>;
