"""Find your order, in Chromium against the real servers (demo mode): after a purchase, by its
number and email from the header's link; a wrong email finds nothing; axe checks every state."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlparse

from accessibility import expect_no_axe_violations
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
    pay_with,
)

NOT_FOUND = "No order matches that order number and email."


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
