"""Find your order, in Chromium against the real servers (demo mode): after a purchase, by its
number and email from the header's link; a wrong email finds nothing; axe checks every state."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest
from accessibility import expect_no_axe_violations
from conftest import running_servers
from e2e_servers import Servers
from playwright.sync_api import Page, expect
from shopping import (
    SHOPPER,
    SUCCESS_CARD,
    checkout_one_book,
    expect_paid,
    find_order,
    money,
    open_find_your_order,
    order_fact,
    order_number_shown,
    pay_by_api,
    pay_with,
    post_json,
)

NOT_FOUND = "No order matches that order number and email."
# Checkout's hold on a cart's copies, in the servers of the sold-out test: 1.2 seconds.
SHORT_HOLD_MINUTES = 0.02


def expect_not_found(page: Page) -> None:
    """The one answer for an unknown number and a wrong email, in an alert; no order shown."""
    alert = page.get_by_role("alert").filter(has_text=NOT_FOUND)
    expect(alert).to_be_visible(timeout=15000)
    expect(page.get_by_role("region", name="Order details")).to_have_count(0)


def expect_no_email_in_address(page: Page, email: str) -> None:
    """The lookup is a POST: the address bar holds neither the email nor the number."""
    assert urlparse(page.url).path == "/orders/find"
    assert urlparse(page.url).query == ""
    assert email not in page.url


def test_purchase_then_find_your_order_by_number_and_email(
    fresh_page: Page, servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """The confirmation's order number and the shopper's email show the paid order again."""
    page = fresh_page
    book, quote = checkout_one_book(page, servers)
    pay_with(page, SUCCESS_CARD)
    order = expect_paid(page, servers, quote.total)
    number = order_number_shown(page)
    assert number == order["orderNumber"]

    open_find_your_order(page)
    expect(page.get_by_role("link", name="Find your order")).to_have_attribute(
        "aria-current", "page"
    )

    # The right number with someone else's email finds nothing, and says only that.
    find_order(page, number, "someone.else@example.com")
    expect_not_found(page)
    expect(page.get_by_text(book["title"])).to_have_count(0)
    screenshot("order-lookup-not-found")
    expect_no_axe_violations(page, "the lookup page's not-found message")

    # Typed as people do (lower case, no prefix); the server forgives it.
    find_order(page, number.removeprefix("SP-").lower(), SHOPPER.email)
    heading = page.get_by_role("heading", level=2, name=f"Order {number}")
    expect(heading).to_be_visible(timeout=15000)
    expect(heading).to_be_focused()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(order_fact(page, "Order number")).to_have_text(number)
    expect(order_fact(page, "Status")).to_have_text("Paid")
    expect(order_fact(page, "Email")).to_have_text(SHOPPER.email)
    expect(order_fact(page, "Shipping to")).to_contain_text(SHOPPER.line1)
    expect(order_fact(page, "Delivery")).to_contain_text("Standard: arrives in")
    expect(order_fact(page, "Payment method")).to_contain_text("4242")
    books = page.get_by_role("region", name="Your books")
    line = books.get_by_role("listitem")
    expect(line).to_have_count(1)
    expect(line).to_contain_text(book["title"])
    expect(line).to_contain_text("\u00d7 1")  # the multiplication sign, then the quantity
    expect(line).to_contain_text(money(book["price"]))
    total = books.locator("dt").filter(has_text=re.compile(r"^Total$"))
    expect(total.locator("xpath=following-sibling::dd[1]")).to_have_text(money(quote.total))
    expect_no_email_in_address(page, SHOPPER.email)
    screenshot("order-lookup-found")
    expect_no_axe_violations(page, "the lookup page showing an order")


def test_lookup_page_checks_its_fields_and_passes_axe_in_every_state(
    fresh_page: Page, screenshot: Callable[[str], None]
) -> None:
    """Empty, with the fields' messages, and with the not-found alert: nothing axe can fault."""
    page = fresh_page
    open_find_your_order(page)
    expect_no_axe_violations(page, "the empty lookup page")

    page.get_by_role("button", name="Find order").click()
    number = page.get_by_label("Order number", exact=True)
    expect(number).to_be_focused()
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_have_accessible_description(re.compile(r"Enter your order number\."))
    email = page.get_by_label("Email", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(
        re.compile(r"Enter the email address you ordered with\.")
    )
    screenshot("order-lookup-invalid")
    expect_no_axe_violations(page, "the lookup page with the fields' messages")

    find_order(page, "SP-7K3M9", "ada@")
    expect(number).to_be_focused()
    expect(number).to_have_accessible_description(re.compile(r"like SP-7K3M9Q\."))
    expect(email).to_have_accessible_description(re.compile(r"like name@example\.com\."))

    # A number no order has: the same message as a wrong email.
    find_order(page, "SP-222222", SHOPPER.email)
    expect_not_found(page)
    expect(number).not_to_have_attribute("aria-invalid", "true")
    expect_no_email_in_address(page, SHOPPER.email)
    expect_no_axe_violations(page, "the lookup page's not-found message for an unknown number")


def test_phone_sized_lookup_page_fits_the_screen(
    page: Page, servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """At 375 px the header keeps its link and cart on screen, and nothing is wider than it."""
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/")
    expect(page.get_by_text("Demo mode: no real payments")).to_be_visible()
    open_find_your_order(page)
    page.get_by_role("button", name="Find order").click()
    expect(page.get_by_label("Order number", exact=True)).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.get_by_role("button", name=re.compile(r"^Cart \("))).to_be_in_viewport()
    screenshot("order-lookup-phone")
    expect_no_axe_violations(page, "the phone-sized lookup page with the fields' messages")


@pytest.fixture(scope="module")
def short_hold_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The shop in demo mode whose checkouts hold their copies for only a moment."""
    settings = {"STOCK_HOLD_MINUTES": str(SHORT_HOLD_MINUTES)}
    with running_servers(tmp_path_factory.mktemp("e2e-hold"), settings, "e2e-hold") as run:
        yield run


def checkout_by_api(servers: Servers, book_id: str, quantity: int, email: str) -> dict[str, Any]:
    """Pay for a cart through the API with an email and an address: its copies are held."""
    return pay_by_api(servers, {book_id: quantity}, email)


def confirm_by_api(servers: Servers, intent: dict[str, Any]) -> str:
    """Pay with 4242... as the demo's Payment Element does; the PaymentIntent's status."""
    paid = post_json(
        servers,
        f"/demo/payment_intents/{intent['paymentIntentId']}/confirm",
        {
            "client_secret": intent["clientSecret"],
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"},
        },
    )
    return str(paid["status"])


def test_a_payment_that_arrives_after_the_copies_sold_out_is_refunded_and_says_so(
    page: Page, short_hold_servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """No books, the full amount back, an email: on the success page and in Find your order."""
    shop = short_hold_servers
    books = shop.get_json("/api/books")["books"]
    book = min((b for b in books if b["available"] > 0), key=lambda b: b["available"])
    late = checkout_by_api(shop, book["id"], 1, SHOPPER.email)
    # The late shopper's hold runs out; others then buy every copy there is, and pay.
    time.sleep(SHORT_HOLD_MINUTES * 60 + 0.5)
    others = checkout_by_api(shop, book["id"], book["available"], "someone.else@example.com")
    assert confirm_by_api(shop, others) == "succeeded"
    # The late payment goes through at the gateway all the same.
    assert confirm_by_api(shop, late) == "succeeded"

    query = urlencode(
        {
            "payment_intent": late["paymentIntentId"],
            "payment_intent_client_secret": late["clientSecret"],
        }
    )
    page.goto(f"{shop.web_url}/success?{query}")
    expect(page.get_by_role("heading", level=1, name="Sorry, your books sold out")).to_be_visible(
        timeout=20000
    )
    expect(page.get_by_role("heading", name="Thank you for your order")).to_have_count(0)
    notice = page.get_by_role("status").filter(has_text="no books will be sent")
    expect(notice).to_contain_text(
        "The last copies sold out before your payment reached us, so no books will be sent."
    )
    # The page keeps asking until the refund has gone through (demo refunds take a moment).
    expect(notice).to_contain_text(
        f"We've refunded the full {money(late['amount'])} to your Visa", timeout=30000
    )
    expect(notice).to_contain_text(f"We've sent an email about it to {SHOPPER.email}.")
    expect(page.get_by_role("region", name="What you ordered")).to_contain_text(book["title"])
    screenshot("success-sold-out-refunded")
    expect_no_axe_violations(page, "the success page of a payment refunded for sold-out copies")

    open_find_your_order(page)
    find_order(page, late["orderNumber"], SHOPPER.email)
    expect(page.get_by_role("heading", level=2, name=f"Order {late['orderNumber']}")).to_be_visible(
        timeout=15000
    )
    expect(order_fact(page, "Status")).to_have_text("Refunded")
    expect(page.get_by_text("so no books will be sent")).to_be_visible()
    screenshot("order-lookup-sold-out-refunded")
    expect_no_axe_violations(page, "the lookup page showing a refunded order")
