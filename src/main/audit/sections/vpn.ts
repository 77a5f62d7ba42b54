// Collector sections for the VPN facts: WireGuard configs (/etc/wireguard/*.conf), the live
// WireGuard state (`wg show all dump`) and the host profile's VPN settings.
//
// Keys never leave the host: the config filter prints PrivateKey/PresharedKey as "(set)" and
// every key it does not know as "(omitted)", and the dump filter replaces the private key of each
// interface line and the preshared key of each peer line, in awk on the host. If awk is missing
// the pipeline prints nothing at all.
import type { Section, SectionName } from '../facts';
import { parseInterfaces } from '../parsers/interfaces';
import type { RawSection } from '../parsers/sections';
import { sectionFrom } from '../parsers/sectionResult';
import { parseWireguardConfigs, parseWireguardDump, type WireguardConfigFacts, type WireguardRuntimeFacts } from '../parsers/wireguard';
import { shQuote } from '../../ssh/quote';
import { defineSection, type CollectContext, type SectionSpec } from './types';

/** The host profile's VPN settings (Host.vpnOnly / vpnInterface / vpnSubnet). */
export interface VpnProfile {
  /** The host must be reached through the VPN only. */
  vpnOnly: boolean;
  /** e.g. 'wg0'. */
  interface: string | null;
  /** e.g. '10.77.0.0/24'. */
  subnet: string | null;
}

/**
 * Proposed CollectContext field (not there yet): the collector copies the host profile's VPN
 * settings into it. Until it exists the vpnProfile fact is not-applicable.
 */
export interface VpnCollectContext {
  vpn?: { only: boolean; interface?: string | null; subnet?: string | null };
}

declare module '../facts' {
  interface HostFacts {
    /** /etc/wireguard/*.conf without key material. */
    wireguardConfigs: Section<WireguardConfigFacts>;
    /** `wg show all dump` without key material. */
    wireguardRuntime: Section<WireguardRuntimeFacts>;
    /** From the host profile (collect context), not from the host. */
    vpnProfile: Section<VpnProfile>;
  }
}

const AWK_WG_CONF = `
{ sub(/\\r$/, "") }
/^[ \\t]*#/ { next }
/^[ \\t]*\\[[A-Za-z]+\\][ \\t]*$/ { l=$0; gsub(/[ \\t]/, "", l); print l; next }
/^[ \\t]*[A-Za-z]+[ \\t]*=/ {
  k=$0; sub(/[ \\t]*=.*$/, "", k); sub(/^[ \\t]+/, "", k); lk=tolower(k)
  v=$0; sub(/^[^=]*=[ \\t]*/, "", v); sub(/[ \\t]*#.*$/, "", v)
  if (lk == "privatekey" || lk == "presharedkey") print k " = (set)"
  else if (lk ~ /^(address|listenport|allowedips|endpoint|publickey|persistentkeepalive|table|saveconfig|dns|mtu|fwmark)$/) print k " = " v
  else print k " = (omitted)"
}`;

const WG_CONF = `d=/etc/wireguard
if [ ! -e "$d" ]; then echo "@dir-absent"; exit 0; fi
if [ ! -r "$d" ] || [ ! -x "$d" ]; then echo "@dir-unreadable"; exit 0; fi
# One stat for the folder and every file ("MODE OWNER GROUP SIZE PATH", the folder first), not one
# per file.
set --
for f in "$d"/*.conf; do [ -e "$f" ] && set -- "$@" "$f"; done
wg_st=$(stat -c '%a %U %G %s %n' "$d" "$@" 2>/dev/null)
wg_first=1
while IFS= read -r l; do
  [ -n "$l" ] || continue
  if [ -n "$wg_first" ]; then wg_first=; echo "@dir \${l% * *}"; continue; fi
  f=\${l#* * * * }
  echo "@file $l"
  if [ -r "$f" ]; then awk ${shQuote(AWK_WG_CONF)} "$f"; else echo "@unreadable"; fi
  echo "@end"
done <<EOF
$wg_st
EOF
exit 0`;

const AWK_WG_DUMP = `BEGIN { FS="\\t"; OFS="\\t" }
NF == 5 { $2 = "(hidden)"; print; next }
NF == 9 { if ($3 != "(none)") $3 = "(set)"; print; next }
NF > 1 { next }
{ print }`;

// The clock comes from the filter's awk (srand() returns the time of day the first call set;
// date only if that looks wrong): one process fewer.
const WG_DUMP = `if ! command -v wg >/dev/null 2>&1; then echo "@now $(date +%s)"; echo "@wg-absent"; exit 0; fi
{ $T wg show all dump 2>&1; rc=$?; echo; echo "@rc $rc"; } | awk ${shQuote(`BEGIN { srand(); now = srand(); if (now < 1000000000) { "date +%s" | getline now }; print "@now " now }
${AWK_WG_DUMP}`)}
exit 0`;

export const VPN_SCRIPTS = { WG_CONF, WG_DUMP } as const;

const secsh = (name: string, code: string): string => `secsh ${name} ${shQuote(code)}`;

/** The vpnProfile fact from the collect context (see VpnCollectContext). */
export function vpnProfileFrom(ctx: CollectContext): Section<VpnProfile> {
  const vpn = (ctx as CollectContext & VpnCollectContext).vpn;
  if (!vpn) return { ok: false, status: 'not-applicable', message: 'the audit was not given the host profile’s VPN settings' };
  if (!vpn.only) return { ok: false, status: 'not-applicable', message: 'the host profile is not VPN-only' };
  return { ok: true, value: { vpnOnly: true, interface: vpn.interface ?? null, subnet: vpn.subnet ?? null } };
}

/**
 * `wg show all` also lists userspace (wireguard-go) interfaces of other network namespaces, since
 * their control sockets share /run/wireguard. Keep the interfaces `ip link` shows in this one
 * (when it could be read); on an ordinary host that is all of them.
 */
function onlyLocal(rt: WireguardRuntimeFacts, links: RawSection | undefined): WireguardRuntimeFacts {
  if (!links || links.exitCode !== 0) return rt;
  let names: Set<string>;
  try {
    names = new Set(parseInterfaces(links.body).map((i) => i.name));
  } catch {
    return rt;
  }
  if (!names.size) return rt;
  return { ...rt, interfaces: rt.interfaces.filter((i) => names.has(i.name)) };
}

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [
  defineSection({
    fact: 'wireguardConfigs',
    costMs: 45,
    script: () => secsh('vpn_wg_conf', WG_CONF),
    parse: ({ raw, uid }) => sectionFrom(raw.get('vpn_wg_conf'), 'WireGuard configs', uid, (body) => parseWireguardConfigs(body, uid)),
  }),
  defineSection({
    fact: 'wireguardRuntime',
    costMs: 40,
    script: () => secsh('vpn_wg_dump', WG_DUMP),
    parse: ({ raw, uid }) => sectionFrom(raw.get('vpn_wg_dump'), 'wg show', uid, (body) => onlyLocal(parseWireguardDump(body, uid), raw.get('net_interfaces'))),
  }),
  defineSection({
    fact: 'vpnProfile',
    script: () => '',
    parse: ({ ctx }) => vpnProfileFrom(ctx),
  }),
];
