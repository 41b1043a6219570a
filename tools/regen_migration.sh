#!/usr/bin/env bash
# Regenerate the single initial migration from the models (before the first release only:
# no database in the field is at an older revision yet).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
tmp=$(mktemp -d)
rm -f migrations/versions/*.py
QUIZAPP_DATABASE_URL="sqlite:///$tmp/empty.sqlite" "$BIN/quizapp" db migrate -m "initial schema" >/dev/null
rm -rf "$tmp"
ls migrations/versions
