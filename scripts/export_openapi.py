"""Write the API's OpenAPI document to a file, as GET /api/openapi.json serves it in demo mode.

The frontend generates its API types from this file (`npm run api-types` in frontend/), so the
browser and the server share one contract. Demo mode, because the demo's stand-in for Stripe.js
calls the /demo/... paths too: its document is the superset.

    .venv/bin/python scripts/export_openapi.py frontend/openapi.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parent.parent / "backend"


def export_document() -> str:
    """The document of an app in demo mode, as stable, pretty JSON."""
    sys.path.insert(0, str(BACKEND_DIR))
    from bookstore import create_app
    from bookstore.config import Settings
    from bookstore.web.openapi import current_document

    with tempfile.TemporaryDirectory() as scratch:
        # From this mapping alone, never the process environment or .env: Stripe keys there
        # would switch to Stripe mode and drop the demo paths. The document needs no database,
        # but the app wants a URL; a throwaway file keeps the real one untouched.
        settings = Settings.from_env(
            {"DEMO_MODE": "1", "DATABASE_URL": f"sqlite:///{Path(scratch) / 'openapi.sqlite3'}"}
        )
        app = create_app(settings)
        with app.app_context():
            document = current_document()
    # Insertion order is the server's (stable); sorting keys would only reshuffle the diff.
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Parse the output path and write the document there."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="where to write the JSON document")
    args = parser.parse_args(argv)
    output: Path = args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(export_document(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
