// The ten sshd -T checks of the first slice: each one fails on the weak-ssh lab host, and the
// hardened one fails only PermitRootLogin (key-only root login, low). Shared by the lab tests.
export const SLICE_CHECK_IDS: readonly string[] = [
  'SSH-PERMIT-ROOT-LOGIN',
  'SSH-PASSWORD-AUTH',
  'SSH-PERMIT-EMPTY-PASSWORDS',
  'SSH-WEAK-KEX',
  'SSH-WEAK-CIPHERS',
  'SSH-WEAK-MACS',
  'SSH-WEAK-HOSTKEY-ALGORITHMS',
  'SSH-MAX-AUTH-TRIES',
  'SSH-X11-FORWARDING',
  'SSH-LOGIN-GRACE-TIME',
];
export const SLICE_CHECKS: ReadonlySet<string> = new Set(SLICE_CHECK_IDS);
