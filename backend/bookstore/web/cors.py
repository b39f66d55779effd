"""CORS with Flask-CORS: only the shop's own origins may call the API from a browser."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask_cors import CORS

# What the shop's pages call. Not /webhook (Stripe's servers, never a browser), the health
# probes (load balancers) or the built SPA's files (same-origin pages and assets).
BROWSER_API_PATHS = (r"/api/.*", "/config", "/create-payment-intent", r"/demo/.*")


def init_cors(app: Flask, origins: Iterable[str]) -> None:
    """Let `origins`, and no other origin, call the browser API."""
    # always_send=False: a request without an Origin header is not a cross-origin one, so it
    # needs no CORS headers (and skips working them out).
    CORS(app, origins=list(origins), resources=list(BROWSER_API_PATHS), always_send=False)
