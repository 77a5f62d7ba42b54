// Shared helpers of the VPN checks.
import type { WgConfigFile } from '../../parsers/wireguard';

export const WG_REFS = ['https://www.wireguard.com/quickstart/', 'https://manpages.debian.org/bookworm/wireguard-tools/wg-quick.8.en.html'];

export function configResource(f: WgConfigFile): string {
  return `wireguard:${f.path}`;
}

export function modeText(mode: number): string {
  return mode.toString(8).padStart(3, '0');
}

/** A short, non-secret name for a peer: the first 8 characters of its public key. */
export function peerName(publicKey: string | null, index: number): string {
  return publicKey ? `${publicKey.slice(0, 8)}…` : `#${index + 1}`;
}
