"""Shipping and notes from the dashboard (POST /api/admin/orders/<number>/shipment and /notes)
and from the command line (`flask orders ship`, `orders note`): one "on their way" email with
the tracking link, "Find your order" showing the parcel, notes only the owners see, and each
change in the activity log, committed with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from admin_orders_support import (
    activity_count,
    assert_error,
    demo_order,
    demo_shop,
    order_of,
    outbox,
    run_worker,
    signed_in_owner,
)
from flask import Flask
from owner_support import EMAIL as OWNER_EMAIL
from owner_support import SignedIn

from bookstore.config import Settings

UPS_NUMBER = "1Z999AA10123456784"
UPS_LINK = f"https://www.ups.com/track?tracknum={UPS_NUMBER}"


@pytest.fixture
def shop(settings: Settings, tmp_path: Path) -> Flask:
    return demo_shop(settings, tmp_path)


@pytest.fixture
def admin(shop: Flask) -> SignedIn:
    return signed_in_owner(shop)


def ship(admin: SignedIn, number: str, carrier: str = "UPS", tracking: str = UPS_NUMBER) -> Any:
    return admin.change(
        "POST", f"/orders/{number}/shipment", {"carrier": carrier, "trackingNumber": tracking}
    )


def lookup(shop: Flask, number: str, email: str = "ada@example.com") -> dict[str, Any]:
    """The shopper's "Find your order" answer."""
    response = shop.test_client().post("/api/order-lookup", json={"number": number, "email": email})
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def actions(admin: SignedIn) -> list[tuple[str, str | None, str]]:
    """(action, email, detail) of the activity log, newest first."""
    entries = admin.client.get("/api/admin/activity").get_json()["entries"]
    return [(entry["action"], entry["email"], entry["detail"]) for entry in entries]


def mail_files(tmp_path: Path, kind: str, number: str) -> list[Path]:
    mail = tmp_path / "mail"
    return list(mail.glob(f"*{kind}.{number}.*.eml")) if mail.exists() else []


# --- shipping ----------------------------------------------------------------------------------


def test_shipping_a_paid_order_emails_the_tracking_link_once_and_find_your_order_shows_it(
    shop: Flask, admin: SignedIn, tmp_path: Path
) -> None:
    number = demo_order(shop)
    assert lookup(shop, number)["shipment"] is None

    response = ship(admin, number, "UPS", "1z999aa1 0123456784")
    again = ship(admin, number, "FedEx", "123456789012")

    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    shipment = view["shipment"]
    assert shipment["shippedAt"].endswith("Z")
    assert shipment == {
        "carrier": "UPS",
        "trackingNumber": "1Z999AA1 0123456784",
        "trackingUrl": UPS_LINK,
        "shippedAt": shipment["shippedAt"],
    }
    assert view["status"] == "paid"
    assert view["timeline"][-1] == {
        "at": shipment["shippedAt"],
        "kind": "shipped",
        "detail": f"UPS 1Z999AA1 0123456784; by {OWNER_EMAIL}",
    }
    assert_error(again, 409, "already_shipped")
    # One email, rendered with the link, in the outbox; the worker sends it once.
    [email] = outbox(shop, number, "shipped")
    assert email.recipient == "ada@example.com"
    assert email.subject == f"Your books are on their way: Stripe Press order {number}"
    assert f"Track your parcel: {UPS_LINK}" in email.text_body
    assert "Tracking number: 1Z999AA1 0123456784" in email.text_body
    assert "with UPS" in email.text_body
    assert f'<a href="{UPS_LINK}"' in email.html_body
    run_worker(shop)
    run_worker(shop)
    [sent] = mail_files(tmp_path, "shipped", number)
    assert UPS_LINK in sent.read_text()
    # The shopper's page shows the parcel.
    assert lookup(shop, number)["shipment"] == shipment
    assert admin.client.get(f"/api/admin/orders/{number}").get_json() == view


def test_a_tracking_link_is_made_safe_for_a_url_and_other_carriers_have_none(
    shop: Flask, admin: SignedIn
) -> None:
    royal, local = demo_order(shop), demo_order(shop)

    royal_mail = ship(admin, royal, "Royal Mail", "AB 1234 5678 9GB").get_json()["shipment"]
    other = ship(admin, local, "Other", "LOCAL-42").get_json()["shipment"]

    assert royal_mail["trackingUrl"] == (
        "https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB"
    )
    assert other == {
        "carrier": "Other",
        "trackingNumber": "LOCAL-42",
        "trackingUrl": None,
        "shippedAt": other["shippedAt"],
    }
    [email] = outbox(shop, local, "shipped")
    assert "Tracking number: LOCAL-42" in email.text_body
    assert "Track your parcel" not in email.text_body and "href" not in email.html_body
    assert " with " not in email.text_body.splitlines()[2]  # no carrier named


@pytest.mark.parametrize("paid", [False, True], ids=["pending", "refunding"])
def test_only_a_paid_order_ships_and_a_refusal_changes_nothing(
    shop: Flask, admin: SignedIn, paid: bool
) -> None:
    number = demo_order(shop, paid=paid)
    if paid:
        refund = shop.test_cli_runner().invoke(args=["orders", "refund", number, "--no-wait"])
        assert refund.exit_code == 0, refund.output
    before = order_of(shop, number)
    logged = activity_count(shop)

    error = assert_error(ship(admin, number), 409, "not_paid")

    assert number in error["message"]
    after = order_of(shop, number)
    assert [event.kind for event in after.history] == [event.kind for event in before.history]
    assert outbox(shop, number, "shipped") == []
    assert activity_count(shop) == logged
    assert admin.client.get(f"/api/admin/orders/{number}").get_json()["shipment"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"trackingNumber": UPS_NUMBER}, "carrier"),
        ({"carrier": "Pigeon", "trackingNumber": UPS_NUMBER}, "carrier"),
        ({"carrier": "ups", "trackingNumber": UPS_NUMBER}, "carrier"),  # the names, exactly
        ({"carrier": "UPS"}, "trackingNumber"),
        ({"carrier": "UPS", "trackingNumber": "1Z9"}, "trackingNumber"),
        ({"carrier": "UPS", "trackingNumber": "1" * 41}, "trackingNumber"),
        ({"carrier": "UPS", "trackingNumber": "1Z99/AA10"}, "trackingNumber"),
        ({"carrier": "UPS", "trackingNumber": " 1Z999AA1"}, "trackingNumber"),
        ({"carrier": "UPS", "trackingNumber": "-1Z999AA1"}, "trackingNumber"),
        ({"carrier": "UPS", "trackingNumber": 12345678}, "trackingNumber"),
        ({"carrier": "UPS", "tracking_number": UPS_NUMBER}, "trackingNumber"),
    ],
)
def test_a_bad_carrier_or_tracking_number_is_a_400_naming_the_field(
    shop: Flask, admin: SignedIn, body: dict[str, Any], field: str
) -> None:
    number = demo_order(shop)

    error = assert_error(
        admin.change("POST", f"/orders/{number}/shipment", body), 400, "validation_error"
    )

    assert [detail["field"] for detail in error["details"]] == [field]
    assert outbox(shop, number, "shipped") == []


def test_a_body_that_is_not_json_is_a_400(shop: Flask, admin: SignedIn) -> None:
    number = demo_order(shop)
    response = admin.client.post(
        f"/api/admin/orders/{number}/shipment",
        data="{carrier: UPS",
        headers={
            "Origin": "http://localhost:3000",
            "X-CSRF-Token": admin.csrf_token,
            "Content-Type": "application/json",
        },
    )

    assert_error(response, 400, "invalid_json")


def test_changing_an_unknown_order_is_a_404(admin: SignedIn) -> None:
    assert_error(ship(admin, "SP-ZZZZZZ"), 404, "not_found")
    assert_error(
        admin.change("POST", "/orders/SP-ZZZZZZ/notes", {"text": "hello"}), 404, "not_found"
    )
    assert_error(
        admin.change("POST", "/orders/SP-ZZZZZZ/resolve", {"outcome": "paid"}), 404, "not_found"
    )


# --- notes -------------------------------------------------------------------------------------


def test_a_note_is_in_the_timeline_signed_and_never_shown_to_the_shopper(
    shop: Flask, admin: SignedIn
) -> None:
    number = demo_order(shop)
    text = "Customer phoned: leave the parcel with the neighbour at no. 12."

    response = admin.change("POST", f"/orders/{number}/notes", {"text": f"  {text}\n"})

    assert response.status_code == 200, response.get_json()
    last = response.get_json()["timeline"][-1]
    assert (last["kind"], last["detail"]) == ("note", f"{OWNER_EMAIL}: {text}")
    answer = shop.test_client().post(
        "/api/order-lookup", json={"number": number, "email": "ada@example.com"}
    )
    assert answer.status_code == 200
    assert "neighbour" not in answer.get_data(as_text=True)
    assert OWNER_EMAIL not in answer.get_data(as_text=True)
    assert outbox(shop, number, "note") == []


def test_a_note_of_500_characters_is_kept_whole(shop: Flask, admin: SignedIn) -> None:
    number = demo_order(shop)
    text = "x" * 499 + "!"

    response = admin.change("POST", f"/orders/{number}/notes", {"text": text})

    assert response.status_code == 200, response.get_json()
    assert order_of(shop, number).history[-1].detail == f"{OWNER_EMAIL}: {text}"


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "   \n"}, {"text": "x" * 501}, {"text": 42}, {"note": "hi"}],
)
def test_an_empty_or_long_note_is_a_400(shop: Flask, admin: SignedIn, body: dict[str, Any]) -> None:
    number = demo_order(shop)
    before = len(order_of(shop, number).history)

    error = assert_error(
        admin.change("POST", f"/orders/{number}/notes", body), 400, "validation_error"
    )

    assert [detail["field"] for detail in error["details"]] == ["text"]
    assert len(order_of(shop, number).history) == before


# --- the activity log --------------------------------------------------------------------------


def test_each_change_is_in_the_activity_log_with_the_owner_and_the_order(
    shop: Flask, admin: SignedIn
) -> None:
    number = demo_order(shop)

    assert ship(admin, number).status_code == 200
    assert admin.change("POST", f"/orders/{number}/notes", {"text": "gift wrap"}).status_code == 200

    assert actions(admin)[:2] == [
        ("order_note", OWNER_EMAIL, f"{number}: gift wrap"),
        ("order_shipped", OWNER_EMAIL, f"{number}: UPS {UPS_NUMBER}"),
    ]


# --- the command line --------------------------------------------------------------------------


def test_orders_ship_and_note_call_the_same_domain_functions(
    shop: Flask, admin: SignedIn, tmp_path: Path
) -> None:
    number = demo_order(shop)
    runner = shop.test_cli_runner()

    shipped = runner.invoke(
        args=["orders", "ship", number, "--carrier", "ups", "--tracking", UPS_NUMBER]
    )
    twice = runner.invoke(args=["orders", "ship", number, "--carrier", "UPS", "--tracking", "1234"])
    noted = runner.invoke(args=["orders", "note", number.lower(), "left a voicemail"])
    empty = runner.invoke(args=["orders", "note", number, "  "])
    shown = runner.invoke(args=["orders", "show", number])

    assert shipped.exit_code == 0, shipped.output
    assert shipped.stdout.splitlines() == [
        f"Order {number} is shipped (UPS {UPS_NUMBER}).",
        f"Tracking: {UPS_LINK}",
        "The customer's email is queued; the worker sends it.",
    ]
    assert twice.exit_code == 1
    assert f"Order {number} shipped already (UPS {UPS_NUMBER})." in twice.stderr
    assert noted.exit_code == 0 and noted.stdout == f"Note added to order {number}.\n"
    assert empty.exit_code == 1 and "A note needs some text." in empty.stderr
    assert "  Shipped         " in shown.stdout
    assert f", UPS {UPS_NUMBER}\n                  {UPS_LINK}\n" in shown.stdout
    assert shown.stdout.endswith(f"  {'note':<26}  command line: left a voicemail\n")
    view = admin.client.get(f"/api/admin/orders/{number}").get_json()
    assert [entry["kind"] for entry in view["timeline"]][-2:] == ["shipped", "note"]
    assert view["timeline"][-2]["detail"] == f"UPS {UPS_NUMBER}"  # nobody signed in to name
    assert len(outbox(shop, number, "shipped")) == 1
    assert lookup(shop, number)["shipment"]["trackingUrl"] == UPS_LINK


def test_orders_ship_refuses_an_unknown_carrier_or_a_bad_tracking_number(shop: Flask) -> None:
    number = demo_order(shop)
    runner = shop.test_cli_runner()

    pigeon = runner.invoke(
        args=["orders", "ship", number, "--carrier", "Pigeon", "--tracking", "1234"]
    )
    short = runner.invoke(args=["orders", "ship", number, "--carrier", "DHL", "--tracking", "12"])

    assert pigeon.exit_code == 2 and "'Pigeon' is not one of" in pigeon.stderr
    assert short.exit_code == 1
    assert "A tracking number is 4 to 40 letters, digits, spaces and dashes" in short.stderr
    assert outbox(shop, number, "shipped") == []
