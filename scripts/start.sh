#!/usr/bin/env bash
# Starts meriMeet: the desktop app when this machine can run Electron,
# otherwise the standalone signaling server with the web client.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/start.sh [--help] [SERVER OPTIONS...]

Installs what is missing (scripts/setup.sh), then starts meriMeet:

  * the desktop app (`npm start`) when an Electron binary is available and a
    display is there to show it, and no options were given;
  * otherwise the standalone signaling server (`npm run serve`), which serves
    the web client over https. Any SERVER OPTIONS are passed to it, e.g.
        scripts/start.sh --port 9443
    (giving options always means the server; see `npm run serve -- --help`).

The Electron binary is fetched on first use by the `electron` npm package; on
machines that cannot download it, point ELECTRON_OVERRIDE_DIST_PATH at a
directory holding an `electron` executable.

Options:
  -h, --help   show this help and exit
USAGE
}

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  usage
  exit 0
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'start: %s\n' "$*" >&2; }

bash scripts/setup.sh

# Prints the Electron executable and succeeds if it exists. require('electron')
# returns its path (under ELECTRON_OVERRIDE_DIST_PATH when set) and downloads
# it first if needed; its messages are silenced here, the outcome is explained below.
electron_binary() {
  local binary
  binary="$(node -e '
    console.log = (...args) => console.error(...args);
    process.stdout.write(require("electron"));
  ' 2>/dev/null)" || return 1
  [[ -n "$binary" && -x "$binary" ]] || return 1
  printf '%s\n' "$binary"
}

has_display() {
  [[ "$(uname -s)" != "Linux" || -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]
}

if (($# == 0)); then
  log "looking for the Electron binary (the electron package downloads it on first use)"
  if binary="$(electron_binary)"; then
    if has_display; then
      log "starting the desktop app (Electron: $binary)"
      exec npm start
    fi
    log "Electron is installed, but there is no display (DISPLAY/WAYLAND_DISPLAY unset)."
  elif [[ -n "${ELECTRON_OVERRIDE_DIST_PATH:-}" ]]; then
    log "ELECTRON_OVERRIDE_DIST_PATH=$ELECTRON_OVERRIDE_DIST_PATH holds no runnable 'electron'."
  else
    log "The Electron binary is not available on this machine: the electron npm package"
    log "could not download it (no access to its download server?), and no"
    log "ELECTRON_OVERRIDE_DIST_PATH is set. The desktop app cannot start here."
  fi
  log "Starting the standalone signaling server instead; open the URL it prints in a browser."
fi

# The server serves the web client from dist/web, which the desktop build writes.
npm run build:desktop --silent
exec npm run serve -- "$@"
