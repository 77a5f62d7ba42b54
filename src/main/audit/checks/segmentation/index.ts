// Network segmentation checks (issue 16 item 6): which containers share Docker networks, the
// default bridge, internal back-end networks, host-network containers and the firewall.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import backendNotInternal from './backendNotInternal';
import dbDefaultBridge from './dbDefaultBridge';
import hostNetworkFirewall from './hostNetworkFirewall';
import publishedSharesDb from './publishedSharesDb';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [publishedSharesDb, dbDefaultBridge, backendNotInternal, hostNetworkFirewall] as ReadonlyArray<CheckDef<SectionName>>;
