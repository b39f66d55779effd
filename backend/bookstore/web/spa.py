"""The built single-page app (frontend/dist), served by the API's own server in production.

- `/assets/...` files have content hashes in their names: cached for a year, never revalidated.
- `index.html` and the other files are revalidated on every use (`no-cache`), so a deploy
  shows at once.
- Any other GET path outside the API is a client-side route (`/checkout`, `/books/<id>`):
  it gets `index.html`, so a hard refresh works. The API's paths are left alone, so an
  unknown `/api/...` path still gets the API's JSON 404.
- A `.br` or `.gz` file written next to a file by the build is sent instead of it when the
  browser accepts that encoding: compressed once at build time, not on every request.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterable
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, request, send_file
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter
from werkzeug.security import safe_join

from bookstore.config import ConfigError

DIST_KEY = "FRONTEND_DIST"
ASSETS_PREFIX = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# The API's own path segments in every mode: /demo/... exists only in demo mode, and in Stripe
# mode it answers the API's JSON 404, not the SPA's index.html.
API_SEGMENTS = frozenset({"api", "demo"})
# Preferred first: brotli is smaller than gzip for the same file.
PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))

bp = Blueprint("web", __name__)


@bp.get("/", defaults={"path": ""})
@bp.get("/<spa_path:path>")
def page_or_file(path: str) -> Response:
    """A file of the build, or index.html for a client-side route."""
    dist: Path = current_app.config[DIST_KEY]
    file = _file_in(dist, path)
    if file is not None:
        return _send(file, IMMUTABLE if path.startswith(ASSETS_PREFIX) else REVALIDATE)
    if path.startswith(ASSETS_PREFIX):
        # An old page asking for a chunk a deploy removed must not get HTML as JavaScript.
        raise NotFound()
    return _send(dist / "index.html", REVALIDATE)


def register_spa(app: Flask, dist: Path) -> None:
    """Serve the build in `dist` on every path the app's routes so far do not use.

    Call it after every other blueprint is registered: their first path segments (`api`,
    `config`, `demo`, ...) are kept out of the SPA's catch-all route.
    """
    if not (dist / "index.html").is_file():
        raise ConfigError(
            f"FRONTEND_DIST is {dist}, which holds no index.html: build the frontend "
            "(cd frontend && npm run build) or unset FRONTEND_DIST."
        )
    app.config[DIST_KEY] = dist
    reserved = _first_segments(app) | API_SEGMENTS
    app.url_map.converters["spa_path"] = _spa_path_converter(reserved)
    app.register_blueprint(bp)


def _first_segments(app: Flask) -> set[str]:
    """The first path segment of every route registered so far: `/api/books` gives `api`."""
    segments = {rule.rule.lstrip("/").split("/", 1)[0] for rule in app.url_map.iter_rules()}
    return {segment for segment in segments if segment and not segment.startswith("<")}


def _spa_path_converter(reserved: Iterable[str]) -> type[PathConverter]:
    """A path converter that matches no path under one of the `reserved` segments."""
    pattern = PathConverter.regex
    alternatives = "|".join(re.escape(segment) for segment in sorted(reserved))
    if alternatives:
        pattern = rf"(?!(?:{alternatives})(?:/|$)){pattern}"

    class SpaPathConverter(PathConverter):
        """Any path but the API's: those keep the API's own 404 and 405 answers."""

        regex = pattern

    return SpaPathConverter


def _file_in(dist: Path, path: str) -> Path | None:
    """The file `path` names inside `dist`; None for folders, hidden files and escapes."""
    if not path or any(part.startswith(".") for part in path.split("/")):
        return None
    if path.endswith(tuple(suffix for _, suffix in PRECOMPRESSED)):
        return None  # a compressed twin is only sent in place of its file, with its encoding
    joined = safe_join(str(dist), path)
    if joined is None:
        return None
    file = Path(joined)
    return file if file.is_file() else None


def _send(file: Path, cache_control: str) -> Response:
    """Send `file`, or its precompressed twin if the client accepts it, with `cache_control`."""
    twins = [(encoding, file.with_name(file.name + suffix)) for encoding, suffix in PRECOMPRESSED]
    twins = [(encoding, twin) for encoding, twin in twins if twin.is_file()]
    accepted = [(enc, twin) for enc, twin in twins if request.accept_encodings.quality(enc) > 0]
    encoding, body = accepted[0] if accepted else (None, file)
    mimetype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    # send_file's ETag is computed from the file actually sent, so each encoding has its own.
    response = send_file(body, mimetype=mimetype, conditional=True, etag=True)
    # send_file names the file it sent (a .br twin, say); a page needs no file name.
    del response.headers["Content-Disposition"]
    if encoding is not None:
        response.headers["Content-Encoding"] = encoding
    if twins:
        response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = cache_control
    return response
