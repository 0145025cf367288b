#!/usr/bin/env bash
# Installs what meriMeet needs to build, run and test, and only what is
# missing, so it is cheap to run again. Used by start.sh, test.sh and CI.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/setup.sh [--help]

Installs, idempotently, what meriMeet needs on Debian 12 (or a close relative):
  1. Debian packages, only if one is missing (one `apt-get update`, then
     `apt-get install`; via sudo when not root):
       build-essential python3 libsecret-1-dev   native modules (keytar, better-sqlite3)
       gnome-keyring dbus dbus-x11 libsecret-tools   a real OS keychain in tests
       chromium                                  real WebRTC in headless tests
       firefox-esr                               a Firefox guest in the mixed-browser e2e specs
       coturn iproute2                           TURN relay, loopback network namespaces
       janus                                     the SFU (VideoRoom) of large meetings, in the SFU tests
       espeak-ng sox                             speech and noise for the audio bench (noise suppression)
       postgresql nats-server haproxy            the cluster suite's database, bus and load balancer
  2. npm dependencies (`npm ci`), when node_modules is missing or older than
     package-lock.json.
  3. Makes sure no system Janus service is left running or enabled: the tests
     start their own Janus with their own config, and a packaged one would
     hold the default ports with Debian's example config.

Requires Node.js >= 20.19 (with npm). Sets npm_config_nodedir=/usr when Node's
headers are installed there, so native modules build without downloading them.

Options:
  -h, --help   show this help and exit
USAGE
}

for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    *) printf 'setup.sh: unknown option: %s\n\n' "$arg" >&2; usage >&2; exit 2 ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- Node.js ---------------------------------------------------------------
# Checked first: nothing below is useful without it. (Debian 12's own nodejs
# package is 18.x, too old, so we do not install it.)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  die "Node.js >= 20.19 with npm is required and was not found on PATH.
       Install it (https://nodejs.org/, or NodeSource's Debian packages) and run this again."
fi
if ! node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1);
'; then
  die "Node.js >= 20.19 is required; this is $(node --version) at $(command -v node).
       Install a newer Node.js (https://nodejs.org/) and run this again."
fi

# --- Debian packages ---------------------------------------------------------
packages=(
  build-essential python3 libsecret-1-dev
  gnome-keyring dbus dbus-x11 libsecret-tools
  chromium firefox-esr
  coturn iproute2
  janus
  espeak-ng sox
  postgresql nats-server haproxy
)

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for package in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
  done

  if ((${#missing[@]} > 0)); then
    as_root=()
    if [[ "$(id -u)" -ne 0 ]]; then
      command -v sudo >/dev/null 2>&1 ||
        die "missing Debian packages (${missing[*]}) and not root, and sudo is not installed.
       Install them as root: apt-get install ${missing[*]}"
      as_root=(sudo)
    fi
    log "installing Debian packages: ${missing[*]}"
    ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update
    ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "${missing[@]}"
    # Without systemd, a package's init script may start its system-wide daemon
    # on install. The tests start their own on loopback; stop those.
    for service in postgresql haproxy nats-server; do
      if command -v service >/dev/null 2>&1 && service "$service" status >/dev/null 2>&1; then
        log "stopping the system $service that its package started (tests run their own)"
        ${as_root[@]+"${as_root[@]}"} service "$service" stop
      fi
    done
  else
    log "Debian packages: all present"
  fi
else
  log "warning: dpkg-query not found (not a Debian system?); make sure these are installed:"
  log "  ${packages[*]}"
fi

# --- No system Janus ---------------------------------------------------------
# Debian's janus package enables janus.service and may start it (CI machines
# have no policy-rc.d to stop that). The tests and deployments run Janus with
# their own hardened config, so the packaged service is stopped and disabled.
stop_system_janus() {
  local as_root=()
  [[ "$(id -u)" -eq 0 ]] || as_root=(sudo)
  if command -v systemctl >/dev/null 2>&1 && systemctl list-unit-files janus.service >/dev/null 2>&1 &&
     [[ -d /run/systemd/system ]]; then
    ${as_root[@]+"${as_root[@]}"} systemctl disable --now janus.service >/dev/null 2>&1 ||
      log "warning: could not stop and disable janus.service"
  elif [[ -x /etc/init.d/janus ]]; then
    # Not running is fine; what matters is that it does not start at boot either.
    ${as_root[@]+"${as_root[@]}"} /etc/init.d/janus stop >/dev/null 2>&1 || log "janus init script: not running"
    if command -v update-rc.d >/dev/null 2>&1; then
      ${as_root[@]+"${as_root[@]}"} update-rc.d janus disable >/dev/null 2>&1 || log "warning: update-rc.d janus disable failed"
    fi
  fi
  # Whatever the init system, a janus that runs with the system config is the package's.
  local pid
  for pid in $(pgrep -x janus 2>/dev/null || true); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qv -- ' -F '; then
      log "stopping the system janus (pid $pid)"
      ${as_root[@]+"${as_root[@]}"} kill "$pid" || log "warning: could not stop janus pid $pid"
    fi
  done
}
if command -v janus >/dev/null 2>&1; then
  stop_system_janus
fi

# --- npm dependencies --------------------------------------------------------
# node-gyp would otherwise try to download Node's headers (impossible on
# offline build machines); Debian's nodejs-dev/libnode-dev put them in /usr.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node.h ]]; then
  export npm_config_nodedir=/usr
fi

# npm writes node_modules/.package-lock.json on every install: if
# package-lock.json is newer, the installed tree may be stale.
if [[ ! -d node_modules || ! -f node_modules/.package-lock.json ||
      package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm dependencies (npm ci)"
  npm ci
else
  log "npm dependencies: up to date"
fi
