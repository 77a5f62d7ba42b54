// WireGuard: /etc/wireguard/*.conf (modes, owners, interface settings, peers and AllowedIPs) and
// `wg show all dump` (live interfaces, peers, latest handshakes). Private and preshared keys are
// replaced on the host, before anything leaves it (see sections/vpn.ts); the parsers below drop
// anything that still looks like one, as a second line of defence.
import { NeedsRootError } from './sectionResult';
import { outputExcerpt } from './excerpt';

export interface WgConfigPeer {
  publicKey: string | null;
  allowedIps: string[];
  endpoint: string | null;
  persistentKeepalive: number | null;
  hasPresharedKey: boolean;
}

export interface WgConfigFile {
  path: string;
  /** Interface name wg-quick gives it (file name without .conf). */
  name: string;
  /** Permission bits, e.g. 0o600. */
  mode: number;
  owner: string;
  group: string;
  /** The collector could read it (root, or a readable file). */
  readable: boolean;
  addresses: string[];
  listenPort: number | null;
  hasPrivateKey: boolean;
  saveConfig: boolean | null;
  /** Other [Interface] keys present (PostUp, PreDown …), values not collected. */
  otherKeys: string[];
  peers: WgConfigPeer[];
}

export interface WireguardConfigFacts {
  /** /etc/wireguard itself; null when it does not exist. */
  dir: { mode: number; owner: string; group: string } | null;
  files: WgConfigFile[];
}

export interface WgRuntimePeer {
  publicKey: string;
  hasPresharedKey: boolean;
  endpoint: string | null;
  allowedIps: string[];
  /** Unix seconds; 0 = never. */
  latestHandshake: number;
  rxBytes: number;
  txBytes: number;
  persistentKeepalive: number | null;
}

export interface WgRuntimeInterface {
  name: string;
  publicKey: string;
  listenPort: number | null;
  peers: WgRuntimePeer[];
}

export interface WireguardRuntimeFacts {
  /** `wg` is installed. */
  installed: boolean;
  /** Host clock (unix seconds) when the dump was taken, for handshake ages. */
  now: number | null;
  interfaces: WgRuntimeInterface[];
}

/** A WireGuard key: 32 bytes in base64. */
const KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Body: `@dir-absent` | `@dir-unreadable` | `@dir MODE OWNER GROUP`, then per file
 * `@file MODE OWNER GROUP SIZE PATH`, the filtered lines (or `@unreadable`), `@end`.
 */
export function parseWireguardConfigs(text: string, uid: number | null): WireguardConfigFacts {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.some((l) => l.trim() === '@dir-absent')) return { dir: null, files: [] };
  if (lines.some((l) => l.trim() === '@dir-unreadable')) {
    if (uid !== 0) throw new NeedsRootError('/etc/wireguard is readable by root only');
    throw new Error('/etc/wireguard could not be listed');
  }
  const dirLine = lines.map((l) => /^@dir ([0-7]{3,4}) (\S+) (\S+)$/.exec(l.trim())).find((m) => m);
  if (!dirLine) throw new Error(`unexpected WireGuard config section output: "${outputExcerpt(text, 120)}"`);
  const facts: WireguardConfigFacts = { dir: { mode: parseInt(dirLine[1]!, 8), owner: dirLine[2]!, group: dirLine[3]! }, files: [] };
  let file: WgConfigFile | null = null;
  let section: 'interface' | 'peer' | null = null;
  let peer: WgConfigPeer | null = null;
  for (const line of lines) {
    const t = line.trim();
    const fm = /^@file ([0-7]{3,4}) (\S+) (\S+) (\d+) (\/.+)$/.exec(t);
    if (fm) {
      const path = fm[5]!;
      file = {
        path,
        name: (path.split('/').pop() ?? path).replace(/\.conf$/, ''),
        mode: parseInt(fm[1]!, 8),
        owner: fm[2]!,
        group: fm[3]!,
        readable: true,
        addresses: [],
        listenPort: null,
        hasPrivateKey: false,
        saveConfig: null,
        otherKeys: [],
        peers: [],
      };
      facts.files.push(file);
      section = null;
      peer = null;
      continue;
    }
    if (!file) continue;
    if (t === '@unreadable') {
      file.readable = false;
      continue;
    }
    if (t === '@end') {
      file = null;
      continue;
    }
    const sm = /^\[(\w+)\]$/.exec(t);
    if (sm) {
      const s = sm[1]!.toLowerCase();
      section = s === 'interface' ? 'interface' : s === 'peer' ? 'peer' : null;
      if (section === 'peer') {
        peer = { publicKey: null, allowedIps: [], endpoint: null, persistentKeepalive: null, hasPresharedKey: false };
        file.peers.push(peer);
      }
      continue;
    }
    const kv = /^(\w+)\s*=\s*(.*)$/.exec(t);
    if (!kv || !section) continue;
    const key = kv[1]!.toLowerCase();
    const value = kv[2]!.trim();
    if (section === 'interface') {
      if (key === 'address') file.addresses.push(...splitList(value));
      else if (key === 'listenport') file.listenPort = /^\d+$/.test(value) ? Number(value) : null;
      else if (key === 'privatekey') file.hasPrivateKey = true;
      else if (key === 'saveconfig') file.saveConfig = /^(true|yes|1)$/i.test(value);
      else if (!file.otherKeys.includes(kv[1]!)) file.otherKeys.push(kv[1]!);
    } else if (peer) {
      if (key === 'publickey') peer.publicKey = KEY.test(value) ? value : null;
      else if (key === 'allowedips') peer.allowedIps.push(...splitList(value));
      else if (key === 'endpoint') peer.endpoint = value || null;
      else if (key === 'persistentkeepalive') peer.persistentKeepalive = /^\d+$/.test(value) ? Number(value) : null;
      else if (key === 'presharedkey') peer.hasPresharedKey = true;
    }
  }
  return facts;
}

/**
 * Body: `@now SECONDS`, then `@wg-absent`, or the filtered dump (interface lines with the private
 * key replaced by `(hidden)`, peer lines with the preshared key replaced by `(set)`/`(none)`),
 * error text, and `@rc N`.
 */
export function parseWireguardDump(text: string, uid: number | null): WireguardRuntimeFacts {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const nowLine = lines.map((l) => /^@now (\d+)$/.exec(l.trim())).find((m) => m);
  const now = nowLine ? Number(nowLine[1]) : null;
  if (lines.some((l) => l.trim() === '@wg-absent')) return { installed: false, now, interfaces: [] };
  const rcLine = lines.map((l) => /^@rc (\d+)$/.exec(l.trim())).find((m) => m);
  if (!rcLine) throw new Error('wg show all dump: output was cut off');
  const rc = Number(rcLine[1]);
  const errors = lines.filter((l) => l.trim() && !l.includes('\t') && !l.startsWith('@')).join(' ').trim();
  if (rc !== 0) {
    if (uid !== 0 && /operation not permitted|permission denied/i.test(errors)) throw new NeedsRootError(`wg show needs root: ${outputExcerpt(errors, 200)}`);
    throw new Error(`wg show all dump failed (exit ${rc}): ${outputExcerpt(errors, 200)}`);
  }
  const byName = new Map<string, WgRuntimeInterface>();
  for (const line of lines) {
    if (!line.includes('\t')) continue;
    const f = line.split('\t');
    if (f.length === 5) {
      // name, (hidden), public-key, listen-port, fwmark. Never keep a private key that slipped through.
      if (f[1] !== '(hidden)') continue;
      byName.set(f[0]!, { name: f[0]!, publicKey: f[2]!, listenPort: /^\d+$/.test(f[3]!) && f[3] !== '0' ? Number(f[3]) : null, peers: [] });
    } else if (f.length === 9) {
      const iface = byName.get(f[0]!);
      if (!iface || (f[2] !== '(none)' && f[2] !== '(set)')) continue;
      iface.peers.push({
        publicKey: f[1]!,
        hasPresharedKey: f[2] === '(set)',
        endpoint: f[3] === '(none)' ? null : f[3]!,
        allowedIps: f[4] === '(none)' ? [] : splitList(f[4]!),
        latestHandshake: Number(f[5]) || 0,
        rxBytes: Number(f[6]) || 0,
        txBytes: Number(f[7]) || 0,
        persistentKeepalive: f[8] === 'off' || !/^\d+$/.test(f[8]!) ? null : Number(f[8]),
      });
    }
  }
  return { installed: true, now, interfaces: [...byName.values()] };
}
