"""gunicorn settings for production: `gunicorn -c backend/gunicorn.conf.py` (./start.sh --prod).

One server on one port serves the API and the built SPA. Every value can be changed from the
environment or .env; `GUNICORN_CMD_ARGS` adds any other gunicorn option ("--access-logfile -").
"""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

_BACKEND = Path(__file__).resolve().parent
_REPO = _BACKEND.parent

# The same .env files the app reads (backend/.env first, so it wins, as in bookstore.config);
# variables already in the environment are never overridden.
for _env_file in (_BACKEND / ".env", _REPO / ".env"):
    load_dotenv(_env_file, override=False)


def _int(name: str, default: int) -> int:
    """A whole number from the environment, naming the variable when it is not one."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"error: {name} must be a whole number, got {raw!r}") from None


wsgi_app = "bookstore:create_app()"
pythonpath = str(_BACKEND)

# The API's port, as in development, so PORT, webhook URLs and `stripe listen` stay the same.
# Loopback by default; HOST=0.0.0.0 in a container or behind a load balancer on another host.
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 4242)}"]

# gthread with 2 threads, chosen by measurement (README, "Production"): gthread keeps
# connections alive where sync closes each one (4x the catalogue requests per second), and a
# second thread lets a worker go on while a request waits on Stripe; 4 threads made checkout's
# p99 several times worse (Python's GIL and SQLite's one writer, shared by more threads).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 2)

# No `gunicornc` control socket: its one default path would clash between two servers.
control_socket_disable = True

# Each worker builds its own app, so no database connection is ever shared across a fork.
preload_app = False
# The workers' heartbeat files: in memory, so a slow disk cannot get a worker killed.
if Path("/dev/shm").is_dir():  # noqa: S108 (a folder of the OS, not a temp file)
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Serve the build (./start.sh --prod runs `npm run build` first); FRONTEND_DIST= (empty)
# serves the API alone, e.g. when a CDN serves the frontend.
os.environ.setdefault("FRONTEND_DIST", str(_REPO / "frontend" / "dist"))
