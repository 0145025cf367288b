#!/usr/bin/env bash
# Installs what is missing, then runs every test: lint, type-check, unit,
# integration and end-to-end tests.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/test.sh [--help]

Installs what is missing (scripts/setup.sh), then runs `npm test`: ESLint
(including the import boundaries), the type-check of every part, the vitest
unit and integration projects, and the end-to-end suite in Chromium inside a
loopback-only network namespace (scripts/e2e.sh).

One part at a time: npm run lint | typecheck | test:unit | test:integration | test:e2e

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
# Later: run inside a private D-Bus session (real keychain), per ENVIRONMENT.md.
exec npm test
