"""The catalogue as ready-made JSON: one query builds every response, reused for a few seconds.

Shoppers read the catalogue far more often than anyone edits it, so each process keeps the
serialized listing and each book's JSON, with their ETags and gzipped bodies, and reads the
books again only when its copy is older than `Settings.catalogue_cache_seconds`. The copies
available are as old as that too: a hint for the shelf ("Only 3 left"). Checkout never uses
this copy: it prices carts, and checks and holds their copies, from the database.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from flask import Flask, Request, Response, current_app
from werkzeug.http import parse_accept_header, quote_etag

from bookstore.catalogue.stock import books_on_sale_with_available
from bookstore.config import Settings
from bookstore.web.response_schemas import book_json

EXTENSION_KEY = "catalogue_cache"
# Below this many bytes gzip saves less than the header and the CPU cost.
MIN_GZIP_BYTES = 1024
# Caches may keep the JSON but must ask (cheap, thanks to the ETag) before reusing it.
CACHE_CONTROL = "no-cache"


# Request headers that can turn an answer into a 304, a 412 or a range: without any of them
# (a first visit, a load test) the answer is the precomputed 200 as it stands.
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)


@dataclass(frozen=True)
class JsonDocument:
    """A JSON body with its strong ETag, and its gzipped form when that is worth sending."""

    body: bytes
    etag: str
    gzipped: bytes | None

    @classmethod
    def of(cls, data: object) -> JsonDocument:
        """Serialize `data` once, compact, as jsonify does outside debug mode."""
        body = current_app.json.dumps(data, separators=(",", ":")).encode() + b"\n"
        etag = hashlib.sha256(body).hexdigest()[:32]
        gzipped = gzip.compress(body, mtime=0) if len(body) >= MIN_GZIP_BYTES else None
        return cls(body, etag, gzipped)

    def response(self, request: Request) -> Response:
        """200 with the body (gzipped if the client accepts it), or 304 if its copy is current."""
        send_gzip = self.gzipped is not None and _accepts_gzip(
            request.environ.get("HTTP_ACCEPT_ENCODING", "")
        )
        body, headers = (
            (self.gzipped, self._gzip_headers) if send_gzip else (self.body, self._headers)
        )
        response = Response(body, mimetype="application/json")
        response.headers.extend(headers)
        if any(name in request.environ for name in CONDITIONAL_HEADERS):
            response.make_conditional(request)  # turns it into a 304 in place
        return response

    @cached_property
    def _headers(self) -> tuple[tuple[str, str], ...]:
        """Headers of the uncompressed answer, built once."""
        return self._headers_for(self.etag, encoding=None)

    @cached_property
    def _gzip_headers(self) -> tuple[tuple[str, str], ...]:
        """Headers of the gzipped answer, built once."""
        return self._headers_for(f"{self.etag}-gzip", encoding="gzip")

    def _headers_for(self, etag: str, encoding: str | None) -> tuple[tuple[str, str], ...]:
        """ETag (each encoding is a different representation, with its own), encoding, caching."""
        headers = [("ETag", quote_etag(etag))]
        if encoding is not None:
            headers.append(("Content-Encoding", encoding))
        if self.gzipped is not None:
            headers.append(("Vary", "Accept-Encoding"))
        headers.append(("Cache-Control", CACHE_CONTROL))
        return tuple(headers)


@lru_cache(maxsize=64)
def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip; browsers send a handful of values."""
    return parse_accept_header(accept_encoding).quality("gzip") > 0


@dataclass(frozen=True)
class CatalogueSnapshot:
    """The listing and each book's JSON, as read at `built_at` (a monotonic clock reading)."""

    listing: JsonDocument
    books: Mapping[str, JsonDocument]
    built_at: float


class CatalogueCache:
    """One process's copy of the catalogue JSON, rebuilt from the database once it is too old."""

    def __init__(self, max_age_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.max_age_seconds = max_age_seconds
        self.clock = clock
        self._snapshot: CatalogueSnapshot | None = None

    def snapshot(self) -> CatalogueSnapshot:
        """The current copy, rebuilt with one query when missing or stale."""
        # Threads may race to rebuild; each builds a complete snapshot and the last one stays.
        snapshot = self._snapshot
        now = self.clock()
        if snapshot is None or now - snapshot.built_at >= self.max_age_seconds:
            snapshot = self._snapshot = build_snapshot(now)
        return snapshot


def build_snapshot(built_at: float) -> CatalogueSnapshot:
    """Read the books on sale once and serialize the listing and each book."""
    books = [book_json(book, available) for book, available in books_on_sale_with_available()]
    return CatalogueSnapshot(
        listing=JsonDocument.of({"books": books}),
        books={str(book["id"]): JsonDocument.of(book) for book in books},
        built_at=built_at,
    )


def init_catalogue_cache(app: Flask, settings: Settings) -> None:
    """Give the app its (empty) catalogue cache."""
    app.extensions[EXTENSION_KEY] = CatalogueCache(settings.catalogue_cache_seconds)


def current_catalogue() -> CatalogueSnapshot:
    """The catalogue JSON of the app handling this request."""
    cache: CatalogueCache = current_app.extensions[EXTENSION_KEY]
    return cache.snapshot()
