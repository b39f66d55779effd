# Shared setup steps for ./start.sh and ./test.sh (sourced, not run).
# Each step is skipped when what it installs is already up to date.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Print the sha256 of the given files, as one line (a stamp of what was installed).
files_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }

find_python() {
  local candidate
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# Create .venv and install the backend's Python packages ($1: requirements file).
ensure_python_env() {
  local requirements="$1" stamp="$VENV/.installed-$(basename "$1" .txt)" python
  if [ ! -x "$VENV/bin/python" ]; then
    python="$(find_python)" || die "Python 3.11 or newer is needed (python3 --version)."
    say "Creating the Python virtual environment in .venv"
    "$python" -m venv "$VENV" || die "could not create .venv (on Debian: apt-get install python3-venv)"
  fi
  local want
  want="$(files_hash "$ROOT/backend/requirements.txt" "$requirements" "$ROOT/pyproject.toml")"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Python packages from backend/$(basename "$requirements")"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" ||
      die "pip install failed"
    # The backend itself, editable: `flask --app bookstore ...` then works from any folder.
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ROOT" ||
      die "pip install -e . (the backend package) failed"
    echo "$want" >"$stamp"
  fi
}

# Install the frontend's npm packages exactly as package-lock.json says.
ensure_frontend_deps() {
  command -v npm >/dev/null 2>&1 || die "Node.js 20 and npm are needed (node --version)."
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js 20 or newer is needed; this is $(node --version)."
  local stamp="$ROOT/frontend/node_modules/.installed-lock" want
  want="$(files_hash "$ROOT/frontend/package-lock.json")"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing frontend packages (npm ci)"
    (cd "$ROOT/frontend" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    echo "$want" >"$stamp"
  fi
}

# Build the frontend into frontend/dist unless the build is newer than every source file.
ensure_frontend_build() {
  local dist="$ROOT/frontend/dist" changed
  if [ -f "$dist/index.html" ]; then
    changed="$(find "$ROOT/frontend/src" "$ROOT/frontend/public" "$ROOT/frontend/index.html" \
      "$ROOT/frontend/package-lock.json" "$ROOT/frontend/vite.config.ts" "$ROOT/frontend"/tsconfig*.json \
      -newer "$dist/index.html" -print -quit 2>/dev/null)"
    [ -z "$changed" ] && return 0
  fi
  say "Building the frontend (npm run build)"
  (cd "$ROOT/frontend" && npm run --silent build >/dev/null) || die "the frontend build failed (cd frontend && npm run build)"
}

# Bring the database's schema up to date and add missing catalogue titles (both idempotent).
prepare_database() {
  say "Updating the database (flask db upgrade, seed)"
  local output
  # Alembic logs every step; show it only when something went wrong.
  if ! output="$("$VENV/bin/flask" --app bookstore db upgrade 2>&1)"; then
    printf '%s\n' "$output" >&2
    die "the database migration failed (see above)"
  fi
  "$VENV/bin/flask" --app bookstore seed >/dev/null || die "seeding the catalogue failed"
}

# Stop unless nothing listens on 127.0.0.1:$1 ($2: the variable that sets it, for the message).
require_free_port() {
  "$VENV/bin/python" - "$1" <<'PY' && return 0
import socket, sys
with socket.socket() as probe:
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PY
  die "port $1 is already in use by another program: stop it, or set $2 to a free port in .env"
}

# Wait until an HTTP URL answers (any status), up to $2 seconds.
wait_for_http() {
  local url="$1" seconds="${2:-60}" i
  for ((i = 0; i < seconds * 4; i++)); do
    "$VENV/bin/python" - "$url" <<'PY' 2>/dev/null && return 0
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass
PY
    sleep 0.25
  done
  return 1
}
