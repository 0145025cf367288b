#!/usr/bin/env bash
# Installs what is missing, then runs every test: lint, type-check, unit and
# integration tests.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/test.sh [--help] [VITEST OPTIONS...]

Installs what is missing (scripts/setup.sh), then runs `npm test`: ESLint
(including the import boundaries), the type-check of every part, and the
vitest unit and integration projects. VITEST OPTIONS are passed to vitest,
e.g. `scripts/test.sh --project unit`.

Options:
  -h, --help   show this help and exit
USAGE
}

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  usage
  exit 0
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
# Later: run inside a private D-Bus session (real keychain) and a loopback-only
# network namespace (end-to-end calls), per ENVIRONMENT.md.
exec npm test -- "$@"
