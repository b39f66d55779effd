"""Steps of a purchase in the shop, shared by the end-to-end tests."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from e2e_servers import Servers
from playwright.sync_api import Page, expect

SUCCESS_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
AUTH_CARD = "4000 0025 0000 3155"


def first_books(servers: Servers, count: int) -> list[dict[str, Any]]:
    """The first books of the catalogue, as the server sells them."""
    books: list[dict[str, Any]] = servers.get_json("/api/books")["books"]
    assert len(books) >= count
    return books[:count]


def money(cents: int) -> str:
    """Format US cents the way the shop does (Intl.NumberFormat en-US)."""
    return f"${cents / 100:,.2f}"


def add_to_cart(page: Page, book: dict[str, Any]) -> None:
    """Press a book's Add to cart button on the shop page."""
    page.get_by_role("button", name=f"Add to cart: {book['title']}").click()


def go_to_checkout(page: Page, total: int) -> None:
    """Open the cart, press Checkout, and wait for the server-priced summary."""
    page.get_by_role("button", name=re.compile(r"^Cart \(")).click()
    cart = page.get_by_role("dialog", name="Your cart")
    cart.get_by_role("link", name="Checkout").or_(
        cart.get_by_role("button", name="Checkout")
    ).click()
    expect(page.get_by_role("heading", name="Order summary")).to_be_visible()
    expect(page.get_by_role("button", name=f"Pay {money(total)}")).to_be_enabled(timeout=15000)


def pay_with(page: Page, card: str) -> None:
    """Fill the Payment Element (the demo stand-in in demo mode) and press Pay."""
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiration date").fill("12 / 34")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()


def order_on_server(servers: Servers, page: Page) -> dict[str, Any]:
    """What the API says of the order named in the success page's URL."""
    query = parse_qs(urlparse(page.url).query)
    intent, secret = query["payment_intent"][0], query["payment_intent_client_secret"][0]
    order: dict[str, Any] = servers.get_json(f"/api/orders/{intent}?client_secret={secret}")
    return order


def expect_paid(page: Page, servers: Servers, amount: int) -> dict[str, Any]:
    """The success page and the server agree that the order is paid for this amount."""
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible(
        timeout=20000
    )
    order = order_on_server(servers, page)
    assert order["status"] == "paid"
    assert order["amount"] == amount
    expect(page.get_by_text(order["paymentIntentId"])).to_be_visible()
    expect(page.get_by_text(money(amount)).first).to_be_visible()
    # Paid carts are emptied: the header shows no items any more.
    expect(page.get_by_role("button", name=re.compile(r"^Cart \(0 item"))).to_be_visible()
    return order


def checkout_one_book(page: Page, servers: Servers) -> dict[str, Any]:
    """Put the first book in the cart and open checkout for it."""
    (book,) = first_books(servers, 1)
    add_to_cart(page, book)
    go_to_checkout(page, book["price"])
    return book
