#!/usr/bin/env bash
# Installs what is missing, then runs every test: lint, type-check, unit,
# integration and end-to-end tests.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/test.sh [--help]

Installs what is missing (scripts/setup.sh), then runs `npm test`: ESLint
(including the import boundaries), the type-check of every part, the vitest
unit, integration and desktop projects, and the end-to-end suite in Chromium
inside a loopback-only network namespace (scripts/e2e.sh). The desktop
project starts its own private D-Bus session with gnome-keyring (a real OS
keychain) and stops it afterwards; it also drives the renderer in Chromium
over the real main-process handlers.

One part at a time: npm run lint | typecheck | test:unit | test:integration | test:desktop | test:e2e

Options:
  -h, --help   show this help and exit
USAGE
}

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  usage
  exit 0
fi

if [[ $# -gt 0 ]]; then
  echo "test.sh: unexpected argument: $1" >&2
  usage >&2
  exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
# The keychain and bridge tests need a Secret Service: the vitest `desktop`
# project starts its own private D-Bus session and gnome-keyring and stops
# them afterwards (test/desktop/support/private-keyring.ts), so nothing here.
exec npm test
