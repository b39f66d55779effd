#!/usr/bin/env bash
# The benchmark in one command: set up as ./start.sh does, build the frontend, make sure wrk is
# installed, then run bench/run.py (arguments are passed on, e.g. --duration 10).
set -euo pipefail
source "$(dirname "$0")/../scripts/setup.sh"
cd "$ROOT"

usage() {
  cat <<'USAGE'
Usage: ./bench/run.sh [options]

Benchmarks the shop's production server against minimal apps doing the same work, with wrk,
interleaved, at 8 connections (the goals) and 64: Pay (POST /create-payment-intent, a new
cart with complete details), Quote (POST /api/quote), GET /api/books and GET /config; then the
JavaScript the shop page loads before it renders (bytes, each file gzipped at level 6). First
it installs what it needs, as ./start.sh does: .venv with the dev requirements, the frontend's
packages and build, and wrk (apt-get, as root). Options are bench/run.py's:
USAGE
  # Its options, from its own parser, when a Python 3.11 or newer is here (nothing installed).
  local python
  if python="$( [ -x "$VENV/bin/python" ] && echo "$VENV/bin/python" || find_python)" &&
    "$python" "$ROOT/bench/run.py" --help 2>/dev/null | sed -n '/^options:/,$p'; then
    return 0
  fi
  echo "  (see bench/run.py: --duration, --repeats, --threads, --skip-browser)"
}

for argument in "$@"; do
  case "$argument" in
    -h | --help) usage; exit 0 ;;
  esac
done

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

say "Benchmark: the production server against the same work done minimally (about 7 minutes)"
exec "$VENV/bin/python" "$ROOT/bench/run.py" "$@"
