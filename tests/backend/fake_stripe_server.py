"""Stripe's PaymentIntents and Refunds API over real HTTP on loopback, for other processes.

The API itself is stripe_fakes.FakeStripe, the same stateful fake the in-process tests reach
through requests-mock (Stripe's example objects, Idempotency-Key replays, Stripe's refusals):
here it answers from a ThreadingHTTPServer instead, one request at a time, so gunicorn workers
can point STRIPE_API_BASE at it.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from stripe_fakes import FakeStripe, Json

Handler = Callable[[Any, Any], Json]


@dataclass
class _Request:
    """The parts of a requests-mock request that FakeStripe reads."""

    method: str
    url: str
    headers: Message
    text: str


@dataclass
class _Context:
    """The parts of a requests-mock response context that FakeStripe sets."""

    status_code: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class _Routes:
    """Collects the routes FakeStripe registers, in requests-mock's calling convention."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, str | re.Pattern[str], Handler]] = []
        self.request_history: list[_Request] = []

    def post(self, matcher: str | re.Pattern[str], *, json: Handler) -> None:
        self.routes.append(("POST", matcher, json))

    def get(self, matcher: str | re.Pattern[str], *, json: Handler) -> None:
        self.routes.append(("GET", matcher, json))

    def find(self, method: str, url: str) -> Handler | None:
        """The handler for a request, matched as requests-mock matches (query ignored)."""
        path_url = url.split("?", 1)[0]
        for route_method, matcher, handler in self.routes:
            if route_method != method:
                continue
            if isinstance(matcher, str) and matcher == path_url:
                return handler
            if isinstance(matcher, re.Pattern) and matcher.fullmatch(path_url):
                return handler
        return None


class FakeStripeServer:
    """FakeStripe served over HTTP; `lock` guards its state between requests and the test."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._routes = _Routes()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.api_base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.stripe = FakeStripe(self._routes, api_base=self.api_base)  # type: ignore[arg-type]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        """Answer requests in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop answering and free the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, method: str, url: str, headers: Message, body: bytes) -> tuple[int, Json]:
        """FakeStripe's answer to one request, as status and JSON body."""
        request = _Request(method, url, headers, body.decode())
        context = _Context()
        with self.lock:
            self._routes.request_history.append(request)
            handler = self._routes.find(method, url)
            if handler is None:
                return 404, {"error": {"type": "invalid_request_error", "message": "No route."}}
            body = handler(request, context)
            return context.status_code, body

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        """A request handler bound to this server's FakeStripe."""
        fake = self

        class StripeHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._reply()

            def do_POST(self) -> None:
                self._reply()

            def _reply(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, payload = fake.answer(
                    self.command, fake.api_base + self.path, self.headers, body
                )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_fake")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test reports what matters."""

        return StripeHandler


@contextmanager
def fake_stripe_server() -> Iterator[FakeStripeServer]:
    """A running fake Stripe on a free loopback port, stopped afterwards."""
    server = FakeStripeServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
