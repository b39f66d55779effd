#!/usr/bin/env bash
# The benchmark in one command: set up as ./start.sh does, build the frontend, make sure wrk is
# installed, then run bench/run.py (arguments are passed on, e.g. --duration 10).
set -euo pipefail
source "$(dirname "$0")/../scripts/setup.sh"
cd "$ROOT"

# The dev requirements bring Playwright, which times the first render in Chromium.
ensure_python_env "$ROOT/backend/requirements-dev.txt"
ensure_frontend_deps
ensure_frontend_build

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing wrk (the HTTP load generator) from Debian's packages"
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null || die "apt-get install wrk failed"
  else
    die "the benchmark needs wrk: sudo apt-get install -y wrk"
  fi
fi

say "Benchmark: the production server against the same work done minimally (about 5 minutes)"
exec "$VENV/bin/python" "$ROOT/bench/run.py" "$@"
