"""Two gunicorn servers, one Redis: a client gets one rate limit however its requests are spread.

Each server runs two workers, so with per-process counts (memory://) a client alternating
between the servers would get four times its allowance. With RATELIMIT_STORAGE_URI pointing
both at one Redis, the request past the limit is refused whichever server receives it.

Redis comes from TEST_REDIS_URL (.ci/run starts one), or else this test starts
/usr/bin/redis-server itself on a free port. Each run counts for a client address of its own
and deletes that client's keys afterwards, so runs sharing one Redis never see each other.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from checkout_requests import pay_body
from limits import parse
from test_scale_out import ROOT, AppServer, _free_port

from bookstore.config import Settings

REDIS_SERVER = Path("/usr/bin/redis-server")
REDIS_START_SECONDS = 10
REQUEST_TIMEOUT_SECONDS = 10
CART = pay_body({"the-dream-machine": 1})


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis for the servers to share: TEST_REDIS_URL's, or one started for this run."""
    given = os.environ.get("TEST_REDIS_URL", "").strip()
    if given:
        if not _answers(given, REDIS_START_SECONDS):
            pytest.fail(f"TEST_REDIS_URL={given} does not answer PING: is redis-server running?")
        yield given
        return
    if not REDIS_SERVER.is_file():
        pytest.fail(
            "The shared rate limit test needs Redis: install it (sudo apt-get install -y "
            "redis-server) or set TEST_REDIS_URL=redis://host:port/db to a Redis it may use."
        )
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    # No persistence: the counts are throwaway, and nothing is written outside the temp dir.
    command = [str(REDIS_SERVER), "--bind", "127.0.0.1", "--port", str(port)]
    command += ["--save", "", "--appendonly", "no", "--dir", str(workdir)]
    with (workdir / "redis.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 (ours)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        if not _answers(url, REDIS_START_SECONDS):
            pytest.fail(f"redis-server did not start:\n{(workdir / 'redis.log').read_text()}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(url: str, seconds: float) -> bool:
    """Whether the Redis at `url` answers PING within `seconds`."""
    deadline = time.monotonic() + seconds
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        while True:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)
    finally:
        client.close()


@pytest.fixture
def client_address(redis_url: str) -> Iterator[str]:
    """An address no other run uses (documentation range); its keys are deleted afterwards."""
    random_bits = uuid.uuid4().int & ((1 << 96) - 1)
    address = str(ipaddress.IPv6Address((0x20010DB8 << 96) | random_bits))
    yield address
    store = redis.Redis.from_url(redis_url)
    try:
        keys = list(store.scan_iter(match=f"*{address}*"))
        if keys:
            store.delete(*keys)
    finally:
        store.close()


def server_environment(database_url: str, redis_url: str) -> dict[str, str]:
    """Demo mode on the test's database, counting in Redis, behind one trusted proxy."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(
            ("GUNICORN", "STRIPE_", "RATELIMIT", "CHECKOUT_", "ORDER_LOOKUP_", "TRUSTED_PROXY")
        )
    }
    return {
        **inherited,
        "PYTHONPATH": str(ROOT / "backend"),
        "DATABASE_URL": database_url,
        # Empty values override any keys in a developer's .env: the offline demo, asked for.
        "STRIPE_SECRET_KEY": "",
        "STRIPE_PUBLISHABLE_KEY": "",
        "STRIPE_WEBHOOK_SECRET": "",
        "DEMO_MODE": "1",
        "CHECKOUT_RATE_LIMIT": "5 per minute",
        "ORDER_LOOKUP_RATE_LIMIT": "5 per minute",
        "RATELIMIT_STORAGE_URI": redis_url,
        # The client's address comes from X-Forwarded-For, as behind a load balancer, which is
        # where several servers share one limit; it also gives each run its own keys.
        "TRUSTED_PROXY_COUNT": "1",
        "FRONTEND_DIST": "",
    }


@pytest.fixture
def environment(database_url: str, redis_url: str) -> dict[str, str]:
    """The servers' environment."""
    return server_environment(database_url, redis_url)


@pytest.fixture
def servers(environment: dict[str, str], tmp_path: Path) -> Iterator[list[AppServer]]:
    """Two production servers on one database and one Redis."""
    started = [
        AppServer(f"server-{n}", environment, tmp_path / f"gunicorn-{n}.log") for n in range(2)
    ]
    try:
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.terminate()
        for server in started:
            server.wait_stopped()


def allowance(limit: str) -> int:
    """How many requests a limit such as "5 per minute" allows per window."""
    return int(parse(limit).amount)


class Client:
    """One shopper's connection to every server, as a load balancer passes it on."""

    def __init__(self, address: str) -> None:
        self.session = requests.Session()
        self.session.headers["X-Forwarded-For"] = address

    def checkout(self, server: AppServer) -> requests.Response:
        """Start a checkout on `server`."""
        return self.session.post(
            server.url + "/create-payment-intent", json=CART, timeout=REQUEST_TIMEOUT_SECONDS
        )

    def look_up(self, server: AppServer, intent_id: str, secret: str) -> requests.Response:
        """Poll `server` for the order, as the success page does."""
        return self.session.get(
            f"{server.url}/api/orders/{intent_id}",
            params={"client_secret": secret},
            timeout=REQUEST_TIMEOUT_SECONDS,
        )


def logs(servers: list[AppServer]) -> str:
    """The end of each server's log, to show why a request failed."""
    return "\n".join(f"{s.name}:\n{s.log.read_text()[-2000:]}" for s in servers)


def assert_rate_limited(response: requests.Response, server: AppServer) -> None:
    """A 429 in the API's error shape, saying when to come back."""
    assert response.status_code == 429, (server.name, response.status_code, response.text)
    body: Any = response.json()
    assert body["error"]["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def assert_counted_in(redis_url: str, address: str) -> None:
    """The servers kept this client's counts in the shared Redis, not in their own memory."""
    store = redis.Redis.from_url(redis_url)
    try:
        assert list(store.scan_iter(match=f"*{address}*")), "no counts for the client in Redis"
    finally:
        store.close()


def test_checkouts_spread_over_two_servers_share_one_limit(
    servers: list[AppServer], environment: dict[str, str], redis_url: str, client_address: str
) -> None:
    shopper = Client(client_address)
    limit = allowance(Settings.from_env(environment).checkout_rate_limit)
    spread = cycle(servers)

    allowed = [shopper.checkout(next(spread)).status_code for _ in range(limit)]

    assert allowed == [200] * limit, logs(servers)
    for server in servers:  # the next request is refused whichever server takes it
        assert_rate_limited(shopper.checkout(server), server)
    assert_counted_in(redis_url, client_address)


def test_order_lookups_spread_over_two_servers_share_one_limit(
    servers: list[AppServer], environment: dict[str, str], redis_url: str, client_address: str
) -> None:
    shopper = Client(client_address)
    checkout = shopper.checkout(servers[0])
    assert checkout.status_code == 200, logs(servers)
    payment = checkout.json()
    intent_id, secret = payment["paymentIntentId"], payment["clientSecret"]
    # The servers' own reading of their settings: ORDER_LOOKUP_RATE_LIMIT, or the default.
    limit = allowance(Settings.from_env(environment).order_lookup_rate_limit)
    spread = cycle(servers)

    allowed = [shopper.look_up(next(spread), intent_id, secret).status_code for _ in range(limit)]

    assert allowed == [200] * limit, logs(servers)
    for server in servers:
        assert_rate_limited(shopper.look_up(server, intent_id, secret), server)
    assert_counted_in(redis_url, client_address)
