#!/usr/bin/env bash
# End-to-end tests: builds the web client, then runs Playwright (playwright.config.ts)
# inside a private network namespace whose only interface is loopback, so no
# call can reach (or be reached from) anything outside this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'USAGE'
Usage: bash scripts/e2e.sh [--no-build] [PLAYWRIGHT ARGS...]
       npm run test:e2e -- [--no-build] [PLAYWRIGHT ARGS...]

Builds the web client into dist/web, then runs the end-to-end suite (test/e2e)
in Debian's Chromium (/usr/bin/chromium, or $MERIMEET_CHROMIUM) with a fake
camera and microphone (the mixed-browser specs also in Debian's Firefox ESR,
/usr/bin/firefox-esr or $MERIMEET_FIREFOX, driven by puppeteer-core over WebDriver BiDi), against one real signaling server over wss, inside a
network namespace that has only loopback (`unshare -n`; needs root, or
unprivileged user namespaces). The TURN specs start coturn (`turnserver`, or
$MERIMEET_TURNSERVER) on loopback themselves.

  --no-build   reuse the existing dist/web
  --help       this text
Anything else goes to `playwright test`, e.g. `two-person-call` or `-g "wrong password"`.
USAGE
}

# Inside the namespace (re-entered below): bring loopback up, prove it is alone, run.
if [[ "${MERIMEET_E2E_NETNS:-}" == inside ]]; then
  ip link set lo up
  interfaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | sort | tr '\n' ' ')
  if [[ "$interfaces" != "lo " ]]; then
    echo "e2e: refusing to run: the network namespace has interfaces besides lo: $interfaces" >&2
    exit 1
  fi
  # Firefox gathers no ICE candidate at all without a default route; this one points back into
  # lo (nothing can leave: lo is the only interface). Chromium does not need it and is unaffected.
  ip route add default dev lo src 127.0.0.1
  echo "e2e: network namespace with only: $interfaces" >&2
  exec npx playwright test "$@"
fi

build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --help|-h) usage; exit 0 ;;
    --no-build) build=0 ;;
    *) args+=("$arg") ;;
  esac
done

chromium="${MERIMEET_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  echo "e2e: no Chromium at $chromium: apt-get install -y chromium (never \`npx playwright install\`)" >&2
  exit 1
fi

firefox="${MERIMEET_FIREFOX:-/usr/bin/firefox-esr}"
if [[ ! -x "$firefox" ]]; then
  echo "e2e: no Firefox at $firefox: apt-get install -y firefox-esr (scripts/setup.sh does); the firefox-* specs run a Firefox guest" >&2
  exit 1
fi

turnserver="${MERIMEET_TURNSERVER:-turnserver}"
if ! command -v "$turnserver" >/dev/null 2>&1; then
  echo "e2e: no coturn ($turnserver): apt-get install -y coturn (scripts/setup.sh does); the TURN specs run a real relay" >&2
  exit 1
fi

if [[ $build == 1 ]]; then
  if [[ "$(npm pkg get scripts.build:web)" != "{}" ]]; then npm run --silent build:web; else npx vite build; fi
fi

# Root makes a plain network namespace; anyone else needs a user namespace to be allowed one.
if [[ "$(id -u)" == 0 ]]; then unshare_flags=(-n); else unshare_flags=(-r -n); fi
if ! unshare "${unshare_flags[@]}" true 2>/dev/null; then
  echo "e2e: cannot create a private network namespace (unshare ${unshare_flags[*]} failed)." >&2
  echo "     The suite must run with loopback only; run it as root (as CI does), or enable" >&2
  echo "     unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)." >&2
  exit 1
fi
exec env MERIMEET_E2E_NETNS=inside unshare "${unshare_flags[@]}" -- bash "$0" "${args[@]}"
