"""One client holds at most HOLD_LIMIT_PER_CLIENT copies at once (OWASP OAT-021, denial of
inventory): counted from the database across its unpaid orders, per IPv4 address or IPv6 /64,
behind TRUSTED_PROXY_COUNT proxies; other clients keep buying."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from checkout_requests import new_cart_id, pay, pay_body
from flask import Flask
from flask.testing import FlaskClient
from run_summary import add_summary_line
from webhook_events import intent_event, post_event
from werkzeug.test import TestResponse

from bookstore import create_app
from bookstore.catalogue.data import BOOKS
from bookstore.checkout.hold_limit import client_held_copies
from bookstore.config import Settings
from bookstore.db import db, utcnow
from bookstore.orders.models import find_order_by_number
from bookstore.web.clients import client_key

BOOM, DREAM, SCARCE = "boom", "the-dream-machine", "poor-charlies-almanack"
BOT, SHOPPER = "203.0.113.7", "198.51.100.20"


def pay_from(
    client: FlaskClient, address: str, cart: dict[str, int], cart_id: str | None = None
) -> TestResponse:
    """Pay for a cart from a client at `address`."""
    return client.post(
        "/create-payment-intent",
        json=pay_body(cart, cart_id),
        environ_base={"REMOTE_ADDR": address},
    )


def error_code(response: TestResponse) -> str:
    """The error code of a failed answer."""
    code: str = response.get_json()["error"]["code"]
    return code


def test_one_client_is_capped_while_another_can_still_buy(client: FlaskClient) -> None:
    # The bot holds 4 + 4 copies in carts it never pays, then asks for 3 more.
    first = pay_from(client, BOT, {BOOM: 4})
    second = pay_from(client, BOT, {DREAM: 4})
    capped = pay_from(client, BOT, {SCARCE: 3})

    assert (first.status_code, second.status_code) == (200, 200)
    assert capped.status_code == 429
    error = capped.get_json()["error"]
    assert error["code"] == "hold_limit"
    assert "At most 10 copies" in error["message"]
    assert error["details"] == {"limit": 10, "held": 8, "requested": 3}
    # Waiting helps: the bot's first hold ends within STOCK_HOLD_MINUTES.
    assert 0 < int(capped.headers["Retry-After"]) <= 15 * 60
    # Someone else still gets the last copies.
    assert pay_from(client, SHOPPER, {SCARCE: 3}).status_code == 200
    assert client.get(f"/api/books/{SCARCE}").get_json()["available"] == 0


def test_within_the_limit_a_client_may_still_hold_up_to_it(client: FlaskClient) -> None:
    assert pay_from(client, BOT, {BOOM: 6}).status_code == 200
    assert pay_from(client, BOT, {DREAM: 4}).status_code == 200
    assert pay_from(client, BOT, {DREAM: 1}).status_code == 429


def test_a_cart_larger_than_the_limit_is_refused_without_a_retry_after(
    client: FlaskClient,
) -> None:
    response = pay_from(client, SHOPPER, {BOOM: 6, DREAM: 5})

    assert response.status_code == 429
    assert error_code(response) == "hold_limit"
    assert "Retry-After" not in response.headers  # waiting would not help


def test_a_cart_paying_again_is_not_counted_twice(client: FlaskClient) -> None:
    cart_id = new_cart_id()
    assert pay_from(client, BOT, {BOOM: 8}, cart_id).status_code == 200

    # Its own hold is replaced, not added to: 9 copies, not 17.
    assert pay_from(client, BOT, {BOOM: 9}, cart_id).status_code == 200
    assert pay_from(client, BOT, {DREAM: 2}).status_code == 429


def test_paid_and_failed_payments_free_the_clients_copies(
    stripe_app: Flask, stripe_client: FlaskClient
) -> None:
    paid_one = pay_from(stripe_client, BOT, {BOOM: 5}).get_json()
    failed_one = pay_from(stripe_client, BOT, {DREAM: 5}).get_json()
    assert error_code(pay_from(stripe_client, BOT, {SCARCE: 1})) == "hold_limit"

    for answer, kind in ((paid_one, "succeeded"), (failed_one, "payment_failed")):
        with stripe_app.app_context():
            order = find_order_by_number(answer["orderNumber"])
            assert order is not None
            token = order.token
        post_event(
            stripe_client,
            intent_event(
                f"payment_intent.{kind}",
                answer["paymentIntentId"],
                amount=answer["amount"],
                order_token=token,
            ),
        )

    assert pay_from(stripe_client, BOT, {SCARCE: 3}).status_code == 200


def test_an_ipv6_client_is_its_whole_64(client: FlaskClient) -> None:
    assert pay_from(client, "2001:db8:1:2::1", {BOOM: 6}).status_code == 200

    same_64 = pay_from(client, "2001:db8:1:2:ffff::9", {DREAM: 5})
    next_64 = pay_from(client, "2001:db8:1:3::1", {DREAM: 5})

    assert same_64.status_code == 429 and error_code(same_64) == "hold_limit"
    assert next_64.status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(settings: Settings) -> None:
    app = create_app(settings.replace(trusted_proxy_count=1))
    client = app.test_client()

    def through_proxy(forwarded_for: str, cart: dict[str, int]) -> TestResponse:
        return client.post(
            "/create-payment-intent",
            json=pay_body(cart),
            headers={"X-Forwarded-For": forwarded_for},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the load balancer
        )

    assert through_proxy(BOT, {BOOM: 10}).status_code == 200
    assert through_proxy(BOT, {DREAM: 1}).status_code == 429
    # A client's own forged X-Forwarded-For is not trusted: only the proxy's last entry.
    assert through_proxy(f"{SHOPPER}, {BOT}", {DREAM: 1}).status_code == 429
    assert through_proxy(SHOPPER, {DREAM: 1}).status_code == 200


def test_hold_limit_per_client_comes_from_the_settings(settings: Settings) -> None:
    client = create_app(settings.replace(hold_limit_per_client=2)).test_client()

    assert pay(client, {BOOM: 2}).status_code == 200
    capped = pay(client, {BOOM: 1})

    assert capped.status_code == 429
    assert "At most 2 copies" in capped.get_json()["error"]["message"]


def test_simultaneous_pays_from_one_client_never_hold_more_than_the_limit(
    app: Flask, request: pytest.FixtureRequest
) -> None:
    # Six carts of 4 copies each, from one client, at once, each to a server thread of its
    # own: at most two fit under the limit of 10, whichever commits first. Each cart is of
    # another title, so no book's lock puts them in a queue: only the client's own does.
    titles = [str(book["id"]) for book in BOOKS if int(str(book["stock"])) >= 4][:6]
    carts = len(titles)
    barrier = threading.Barrier(carts)
    answers: list[Any] = []
    lock = threading.Lock()

    def pay_once(title: str) -> None:
        client = app.test_client()
        barrier.wait()
        response = pay_from(client, BOT, {title: 4})
        with lock:
            answers.append(response)

    threads = [threading.Thread(target=pay_once, args=(title,)) for title in titles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted("ok" if r.status_code == 200 else error_code(r) for r in answers)
    assert codes == ["hold_limit"] * (carts - 2) + ["ok"] * 2
    with app.app_context():
        held, _ = client_held_copies(client_key(BOT), utcnow())
        dialect = db.engine.dialect.name
    assert held == 8
    add_summary_line(
        request.config,
        f"hold limit, threads on {dialect}: {carts} simultaneous Pays of 4 copies from one "
        f"client -> {codes.count('ok')} held ({held} copies), {codes.count('hold_limit')} "
        "told hold_limit",
    )
