"""GET /api/admin/orders and /api/admin/orders/<number>: the owner's list, searched, filtered and
paged, and one order's view, which holds everything `flask orders show` prints and its timeline.

Orders are placed and paid the real way, in demo mode (admin_orders_support).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from admin_orders_support import (
    BOOM,
    activity_count,
    assert_error,
    created_at,
    demo_order,
    demo_shop,
    order_of,
    signed_in_owner,
)
from flask import Flask
from owner_support import SignedIn

from bookstore.config import Settings
from bookstore.orders.models import OrderStatus

ROW_KEYS = {
    "number",
    "createdAt",
    "email",
    "total",
    "currency",
    "status",
    "paymentMethod",
    "shippedAt",
}


@pytest.fixture
def shop(settings: Settings, tmp_path: Path) -> Flask:
    return demo_shop(settings, tmp_path)


@pytest.fixture
def admin(shop: Flask) -> SignedIn:
    return signed_in_owner(shop)


def listed(admin: SignedIn, query: str = "") -> dict[str, Any]:
    """GET /api/admin/orders?<query>, which must answer 200."""
    response = admin.client.get(f"/api/admin/orders?{query}")
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def numbers(body: dict[str, Any]) -> list[str]:
    return [row["number"] for row in body["orders"]]


# --- the list ----------------------------------------------------------------------------------


def test_the_list_is_newest_first_with_each_rows_facts(shop: Flask, admin: SignedIn) -> None:
    first = demo_order(shop, {BOOM: 2}, email="ada@example.com")
    second = demo_order(shop, email="grace@example.com", paid=False)
    created_at(shop, first, datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    created_at(shop, second, datetime(2026, 12, 2, 10, 0, tzinfo=UTC))

    body = listed(admin)

    assert (body["page"], body["pageSize"], body["total"]) == (1, 25, 2)
    assert numbers(body) == [second, first]
    row = body["orders"][1]
    assert set(row) == ROW_KEYS
    order = order_of(shop, first)
    assert row == {
        "number": first,
        "createdAt": "2026-12-01T10:00:00Z",
        "email": "ada@example.com",
        "total": order.amount,
        "currency": "usd",
        "status": "paid",
        "paymentMethod": "Visa •••• 4242",
        "shippedAt": None,
    }
    assert order.amount > 6000  # two books, express shipping and tax: the total, not a price
    assert body["orders"][0]["status"] == "pending"
    assert body["orders"][0]["paymentMethod"] is None


def test_the_list_comes_a_page_at_a_time(shop: Flask, admin: SignedIn) -> None:
    placed = [demo_order(shop, paid=False) for _ in range(5)]
    for day, number in enumerate(placed, start=1):
        created_at(shop, number, datetime(2026, 12, day, tzinfo=UTC))
    newest_first = placed[::-1]

    pages = [listed(admin, f"pageSize=2&page={page}") for page in (1, 2, 3, 4)]

    assert [numbers(page) for page in pages] == [
        newest_first[0:2],
        newest_first[2:4],
        newest_first[4:5],
        [],
    ]
    assert {(page["pageSize"], page["total"]) for page in pages} == {(2, 5)}
    assert [page["page"] for page in pages] == [1, 2, 3, 4]


def test_orders_made_in_the_same_second_keep_one_order_across_pages(
    shop: Flask, admin: SignedIn
) -> None:
    placed = [demo_order(shop, paid=False) for _ in range(3)]
    for number in placed:
        created_at(shop, number, datetime(2026, 12, 5, 12, 0, tzinfo=UTC))

    seen = [numbers(listed(admin, f"pageSize=1&page={page}")) for page in (1, 2, 3)]

    assert sorted(number for page in seen for number in page) == sorted(
        placed
    )  # each once, none skipped


def test_search_finds_an_order_by_its_number_however_it_is_typed(
    shop: Flask, admin: SignedIn
) -> None:
    wanted = demo_order(shop, paid=False)
    demo_order(shop, paid=False)
    digits = wanted.removeprefix("SP-")  # "7K3M9Q"
    spaced = f"sp - {digits[:3].lower()} {digits[3:].lower()}"

    for typed in (wanted, wanted.lower(), spaced, digits, f"SP{digits}", digits[1:5].lower()):
        assert numbers(listed(admin, f"q={quote(typed)}")) == [wanted], typed


def test_search_finds_orders_by_part_of_the_email_in_any_case(shop: Flask, admin: SignedIn) -> None:
    # Each query holds a character no order number has (I, L, O, U, @, .), so only emails match.
    ada = demo_order(shop, email="Ada.Lovelace@Example.com", paid=False)
    grace = demo_order(shop, email="grace@navy.example", paid=False)
    fan = demo_order(shop, email="lovelace.fan@analytical.example", paid=False)

    assert set(numbers(listed(admin, "q=LOVELACE"))) == {ada, fan}
    assert numbers(listed(admin, "q=lovelace@example.COM")) == [ada]
    assert numbers(listed(admin, "q=@navy.")) == [grace]
    assert listed(admin, "q=nobody%40example.com") == {
        "orders": [],
        "page": 1,
        "pageSize": 25,
        "total": 0,
    }


def test_search_treats_wildcards_as_plain_characters(shop: Flask, admin: SignedIn) -> None:
    demo_order(shop, email="ada@example.com", paid=False)
    under = demo_order(shop, email="ada_b@example.com", paid=False)

    assert numbers(listed(admin, "q=%25")) == []  # a lone %
    assert numbers(listed(admin, "q=a_b")) == [under]


def test_the_list_is_filtered_by_status_and_by_created_date_in_utc(
    shop: Flask, admin: SignedIn
) -> None:
    early = demo_order(shop)
    middle = demo_order(shop, paid=False)
    late = demo_order(shop)
    created_at(shop, early, datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC))
    created_at(shop, middle, datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    created_at(shop, late, datetime(2026, 12, 2, 23, 59, 59, tzinfo=UTC))

    assert numbers(listed(admin, "status=paid")) == [late, early]
    assert numbers(listed(admin, "status=pending")) == [middle]
    assert numbers(listed(admin, "from=2026-12-01")) == [late, middle]
    assert numbers(listed(admin, "to=2026-12-01")) == [middle, early]
    assert numbers(listed(admin, "from=2026-12-02&to=2026-12-02")) == [late]
    assert numbers(listed(admin, "from=2026-12-01&to=2026-12-02&status=paid")) == [late]
    assert listed(admin, "from=2026-12-01&status=paid")["total"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("pageSize=0", "pageSize"),
        ("pageSize=101", "pageSize"),
        ("status=shipped", "status"),
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("from=2026-12-02&to=2026-12-01", "query"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_field(admin: SignedIn, query: str, field: str) -> None:
    error = assert_error(admin.client.get(f"/api/admin/orders?{query}"), 400, "validation_error")

    assert [detail["field"] for detail in error["details"]] == [field]


def test_the_largest_page_is_100_orders(admin: SignedIn) -> None:
    assert listed(admin, "pageSize=100")["pageSize"] == 100


# --- one order ---------------------------------------------------------------------------------


def test_the_view_of_a_paid_order_has_its_facts_and_its_timeline(
    shop: Flask, admin: SignedIn
) -> None:
    number = demo_order(shop, {BOOM: 2})
    order = order_of(shop, number)

    # Typed as a customer reads it out.
    response = admin.client.get(f"/api/admin/orders/{number.lower().replace('-', ' ')}")

    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    assert order.paid_at is not None
    assert view == {
        "number": number,
        "status": "paid",
        "mode": "demo",
        "paymentIntentId": order.payment_intent_id,
        "email": "ada@example.com",
        "createdAt": f"{order.created_at:%Y-%m-%dT%H:%M:%S}Z",
        "shipTo": {
            "name": "Ada Lovelace",
            "line1": "354 Oyster Point Blvd",
            "line2": "Suite 2",
            "city": "South San Francisco",
            "state": "CA",
            "postalCode": "94080",
            "country": "US",
            "phone": "+1 415 555 0100",
        },
        "delivery": {
            "method": "express",
            "label": "Express",
            "amount": order.shipping_amount,
            "minDays": 1,
            "maxDays": 2,
        },
        "lines": [
            {"id": BOOM, "title": "Boom", "quantity": 2, "unitAmount": 3000, "lineTotal": 6000}
        ],
        "subtotal": 6000,
        "shippingAmount": order.shipping_amount,
        "taxAmount": order.tax_amount,
        "total": order.amount,
        "currency": "usd",
        "paidAmount": order.amount,
        "paidAt": f"{order.paid_at:%Y-%m-%dT%H:%M:%S}Z",
        "paymentMethod": "Visa •••• 4242",
        "heldUntil": None,
        "holdActive": False,
        "stockTaken": True,
        "failureMessage": None,
        "refund": None,
        "reviewReason": None,
        "deadJobs": [],
        "shipment": None,
        "timeline": [
            {"at": f"{event.at:%Y-%m-%dT%H:%M:%S}Z", "kind": event.kind, "detail": event.detail}
            for event in order.history
        ],
    }
    assert [entry["kind"] for entry in view["timeline"]] == [
        "payment_intent.succeeded",
        "charge.succeeded",
    ]


def test_the_view_of_an_unpaid_order_shows_its_hold(shop: Flask, admin: SignedIn) -> None:
    number = demo_order(shop, paid=False)

    view = admin.client.get(f"/api/admin/orders/{number}").get_json()

    assert (view["status"], view["holdActive"], view["stockTaken"]) == ("pending", True, False)
    assert view["heldUntil"] is not None and view["paidAmount"] is None
    assert view["timeline"] == []


def test_an_unknown_number_is_a_404_and_reading_logs_nothing(shop: Flask, admin: SignedIn) -> None:
    before = activity_count(shop)

    assert_error(admin.client.get("/api/admin/orders/SP-ZZZZZZ"), 404, "not_found")
    assert_error(admin.client.get("/api/admin/orders/nonsense"), 404, "not_found")
    assert activity_count(shop) == before


def test_without_a_session_the_orders_are_not_shown(shop: Flask) -> None:
    number = demo_order(shop, paid=False)
    client = shop.test_client()

    assert_error(client.get("/api/admin/orders"), 401, "not_signed_in")
    assert_error(client.get(f"/api/admin/orders/{number}"), 401, "not_signed_in")
    assert OrderStatus(order_of(shop, number).status) == OrderStatus.PENDING
