"""Charged exactly what was shown: a price that changes between the quote and Pay charges nothing,
shows the new total, and the next Pay charges that."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator

import pytest
from accessibility import expect_no_axe_violations
from conftest import running_servers
from e2e_servers import Servers
from playwright.sync_api import Page, expect
from shopping import (
    SUCCESS_CARD,
    add_to_cart,
    expect_paid,
    first_books,
    go_to_checkout,
    money,
    order_summary,
    pay_with,
)

PRICE_RISE = 500


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The shop in demo mode for this module alone: its test changes a price."""
    with running_servers(tmp_path_factory.mktemp("e2e-quote"), {}, "e2e-quote") as run:
        yield run


def raise_price(shop: Servers, book_id: str, by: int) -> None:
    """The owner changes a price in the database, as a shopper is about to pay."""
    with sqlite3.connect(shop.database) as connection:
        connection.execute("UPDATE book SET price = price + ? WHERE id = ?", (by, book_id))


def payment_intents(shop: Servers) -> int:
    """How many demo PaymentIntents exist (each Pay that reached the gateway made one)."""
    with sqlite3.connect(shop.database) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM demo_payment_intents").fetchone()
    return int(count)


def test_a_price_changed_before_pay_charges_nothing_and_the_next_pay_charges_the_new_total(
    page: Page, shop: Servers, screenshot: Callable[[str], None]
) -> None:
    page.goto(f"{shop.web_url}/")
    (book,) = first_books(shop, 1)
    add_to_cart(page, book)
    shown = go_to_checkout(page, book["price"])

    raise_price(shop, book["id"], PRICE_RISE)
    pay_with(page, SUCCESS_CARD)

    notice = page.get_by_role("alert").filter(has_text="Your order changed")
    expect(notice).to_be_visible(timeout=15000)
    pay = page.get_by_role("button", name=re.compile(r"^Pay\b"))
    expect(pay).not_to_have_accessible_name(f"Pay {money(shown.total)}")
    summary = page.get_by_role("region", name="Order summary")
    expect(summary.get_by_text(money(book["price"] + PRICE_RISE)).first).to_be_visible()
    new_total = order_summary(page).total
    expect(pay).to_have_accessible_name(f"Pay {money(new_total)}")
    assert new_total > shown.total
    expect(notice).to_contain_text(money(new_total))
    assert payment_intents(shop) == 0, "a Pay for a stale quote reached the gateway"
    screenshot("checkout-quote-changed")
    expect_no_axe_violations(page, "checkout-quote-changed")

    pay_with(page, SUCCESS_CARD)
    expect_paid(page, shop, new_total)
    assert payment_intents(shop) == 1
