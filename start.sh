#!/usr/bin/env bash
# Set up (first run only) and run the shop; Ctrl-C stops it.
#   ./start.sh         development: the Flask API on :4242 and the Vite dev server on :3000
#   ./start.sh --prod  production: builds the frontend, then gunicorn serves the built shop
#                      and the API together on :4242 (backend/gunicorn.conf.py)
# Either way the worker (flask --app bookstore worker) runs beside the servers: it sends the
# emails and refunds and delivers the demo's later payment events. If any of them exits, the
# others are stopped too.
set -euo pipefail
source "$(dirname "$0")/scripts/setup.sh"
cd "$ROOT"

prod=0
case "${1:-}" in
  "") ;;
  --prod) prod=1 ;;
  *) die "usage: ./start.sh [--prod]" ;;
esac

ensure_python_env "$ROOT/backend/requirements.txt"
ensure_frontend_deps

export PYTHONPATH="$ROOT/backend${PYTHONPATH:+:$PYTHONPATH}"

# Check the settings before starting anything: a bad key stops here, naming the variable.
# With no Stripe keys in .env (or the environment), ask for the offline demo (DEMO_MODE=1):
# a server started any other way refuses to start without keys unless told so. The ports come
# from the environment or .env (PORT, FRONTEND_PORT), as the servers read them.
read -r mode API_PORT WEB_PORT < <("$VENV/bin/python" - <<'PY' || echo "error"
import sys
from bookstore.config import ConfigError, Settings, environment_with_dotenv
from bookstore.config import REPO_DIR
# The demo choice is written to .env, where the owner's commands read it too (flask --app
# bookstore orders ...); it is taken out again once .env has Stripe keys.
MARK = "# Written by ./start.sh: no Stripe keys in .env, so the offline demo (DEMO_MODE=1)."
dotenv = REPO_DIR / ".env"
lines = dotenv.read_text().splitlines() if dotenv.is_file() else []
written = MARK in lines
if written:
    at = lines.index(MARK)
    del lines[at : at + 2]
    dotenv.write_text("".join(line + "\n" for line in lines))
env = environment_with_dotenv()
has_keys = any(env.get(name, "").strip() for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY"))
if not has_keys and not env.get("DEMO_MODE", "").strip():
    env["DEMO_MODE"] = "1"
    dotenv.write_text("".join(line + "\n" for line in [*lines, MARK, "DEMO_MODE=1"]))
    if not written:
        print("Wrote DEMO_MODE=1 to .env (no Stripe keys there), so the owner's commands use the demo too.", file=sys.stderr)
elif written:
    print("Took start.sh's DEMO_MODE=1 out of .env: Stripe keys are set now.", file=sys.stderr)
ports = []
for name, default in (("PORT", "4242"), ("FRONTEND_PORT", "3000")):
    raw = env.get(name, "").strip() or default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        sys.exit(f"error: {name} must be a port number (1-65535), got {raw!r}.")
    ports.append(raw)
try:
    print(Settings.from_env(env).mode, *ports)
except ConfigError as error:
    sys.exit(f"error: {error}")
PY
)
[ "$mode" = demo ] || [ "$mode" = stripe ] ||
  die "fix the settings in .env (see .env.example) and run ./start.sh again"

if [ "$mode" = demo ]; then
  export DEMO_MODE="${DEMO_MODE:-1}"
  mode_line="Demo mode (DEMO_MODE=1, since .env has no Stripe keys): payments are simulated offline, nothing is charged (card 4242 4242 4242 4242)."
else
  mode_line="Stripe test mode: payments go to your Stripe account (card 4242 4242 4242 4242)."
fi

# Where this server's emails go: an SMTP server (SMTP_URL), or .eml files to open.
mail_line="$("$VENV/bin/python" -c 'from bookstore.config import Settings; from bookstore.notifications.mail import delivery_line; print(delivery_line(Settings.from_env()))')"

# Another program on a port would answer in the shop's place: stop before starting anything.
require_free_port "$API_PORT" PORT
[ "$prod" = 1 ] || require_free_port "$WEB_PORT" FRONTEND_PORT

# Each process runs in its own process group (setsid), so that stopping it also stops its
# children; `names` says which one exited, if one does.
pids=()
declare -A names=()
start_process() { # start_process NAME COMMAND [ARGS...]
  local name="$1"
  shift
  setsid "$@" &
  pids+=($!)
  names[$!]="$name"
}
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

# Stop with an error, naming it, if one of the processes is no longer running.
require_running() {
  local pid
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || die "${names[$pid]} exited at start (see its output above)"
  done
}

# Run until one process exits (Ctrl-C runs stop instead): say which, then stop the others.
watch_processes() {
  local status=0 pid
  wait -n || status=$?
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null ||
      die "${names[$pid]} exited (status $status); stopping the others (see its output above)"
  done
  die "a process exited (status $status); stopping the others"
}

# The worker takes the same settings as the servers (the environment, then .env).
worker_line="Worker (flask --app bookstore worker): sends the emails and refunds, delivers the demo's later events and frees expired holds."

if [ "$prod" = 1 ]; then
  # Rate limits are counted in each gunicorn worker's memory unless a shared store is named.
  if [ "$("$VENV/bin/python" -c 'from bookstore.config import Settings; print(Settings.from_env().ratelimit_storage_uri.get_secret_value())')" = "memory://" ]; then
    limits_line="Rate limits are counted per process (each gunicorn worker keeps its own count) until RATELIMIT_STORAGE_URI points at Redis."
  else
    limits_line="Rate limits are counted in the shared store named by RATELIMIT_STORAGE_URI."
  fi
  ensure_frontend_build
  prepare_database
  # backend/gunicorn.conf.py reads HOST, WEB_CONCURRENCY, FRONTEND_DIST, ... (and .env).
  start_process "the production server (gunicorn)" env PORT="$API_PORT" "$VENV/bin/gunicorn" -c "$ROOT/backend/gunicorn.conf.py"
  start_process "the worker (flask --app bookstore worker)" "$VENV/bin/flask" --app bookstore worker
  wait_for_http "http://127.0.0.1:$API_PORT/healthz" 60 || die "gunicorn did not start on port $API_PORT"
  require_running
  echo
  say "$mode_line"
  say "$mail_line"
  say "$limits_line"
  say "$worker_line"
  say "Production server (gunicorn): the shop and its API at http://localhost:$API_PORT  (Ctrl-C stops it and the worker)"
  watch_processes
fi

# The schema comes from the migrations and the books from the seed, not from the app's start.
prepare_database
start_process "the API server (flask run)" "$VENV/bin/flask" --app bookstore run --host 127.0.0.1 --port "$API_PORT"
start_process "the web server (Vite)" env BOOKSTORE_API_URL="http://127.0.0.1:$API_PORT" FRONTEND_PORT="$WEB_PORT" \
  "$ROOT/frontend/node_modules/.bin/vite" --config "$ROOT/frontend/vite.config.ts" "$ROOT/frontend"
start_process "the worker (flask --app bookstore worker)" "$VENV/bin/flask" --app bookstore worker

wait_for_http "http://127.0.0.1:$API_PORT/config" 60 || die "the API did not start on port $API_PORT"
wait_for_http "http://localhost:$WEB_PORT/" 60 || die "the web server did not start on port $WEB_PORT"
require_running

echo
say "$mode_line"
say "$mail_line"
say "$worker_line"
say "The shop is at http://localhost:$WEB_PORT  (API on http://127.0.0.1:$API_PORT; Ctrl-C stops the servers and the worker)"
watch_processes
