// Collector section for the kernel and network parameters (CIS Debian 12 1.5 and 3.3): the values
// under /proc/sys read by the shell's own `read` builtin (no process at all, not a sysctl per key),
// plus the interfaces and files that explain IPv4 forwarding (Docker bridges, WireGuard), found by
// globs. Network keys are those of the collector's network namespace, i.e. the host's. Read-only.
import type { Section, SectionName } from '../facts';
import { KERNEL_PARAM_PATHS, parseKernelParams, type KernelParams } from '../parsers/kernel';
import { shQuote } from '../../ssh/quote';
import { defineSection, fromRaw, type SectionSpec } from './types';

declare module '../facts' {
  interface HostFacts {
    kernelParams: Section<KernelParams>;
  }
}

// One awk reads every value: the shell's `read` is no use here, because dash and busybox read a
// byte at a time and recent kernels answer a read of an integer sysctl at a non-zero offset with
// end of file (dash gets "4" of "4096"). mawk stops at the first file it cannot open, so only the
// readable ones are passed; keys a host does not have (no IPv6, no Yama) are simply absent, keys it
// has but hides from this user are printed as denied. Router-like interfaces are printed by name
// (veths once: a Docker host can have hundreds).
const KERNEL_SH = `
set --
for rk_k in ${KERNEL_PARAM_PATHS.join(' ')}; do
  if [ -r "/proc/sys/$rk_k" ]; then set -- "$@" "/proc/sys/$rk_k"
  elif [ -e "/proc/sys/$rk_k" ]; then printf 'denied\\t%s\\n' "$rk_k"; fi
done
[ $# -gt 0 ] && awk 'FNR == 1 { k = FILENAME; sub(/^\\/proc\\/sys\\//, "", k); printf "k\\t%s\\t%s\\n", k, $0 }' "$@"
rk_veth=
for rk_k in /proc/sys/net/ipv4/conf/*; do
  rk_k=\${rk_k##*/}
  case $rk_k in
    veth*) rk_veth=1 ;;
    docker*|br-*|wg*|virbr*|lxcbr*|lxdbr*|incusbr*|cni*|flannel*|cali*|cilium*|kube-*|weave*|podman*) printf 'if\\t%s\\n' "$rk_k" ;;
  esac
done
[ -n "$rk_veth" ] && printf 'if\\tveth\\n'
[ -S /var/run/docker.sock ] && printf 'hint\\tdocker-socket\\n'
[ -d /sys/module/wireguard ] && printf 'hint\\twireguard-module\\n'
for rk_k in /etc/wireguard/*.conf; do [ -e "$rk_k" ] && { printf 'hint\\twireguard-config\\n'; break; }; done
exit 0
`;

const kernelParams = defineSection({
  fact: 'kernelParams',
  costMs: 5,
  script: () => `secsh kernel_sysctl ${shQuote(KERNEL_SH)}`,
  parse: (p) => fromRaw(p.raw.get('kernel_sysctl'), 'kernel parameters (/proc/sys)', p, parseKernelParams),
});

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [kernelParams] as ReadonlyArray<SectionSpec<SectionName>>;
